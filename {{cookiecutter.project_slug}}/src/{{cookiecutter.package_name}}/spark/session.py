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

    from {{ cookiecutter.package_name }}.spark.settings import SparkSettings

APP_NAME = "{{ cookiecutter.project_slug }}"
JAVA_HELP = (
    "Spark needs Java 17 or 21 (`java -version`): install it (Debian and Ubuntu:"
    " `sudo apt-get install openjdk-17-jre-headless`; macOS: `brew install openjdk@17`),"
    " or point JAVA_HOME at it"
)


class SparkUnavailableError(ProjectError):
    """PySpark is not installed, or Spark cannot start here (no Java)."""


def launched_by_spark() -> bool:
    """Whether spark-submit (or a platform such as Databricks) started this Python process: it
    then hands over its JVM through this variable, and its --master and --conf settings apply."""
    import os

    return "PYSPARK_GATEWAY_PORT" in os.environ


@contextmanager
def spark_session(settings: SparkSettings) -> Iterator[SparkSession]:
    """The running session if there is one (left running), otherwise a new one (stopped after).

    Either way the session's Arrow batches hold `spark.batch_rows` rows.
    """
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError:
        msg = "the Spark engine needs PySpark, which is not installed here: `uv sync --group spark`"
        raise SparkUnavailableError(msg) from None
    running = SparkSession.getActiveSession()
    if running is None and SparkContext._active_spark_context is not None:
        running = SparkSession.builder.getOrCreate()  # on a context that someone else started
    if running is not None:
        configure(running, settings)
        yield running
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


def configure(session: SparkSession, settings: SparkSettings) -> None:
    """The settings a job needs, on a session that may have been started by someone else."""
    session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(settings.batch_rows))
    session.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")


def build(settings: SparkSettings) -> SparkSession:
    import logging
    import os

    from pyspark.sql import SparkSession

    # py4j logs every connection it opens and closes at INFO, down to interpreter shutdown.
    logging.getLogger("py4j").setLevel(logging.WARNING)

    builder = SparkSession.builder.appName(APP_NAME)
    if not launched_by_spark():  # this process is the driver: the settings say where Spark runs
        builder = builder.master(settings.master)
        if settings.master.startswith("local"):
            # Local executors are Python processes of this machine: run them with this
            # interpreter (and its libraries), not with whichever `python3` is first on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "true")  # the progress bar, under spark-submit too
        .getOrCreate()
    )
    configure(session, settings)
    session.sparkContext.setLogLevel(settings.log_level)
    return session
