from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.artifacts import load_model
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.data import split_target, validate
from {{ cookiecutter.package_name }}.errors import DataError, DataValidationError
from {{ cookiecutter.package_name }}.predict import predict_file, predict_frame

pytestmark = pytest.mark.usefixtures("trained")


def write(table: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return path


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)


@pytest.mark.parametrize(("source", "destination"), [(".csv", ".parquet"), (".parquet", ".csv")])
def test_file_predictions_match_in_memory_predictions(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path, source: str, destination: str
) -> None:
    model = load_model(settings.models_dir).model
    features, _ = split_target(validate(sample))
    source_path = write(sample.drop(columns=problem.TARGET.name), tmp_path / f"in{source}")
    out = tmp_path / f"out{destination}"
    assert predict_file(model, source_path, out, chunk_rows=333) == len(sample)
    scored = read(out)
    expected = predict_frame(model, features).reset_index(drop=True)
    pd.testing.assert_frame_equal(scored[expected.columns], expected, check_dtype=False)
    assert list(scored.columns[: len(features.columns)]) == list(features.columns)


def test_chunk_size_does_not_change_the_output(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(settings.models_dir).model
    source = write(sample, tmp_path / "in.parquet")
    predict_file(model, source, tmp_path / "one.parquet", chunk_rows=len(sample))
    predict_file(model, source, tmp_path / "many.parquet", chunk_rows=97)
    pd.testing.assert_frame_equal(read(tmp_path / "one.parquet"), read(tmp_path / "many.parquet"))


def test_rescoring_replaces_predictions(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(settings.models_dir).model
    once = tmp_path / "once.csv"
    predict_file(model, write(sample, tmp_path / "in.csv"), once, chunk_rows=500)
    predict_file(model, once, tmp_path / "twice.csv", chunk_rows=500)
    assert list(read(tmp_path / "twice.csv").columns) == list(read(once).columns)


def test_bad_chunk_names_its_rows_and_leaves_no_output(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(settings.models_dir).model
    table = sample.copy()
    table.loc[1500, "contract"] = "weekly"
    files = tmp_path / "files"
    files.mkdir()
    source = write(table, files / "in.csv")
    with pytest.raises(DataValidationError, match="rows 1501-2000: column 'contract'"):
        predict_file(model, source, files / "out.csv", chunk_rows=500)
    assert list(files.iterdir()) == [source]


def test_unsupported_output_type_is_refused(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(settings.models_dir).model
    with pytest.raises(DataError, match=r"use a \.csv or \.parquet output file"):
        predict_file(model, write(sample, tmp_path / "in.csv"), tmp_path / "o.xlsx", chunk_rows=9)


def test_file_without_rows_is_refused(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = load_model(settings.models_dir).model
    source = write(sample.head(0), tmp_path / "in.parquet")
    with pytest.raises(DataError, match="has no rows to score"):
        predict_file(model, source, tmp_path / "out.parquet", chunk_rows=10)
    assert not (tmp_path / "out.parquet").exists()
