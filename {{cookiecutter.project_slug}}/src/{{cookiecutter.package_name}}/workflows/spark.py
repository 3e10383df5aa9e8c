"""Workflows on Apache Spark: score a dataset, monitor a batch, draw a training sample.

Each starts a Spark session (or joins the running one: spark-submit, Databricks) and stops only a
session it started. The model comes from the model store, as for every other workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.monitoring.batches import Batch, is_prediction_log
from {{ cookiecutter.package_name }}.spark import jobs
from {{ cookiecutter.package_name }}.spark.session import spark_session
from {{ cookiecutter.package_name }}.spark.shipping import ship
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.monitor import Monitoring, monitor

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class SampleOutcome:
    rows: int
    total_rows: int
    output: str


def predict_on_spark(
    settings: Settings,
    source: str,
    destination: str,
    version: str | None = None,
    *,
    partition_by: Sequence[str] = (),
    file_format: str | None = None,
) -> jobs.ScoringRun:
    """Score `source` with a model (default: the current one) into Parquet at `destination`."""
    jobs.file_format(source, file_format)  # refuse a bad format before starting Spark
    model = ship(open_store(settings), version)
    with spark_session(settings.spark) as spark:
        return jobs.score(
            spark,
            model,
            source,
            destination,
            partition_by=partition_by,
            given_format=file_format,
        )


def monitor_on_spark(
    settings: Settings,
    batch: str | None = None,
    version: str | None = None,
    *,
    file_format: str | None = None,
) -> Monitoring:
    """`monitor` on a random sample (spark.sample_rows) of a dataset checked on the executors."""
    location = batch or settings.required("monitoring.data")
    jobs.file_format(location, file_format)
    if readable_prediction_log(location):
        msg = (
            f"'{location}' is the API's prediction log: `monitor` reads it (its lines are records"
            " under `features`); `spark monitor` takes a table"
        )
        raise DataError(msg)
    with spark_session(settings.spark) as spark:

        def read(location: tables.Location) -> Batch:
            drawn = jobs.sample(
                spark,
                str(location),
                settings.spark.sample_rows,
                settings.training.seed,
                require_target=False,
                given_format=file_format,
            )
            return Batch(drawn.table, sampled_from=drawn.total_rows)

        return monitor(settings, location, version, read=read)


def readable_prediction_log(location: str) -> bool:
    """A JSON-lines file that fsspec can open and that holds the API's prediction log."""
    try:
        return is_prediction_log(location)
    except Exception:  # a URI that only Spark reads (hdfs://, s3a://): not a log we can know
        return False


def sample_on_spark(
    settings: Settings,
    source: str,
    output: str,
    rows: int | None = None,
    *,
    file_format: str | None = None,
) -> SampleOutcome:
    """A random sample of labelled rows (every row checked) written to a file `train` reads."""
    jobs.file_format(source, file_format)
    tables.format_of(output)  # refuse a bad output name before starting Spark
    with spark_session(settings.spark) as spark:
        drawn = jobs.sample(
            spark,
            source,
            rows or settings.spark.sample_rows,
            settings.training.seed,
            require_target=True,
            given_format=file_format,
        )
    written = tables.write_table(drawn.table, output)
    return SampleOutcome(len(drawn.table), drawn.total_rows, written)
