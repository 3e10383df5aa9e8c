"""`spark predict`: the pandas path's predictions and checks, on partitioned data, atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataError, DataValidationError
from {{ cookiecutter.package_name }}.modeling.predictors import JOBLIB, ONNX
from {{ cookiecutter.package_name }}.spark.jobs import SparkJobError
from {{ cookiecutter.package_name }}.spark.output import MARKER
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.predict import predict
from {{ cookiecutter.package_name }}.workflows.spark import predict_on_spark
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

pytestmark = pytest.mark.spark

Check = Callable[[pd.DataFrame, pd.DataFrame], None]
WriteParts = Callable[[pd.DataFrame, Path], Path]
PARTS = 4  # files in `parts` (conftest.py)


def pandas_path(settings: Settings, table: pd.DataFrame, tmp_path: Path) -> pd.DataFrame:
    """The same table scored by `predict`, chunk by chunk on one machine."""
    source, output = tmp_path / "whole.parquet", tmp_path / "pandas-scored.parquet"
    table.to_parquet(source, index=False, coerce_timestamps="us")
    predict(settings, source, output)
    return pd.read_parquet(output)


def leftovers(folder: Path) -> list[str]:
    """Hidden staging or replaced folders that a run left beside its destination."""
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def corrupt(part: Path) -> None:
    """Overwrite the first half of a Parquet file's pages: its footer still reads, its pages do
    not (their headers are garbage, not values that happen to decode)."""
    data = bytearray(part.read_bytes())
    half = len(data) // 2
    data[4:half] = b"\xff" * (half - 4)
    part.write_bytes(bytes(data))


def test_predictions_match_the_pandas_path(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    parts: Path,
    tmp_path: Path,
    assert_same_predictions: Check,
) -> None:
    destination = tmp_path / "scored"
    run = predict_on_spark(settings, str(parts), str(destination))
    assert (run.rows, run.version, run.runtime) == (len(table), trained.version, ONNX)
    assert run.input_partitions >= PARTS
    assert run.output_files >= 1
    scored = pd.read_parquet(destination)
    assert list(scored.columns) == [*table.columns, *problem.PREDICTION_COLUMNS]
    assert_same_predictions(scored, pandas_path(settings, table, tmp_path))
    marker = json.loads((destination / MARKER).read_text())
    assert marker["model_version"] == trained.version
    assert marker["rows"] == len(table)
    assert marker["source"] == str(parts)
    assert leftovers(tmp_path) == []


def test_a_model_without_onnx_export_is_scored_from_its_pickle(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    parts: Path,
    tmp_path: Path,
    assert_same_predictions: Check,
) -> None:
    store = open_store(settings)
    store.update_metadata(trained.version, {"onnx": {"file": None, "reason": "not exportable"}})
    destination = tmp_path / "scored"
    run = predict_on_spark(settings, str(parts), str(destination))
    assert run.runtime == JOBLIB
    assert_same_predictions(pd.read_parquet(destination), pandas_path(settings, table, tmp_path))


def test_every_bad_row_of_every_partition_is_reported_and_nothing_is_written(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    bounded_column: Column,
    out_of_range: float,
    categorical_column: Column,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    bad = table.copy()
    rows = len(table)
    far_apart = [3, rows // 2, rows - 5]  # in the first, third and last part
    bad[bounded_column.name] = bad[bounded_column.name].astype(float)
    bad.loc[far_apart, bounded_column.name] = [out_of_range, out_of_range - 1, out_of_range - 2]
    bad[categorical_column.name] = bad[categorical_column.name].astype(object)
    bad.loc[rows // 4, categorical_column.name] = "no-such-category"
    source = write_parts(bad, tmp_path / "input")
    destination = tmp_path / "scored"
    with pytest.raises(DataValidationError) as raised:
        predict_on_spark(settings, str(source), str(destination))
    by_column = {problem.split("'")[1]: problem for problem in raised.value.problems}
    assert "3 row(s)" in by_column[bounded_column.name]
    assert repr(out_of_range) in by_column[bounded_column.name]
    assert "1 row(s), e.g. 'no-such-category'" in by_column[categorical_column.name]
    assert f"{rows:,} rows checked" in str(raised.value)
    assert not destination.exists()
    assert leftovers(tmp_path) == []


def test_a_missing_column_is_refused_before_any_job(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    required_column: Column,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    source = write_parts(table.drop(columns=[required_column.name]), tmp_path / "input")
    with pytest.raises(DataValidationError, match=f"column '{required_column.name}' is missing"):
        predict_on_spark(settings, str(source), str(tmp_path / "scored"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["input", "models"]


def test_a_job_that_fails_midway_leaves_the_previous_output_whole(
    spark: SparkSession, settings: Settings, trained: TrainingOutcome, parts: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "scored"
    predict_on_spark(settings, str(parts), str(destination))
    before = {path.name: path.read_bytes() for path in destination.iterdir()}
    corrupt(parts / "part-00002.parquet")
    with pytest.raises(SparkJobError, match="nothing was written to") as raised:
        predict_on_spark(settings, str(parts), str(destination))
    assert "part-00002.parquet" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert {path.name: path.read_bytes() for path in destination.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_a_first_run_that_fails_leaves_no_output(
    spark: SparkSession, settings: Settings, trained: TrainingOutcome, parts: Path, tmp_path: Path
) -> None:
    corrupt(parts / "part-00001.parquet")
    with pytest.raises(SparkJobError):
        predict_on_spark(settings, str(parts), str(tmp_path / "scored"))
    assert not (tmp_path / "scored").exists()
    assert leftovers(tmp_path) == []


def test_a_folder_it_did_not_write_is_never_replaced(
    spark: SparkSession, settings: Settings, trained: TrainingOutcome, parts: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "precious"
    destination.mkdir()
    (destination / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match="is not a dataset that `spark predict` wrote"):
        predict_on_spark(settings, str(parts), str(destination))
    assert [path.name for path in destination.iterdir()] == ["notes.txt"]


def test_rescoring_an_output_replaces_its_predictions(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    parts: Path,
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    predict_on_spark(settings, str(parts), str(first))
    predict_on_spark(settings, str(first), str(second))
    again = pd.read_parquet(second)
    assert list(again.columns) == [*table.columns, *problem.PREDICTION_COLUMNS]
    assert len(again) == len(table)


def test_the_output_is_partitioned_by_the_columns_asked(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    parts: Path,
    categorical_column: Column,
    tmp_path: Path,
) -> None:
    destination = tmp_path / "scored"
    name = categorical_column.name
    predict_on_spark(settings, str(parts), str(destination), partition_by=[name])
    folders = {path.name for path in destination.iterdir() if path.is_dir()}
    assert folders == {
        f"{name}={value}" for value in table[name].fillna("__HIVE_DEFAULT_PARTITION__").unique()
    }
    assert len(pd.read_parquet(destination)) == len(table)
    with pytest.raises(DataError, match="cannot partition by \\['no_such_column'\\]"):
        predict_on_spark(
            settings, str(parts), str(tmp_path / "other"), partition_by=["no_such_column"]
        )


def test_csv_and_json_lines_are_read_too(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    tmp_path: Path,
    assert_same_predictions: Check,
) -> None:
    expected = pandas_path(settings, table, tmp_path)
    csv, jsonl = tmp_path / "table.csv", tmp_path / "table.jsonl"
    table.to_csv(csv, index=False)
    table.to_json(jsonl, orient="records", lines=True, date_format="iso")  # dates as text
    for source in (csv, jsonl):
        destination = tmp_path / f"scored-{source.suffix[1:]}"
        run = predict_on_spark(settings, str(source), str(destination))
        assert run.rows == len(table)
        assert_same_predictions(pd.read_parquet(destination), expected)


def test_an_empty_dataset_has_nothing_to_score(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.parquet"
    table.head(0).to_parquet(empty, index=False, coerce_timestamps="us")
    with pytest.raises(DataError, match="has no rows to score"):
        predict_on_spark(settings, str(empty), str(tmp_path / "scored"))
    assert not (tmp_path / "scored").exists()
    assert leftovers(tmp_path) == []


def test_a_missing_dataset_is_named(
    spark: SparkSession, settings: Settings, trained: TrainingOutcome, tmp_path: Path
) -> None:
    with pytest.raises(DataError, match=r"cannot be read as parquet: .*PATH_NOT_FOUND"):
        predict_on_spark(settings, str(tmp_path / "nowhere"), str(tmp_path / "scored"))
    with pytest.raises(DataError, match="unknown format 'xls'"):
        predict_on_spark(settings, str(tmp_path / "x"), str(tmp_path / "y"), file_format="xls")
    for database in ("sql/batch.sql", "table:scores"):
        with pytest.raises(DataError, match="a query or a table of the database is read by"):
            predict_on_spark(settings, database, str(tmp_path / "y"))


def test_the_model_is_loaded_once_per_python_worker(
    spark: SparkSession, settings: Settings, trained: TrainingOutcome, parts: Path
) -> None:
    """However many tasks and batches a worker runs, it builds the model's scorer once."""
    from {{ cookiecutter.package_name }}.spark.shipping import ship

    shipped = spark.sparkContext.broadcast(ship(open_store(settings)))

    def scorers(batches):
        import os

        for _ in batches:
            yield pd.DataFrame({"pid": [os.getpid()], "scorer": [id(shipped.value.scorer())]})

    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "250")
    try:
        frame = spark.read.parquet(str(parts)).repartition(4)
        seen = frame.mapInPandas(scorers, "pid long, scorer long").toPandas()
    finally:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
        shipped.destroy()
    assert len(seen) >= 16  # several batches in each of the 4 tasks
    assert seen["pid"].nunique() < len(seen)  # workers ran several batches each
    assert (seen.groupby("pid")["scorer"].nunique() == 1).all()


def test_spark_runs_where_the_settings_say(spark: SparkSession) -> None:
    """The session the tests share was started with spark.master = local[2]: it was applied."""
    assert spark.sparkContext.master == "local[2]"
    assert spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch") == "1000"
