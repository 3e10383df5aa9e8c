"""`spark monitor` and `spark sample`: a random sample drawn on the executors, every row checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import SparkSession

from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataValidationError
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.spark import (
    monitor_on_spark,
    sample_on_spark,
)
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome, train

pytestmark = pytest.mark.spark

WriteParts = Callable[[pd.DataFrame, Path], Path]
SAMPLE = 2_000


@pytest.fixture
def small_samples(settings: Settings) -> Settings:
    return settings.with_overrides(**{"spark.sample_rows": SAMPLE})


def test_a_drifted_dataset_is_caught_from_a_sample(
    spark: SparkSession,
    small_samples: Settings,
    trained: TrainingOutcome,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    drifted = write_parts(make_dataset(8_000, seed=5, drift=0.5), tmp_path / "drifted")
    outcome = monitor_on_spark(small_samples, str(drifted))
    assert outcome.result.drift
    assert outcome.result.rows == SAMPLE
    assert outcome.batch.sampled_from == 8_000
    assert outcome.version == trained.version
    assert outcome.html_report.is_file()


def test_a_dataset_like_the_training_data_shows_no_drift(
    spark: SparkSession,
    small_samples: Settings,
    trained: TrainingOutcome,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    alike = write_parts(make_dataset(8_000, seed=6), tmp_path / "alike")
    outcome = monitor_on_spark(small_samples, str(alike))
    assert not outcome.result.drift, [check.name for check in outcome.result.drifted]
    assert outcome.batch.to_dict()["sampled_from_rows"] == 8_000


def test_a_bad_row_anywhere_refuses_the_batch_even_outside_the_sample(
    spark: SparkSession,
    small_samples: Settings,
    trained: TrainingOutcome,
    table: pd.DataFrame,
    bounded_column: Column,
    out_of_range: float,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    bad = table.copy()
    bad[bounded_column.name] = bad[bounded_column.name].astype(float)
    bad.loc[len(bad) - 1, bounded_column.name] = out_of_range
    with pytest.raises(DataValidationError, match=f"'{bounded_column.name}'.*1 row"):
        monitor_on_spark(small_samples, str(write_parts(bad, tmp_path / "bad")))


def test_a_training_sample_trains_a_model(
    spark: SparkSession,
    small_samples: Settings,
    table: pd.DataFrame,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    source = write_parts(table, tmp_path / "labelled")
    output = tmp_path / "sample.parquet"
    outcome = sample_on_spark(small_samples, str(source), str(output))
    assert (outcome.rows, outcome.total_rows) == (SAMPLE, len(table))
    drawn = pd.read_parquet(output)
    assert list(drawn.columns) == [*SCHEMA.names, SCHEMA.target.name]  # the schema's only
    assert len(drawn) == SAMPLE
    again = sample_on_spark(small_samples, str(source), str(tmp_path / "again.parquet"))
    assert again.rows == SAMPLE
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "again.parquet"), drawn)  # seeded
    assert train(small_samples, output).promoted


def test_a_training_sample_needs_the_target(
    spark: SparkSession,
    small_samples: Settings,
    table: pd.DataFrame,
    tmp_path: Path,
    write_parts: WriteParts,
) -> None:
    unlabelled = write_parts(table.drop(columns=[SCHEMA.target.name]), tmp_path / "unlabelled")
    with pytest.raises(DataValidationError, match=f"column '{SCHEMA.target.name}' is missing"):
        sample_on_spark(small_samples, str(unlabelled), str(tmp_path / "sample.parquet"))
    assert not (tmp_path / "sample.parquet").exists()
