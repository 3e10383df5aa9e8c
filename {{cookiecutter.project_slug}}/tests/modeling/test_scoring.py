from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.errors import DataError, DataValidationError
from {{ cookiecutter.package_name }}.modeling.scoring import (
    MAX_COLUMNS,
    predict_frame,
    score_file,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import ModelStore

pytestmark = pytest.mark.usefixtures("trained")


@pytest.mark.parametrize(
    ("source", "destination"), [(".csv", ".parquet"), (".parquet", ".jsonl"), (".jsonl", ".csv")]
)
def test_file_predictions_match_in_memory_predictions(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path, source: str, destination: str
) -> None:
    model = store.load().model
    features, _ = split_target(validate(sample))
    source_path = tmp_path / f"in{source}"
    tables.write_table(sample.drop(columns=SCHEMA.target.name), source_path)
    out = tmp_path / f"out{destination}"
    assert score_file(model, source_path, out, chunk_rows=333).rows == len(sample)
    scored = tables.read_table(out)
    expected = predict_frame(model, features).reset_index(drop=True)
    pd.testing.assert_frame_equal(scored[expected.columns], expected, check_dtype=False)
    assert list(scored.columns[: len(features.columns)]) == list(features.columns)


FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1"]


def test_formulas_in_passed_through_columns_are_neutralised_in_a_csv_only(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path
) -> None:
    """A spreadsheet runs a cell that starts with =, +, -, @ or a tab: the CSV a user downloads
    must not carry an uploaded formula into their spreadsheet."""
    model = store.load().model
    rows = sample.head(len(FORMULAS) + 2).drop(columns=SCHEMA.target.name).reset_index(drop=True)
    rows["note"] = [*FORMULAS, "plain text", None]
    rows["amount"] = range(-3, len(rows) - 3)  # numbers, negative ones too, stay numbers
    source = tables.write_table(rows, tmp_path / "in.parquet")
    scored = score_file(model, source, tmp_path / "out.csv", chunk_rows=3)
    assert scored.neutralised == len(FORMULAS)
    assert "a spreadsheet would run as a formula" in scored.note()
    written = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert list(written["note"][: len(FORMULAS)]) == [f"'{value}" for value in FORMULAS]
    assert list(written["note"][len(FORMULAS) :]) == ["plain text", ""]
    assert list(written["amount"]) == list(rows["amount"])
    parquet = score_file(model, source, tmp_path / "out.parquet", chunk_rows=3)
    assert parquet.neutralised == 0
    assert list(tables.read_table(tmp_path / "out.parquet")["note"][: len(FORMULAS)]) == FORMULAS


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_file_too_wide_to_be_right_is_refused_before_its_rows_are_read(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path, suffix: str
) -> None:
    """A 10 MB file of 100,000 columns took minutes and gigabytes to refuse, row chunk by chunk."""
    rows = sample.head(2).drop(columns=SCHEMA.target.name).reset_index(drop=True)
    extra = pd.DataFrame(0, index=rows.index, columns=[f"x{i}" for i in range(MAX_COLUMNS)])
    source = tables.write_table(pd.concat([rows, extra], axis=1), tmp_path / f"wide{suffix}")
    width = len(rows.columns) + MAX_COLUMNS
    with pytest.raises(DataError, match=f"{width:,} columns, more than the {MAX_COLUMNS:,}"):
        score_file(store.load().model, source, tmp_path / "out.csv", chunk_rows=1)
    assert not list(tmp_path.glob("*out.csv*"))


def test_chunk_size_does_not_change_the_output(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = store.load().model
    source = tables.write_table(sample, tmp_path / "in.parquet")
    score_file(model, source, tmp_path / "one.parquet", chunk_rows=len(sample))
    score_file(model, source, tmp_path / "many.parquet", chunk_rows=97)
    one, many = (
        tables.read_table(tmp_path / "one.parquet"),
        tables.read_table(tmp_path / "many.parquet"),
    )
    pd.testing.assert_frame_equal(one, many)


def test_rescoring_replaces_predictions(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path
) -> None:
    model = store.load().model
    once = tmp_path / "once.csv"
    score_file(model, tables.write_table(sample, tmp_path / "in.csv"), once, chunk_rows=500)
    score_file(model, once, tmp_path / "twice.csv", chunk_rows=500)
    columns = tables.read_table(tmp_path / "twice.csv").columns
    assert list(columns) == list(tables.read_table(once).columns)


def test_bad_chunk_names_its_rows_and_leaves_no_output(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path, categorical_column: Column
) -> None:
    column = categorical_column.name
    table = sample.astype({column: object})
    table.loc[1500, column] = "never-seen-before"
    files = tmp_path / "files"
    source = tables.write_table(table, files / "in.csv")
    with pytest.raises(DataValidationError, match=f"rows 1501-2000: column '{column}'"):
        score_file(store.load().model, source, files / "out.csv", chunk_rows=500)
    assert [path.name for path in files.iterdir()] == ["in.csv"]


def test_unsupported_output_type_is_refused(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path
) -> None:
    source = tables.write_table(sample, tmp_path / "in.csv")
    with pytest.raises(DataError, match=r"unsupported file type \(\.xlsx\)"):
        score_file(store.load().model, source, tmp_path / "o.xlsx", chunk_rows=9)


def test_file_without_rows_is_refused(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path
) -> None:
    source = tables.write_table(sample.head(0), tmp_path / "in.parquet")
    with pytest.raises(DataError, match="has no rows to score"):
        score_file(store.load().model, source, tmp_path / "out.parquet", chunk_rows=10)
    assert not (tmp_path / "out.parquet").exists()


def test_a_csv_with_a_header_and_no_rows_is_refused(
    store: ModelStore, sample: pd.DataFrame, tmp_path: Path
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(",".join(sample.columns) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="has no rows to score"):
        score_file(store.load().model, source, tmp_path / "out.csv", chunk_rows=10)
    assert not (tmp_path / "out.csv").exists()
