"""Spark jobs: score a dataset into partitioned Parquet, or draw a checked sample of it.

Both read any dataset Spark reads (a file or a folder of them, on a local disk, HDFS, S3, ABFS, GCS
or DBFS), refuse missing columns before any job starts, and check every row on the executors.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns import label_type
from {{ cookiecutter.package_name }}.columns.validation import Violation, validate
from {{ cookiecutter.package_name }}.errors import (
    DataError,
    DataValidationError,
    ProjectError,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.spark.batches import (
    Violations,
    ViolationsParam,
    sampling,
    scoring,
)
from {{ cookiecutter.package_name }}.spark.output import Dataset
from {{ cookiecutter.package_name }}.store import now
from {{ cookiecutter.package_name }}.tables.sql import is_query, is_table

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import StructField, StructType

    from {{ cookiecutter.package_name }}.spark.shipping import ShippedModel

FORMATS = ("parquet", "csv", "json", "delta")  # delta: Databricks, or the delta-spark package
SUFFIXES = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json"}


class SparkJobError(ProjectError):
    """The Spark job failed (an unreadable file, a lost executor); nothing was written.

    Unlike bad data, it may not happen again: orchestrators retry it (`retryable`).
    """

    retryable = True


@dataclass(frozen=True)
class ScoringRun:
    version: str
    runtime: str
    rows: int
    input_partitions: int
    output_files: int
    seconds: float
    destination: str
    master: str  # where Spark ran: local[2], yarn, spark://...

    def summary(self) -> dict[str, Any]:
        return {
            "model_version": self.version,
            "runtime": self.runtime,
            "rows": self.rows,
            "input_partitions": self.input_partitions,
            "output_files": self.output_files,
            "seconds": round(self.seconds, 1),
            "destination": self.destination,
            "master": self.master,
        }


@dataclass(frozen=True)
class Sample:
    table: pd.DataFrame  # validated, with the schema's types
    total_rows: int  # rows in the dataset it was drawn from


def file_format(location: str, given: str | None = None) -> str:
    """`given`, or the format its suffix names; a folder without one is Parquet."""
    if is_query(location) or is_table(location):
        msg = (
            f"'{location}': Spark reads datasets (Parquet, Delta, CSV, JSON lines); a query or"
            " a table of the database is read by `predict` and `monitor` (in chunks), not by Spark"
        )
        raise DataError(msg)
    if given is not None:
        if given not in FORMATS:
            msg = f"unknown format {given!r}: use one of {', '.join(FORMATS)}"
            raise DataError(msg)
        return given
    name = location.rstrip("/").rsplit("/", 1)[-1]
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return SUFFIXES.get(suffix, "parquet")


def read_dataset(spark: SparkSession, location: str, given_format: str | None = None) -> DataFrame:
    """The dataset at `location`; a folder with a `_delta_log` is read as the Delta table it is."""
    from pyspark.errors import AnalysisException

    kind = file_format(location, given_format)
    try:
        if given_format is None and kind == "parquet" and Dataset(spark, location).is_delta():
            kind = "delta"  # its Parquet files include rows that the table has deleted
        reader = spark.read
        if kind in {"csv", "json"}:  # a malformed line fails the job instead of becoming nulls
            reader = reader.option("mode", "FAILFAST")
        if kind == "csv":  # types inferred like pandas does (a pass over the file); only empty
            reader = reader.option("header", True).option("inferSchema", True)  # fields are null
        return reader.format(kind).load(location)
    except AnalysisException as error:
        reason = str(error).split("\n", 1)[0]
        if "TIMESTAMP(NANOS" in reason:  # pandas' default; Spark reads micro- and milliseconds
            reason += (
                " (Spark reads timestamps of microseconds: write the file with this project's"
                " `tables.write_table`, or pandas' `to_parquet(..., coerce_timestamps='us')`)"
            )
        msg = f"'{location}' cannot be read as {kind}: {reason}"
        raise DataError(msg) from None
    except Exception as error:  # PySpark raises its own types (an unknown URI scheme, a bad CSV)
        raise spark_failure(error, f"'{location}' was not read") from error


def column(name: str) -> Column:
    """A column by its name, even one with a dot or a space in it."""
    from pyspark.sql import functions

    return functions.col("`" + name.replace("`", "``") + "`")


def check_columns(frame: DataFrame, names: Sequence[str]) -> None:
    """Refuse missing columns on the driver, before any job runs."""
    missing = [
        Violation(name, "column_in_dataframe") for name in names if name not in frame.columns
    ]
    if missing:
        raise DataValidationError([str(violation) for violation in missing])


def refuse(problems: Violations, rows: int) -> None:
    if problems:
        found = sorted(problems.values(), key=lambda problem: (problem.rows != 0, problem.column))
        note = f"in {rows:,} rows checked on the executors; nothing was written"
        raise DataValidationError([str(violation) for violation in found], note)


def spark_failure(error: Exception, consequence: str) -> SparkJobError:
    """A Spark error as one line: its first line that names an exception, if any."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    named = [line for line in lines if "Exception" in line or "Error" in line]
    reason = (named or lines or [type(error).__name__])[0].lstrip(": ")[:500]
    return SparkJobError(f"the Spark job failed, {consequence}: {reason}")


def prediction_fields(model: ShippedModel) -> list[StructField]:
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField

    if "probability" not in problem.PREDICTION_COLUMNS:  # regression
        return [StructField("prediction", DoubleType(), nullable=False)]
    classes = tuple(model.metadata["target"]["classes"])
    spark_type = {bool: BooleanType(), int: LongType()}.get(label_type(classes), StringType())
    return [
        StructField("prediction", spark_type, nullable=False),
        *(
            StructField(name, DoubleType(), nullable=False)
            for name in problem.PREDICTION_COLUMNS[1:]
        ),
    ]


def scored_schema(frame: DataFrame, model: ShippedModel) -> StructType:
    from pyspark.sql.types import StructType

    return StructType([*frame.schema.fields, *prediction_fields(model)])


def score(
    spark: SparkSession,
    model: ShippedModel,
    source: str,
    destination: str,
    *,
    partition_by: Sequence[str] = (),
    given_format: str | None = None,
) -> ScoringRun:
    """Score `source` into a Parquet dataset at `destination`, published if every row passed."""
    started = time.perf_counter()
    frame = read_dataset(spark, source, given_format)
    check_columns(frame, SCHEMA.names)
    # Scoring an already scored dataset replaces its predictions instead of repeating them (Spark
    # compares column names without case).
    predictions = {name.lower() for name in problem.PREDICTION_COLUMNS}
    frame = frame.drop(*[name for name in frame.columns if name.lower() in predictions])
    schema = scored_schema(frame, model)
    unknown = [name for name in partition_by if name not in schema.fieldNames()]
    if unknown:
        msg = f"cannot partition by {unknown}: the output's columns are {schema.fieldNames()}"
        raise DataError(msg)
    target = Dataset(spark, destination)
    target.check_replaceable()
    context = spark.sparkContext
    problems = context.accumulator({}, ViolationsParam())
    checked, scored = context.accumulator(0), context.accumulator(0)
    shipped = context.broadcast(model)
    try:
        with target.staged() as staging:
            try:
                partitions = frame.rdd.getNumPartitions()
                if partitions < context.defaultParallelism:  # one big file: use every core
                    frame = frame.repartition(context.defaultParallelism)
                scores = frame.mapInPandas(scoring(shipped, problems, checked, scored), schema)
                scores.write.partitionBy(*partition_by).parquet(staging)
            except Exception as error:  # PySpark raises its own types for a failed job
                raise spark_failure(error, f"nothing was written to '{destination}'") from error
            refuse(problems.value, checked.value)
            if scored.value == 0:
                msg = f"'{source}' has no rows to score"
                raise DataError(msg)
            files = target.files(staging)
            seconds = time.perf_counter() - started
            run = ScoringRun(
                model.version,
                model.runtime,
                scored.value,
                partitions,
                files,
                seconds,
                destination,
                str(context.master),
            )
            marker = {**run.summary(), "source": source, "partition_by": list(partition_by)}
            target.publish(staging, json.dumps({**marker, "created_at": now()}, indent=1) + "\n")
    finally:
        shipped.destroy()  # from the executors and the driver: a long-lived session keeps nothing
    return run


def sample(
    spark: SparkSession,
    source: str,
    rows: int,
    seed: int,
    *,
    require_target: bool,
    given_format: str | None = None,
) -> Sample:
    """About `rows` random rows of `source` (every row checked), with the schema's columns only."""
    frame = read_dataset(spark, source, given_format)
    columns = [*SCHEMA.names, SCHEMA.target.name] if require_target else list(SCHEMA.names)
    check_columns(frame, columns)
    frame = frame.select(*[column(name) for name in columns])
    try:
        total = frame.count()
    except Exception as error:  # PySpark raises its own types for a failed job
        raise spark_failure(error, "no sample was drawn") from error
    if total == 0:
        msg = f"'{source}' has no rows"
        raise DataError(msg)
    # A little more than asked, then exactly `rows` of them: Bernoulli sampling is approximate.
    fraction = min(1.0, rows * 1.05 / total + 100 / total)
    problems = spark.sparkContext.accumulator({}, ViolationsParam())
    function = sampling(fraction, seed, columns, require_target=require_target, problems=problems)
    try:
        drawn = frame.mapInPandas(function, frame.schema).toPandas()
    except Exception as error:  # PySpark raises its own types for a failed job
        raise spark_failure(error, "no sample was drawn") from error
    refuse(problems.value, total)
    if len(drawn) > rows:
        drawn = drawn.sample(n=rows, random_state=seed)
    return Sample(validate(drawn.reset_index(drop=True), require_target=require_target), total)
