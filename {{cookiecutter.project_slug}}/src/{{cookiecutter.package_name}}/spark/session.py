"""Start a Spark session, or join the one already running (Databricks, spark-submit, a notebook).

Under spark-submit or on Databricks the cluster decides where Spark runs; started from the CLI on
a laptop or an Airflow worker, `spark.master` does (default `local[*]`: every core here). PySpark
starts a Java process: Spark 4 needs Java 17 or 21.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from {{ cookiecutter.package_name }}.errors import ProjectError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from {{ cookiecutter.package_name }}.config import SparkSettings

APP_NAME = "{{ cookiecutter.project_slug }}"
JAVA_HELP = (
    "Spark needs Java 17 or 21 (`java -version`): install it (Debian and Ubuntu:"
    " `sudo apt-get install openjdk-17-jre-headless`; macOS: `brew install openjdk@17`),"
    " or point JAVA_HOME at it"
)


class SparkUnavailableError(ProjectError):
    """PySpark is not installed, or Spark cannot start here (no Java)."""


def configured_master() -> str | None:
    """The master that spark-submit passed to the JVM, if this process was started by it."""
    from pyspark import SparkConf, SparkContext

    SparkContext._ensure_initialized()  # starts the JVM (or joins spark-submit's)
    conf = SparkConf()  # loads the spark.* properties that spark-submit set
    return conf.get("spark.master") if conf.contains("spark.master") else None


@contextmanager
def spark_session(settings: SparkSettings) -> Iterator[SparkSession]:
    """The active session if there is one (left running), otherwise a new one (stopped after)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        msg = "the Spark engine needs PySpark, which is not installed here: `uv sync --group spark`"
        raise SparkUnavailableError(msg) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    try:
        session = build(settings)
    except Exception as error:  # PySpark raises its own types when the JVM does not start
        if "JAVA_GATEWAY_EXITED" in str(error) or "Java gateway" in str(error):
            raise SparkUnavailableError(f"Spark did not start: {JAVA_HELP}") from error
        raise
    try:
        yield session
    finally:
        session.stop()


def build(settings: SparkSettings) -> SparkSession:
    import logging
    import os

    from pyspark.sql import SparkSession

    # py4j logs every connection it opens and closes at INFO, down to interpreter shutdown.
    logging.getLogger("py4j").setLevel(logging.WARNING)

    builder = SparkSession.builder.appName(APP_NAME)
    if configured_master() is None:  # not spark-submit: this process is the driver
        builder = builder.master(settings.master)
        if settings.master.startswith("local"):
            # Local executors are Python processes of this machine: run them with this
            # interpreter (and its libraries), not with whichever `python3` is first on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(settings.batch_rows))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel(settings.log_level)
    return session
