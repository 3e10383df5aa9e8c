"""The pipeline as Airflow 3 DAGs: training, and monitoring that retrains when the data drifts.

    training:   ingest -> validate -> train -> evaluate -> promote
    monitoring: detect_drift -> drift_found -> retrain
{%- if cookiecutter.batch_engine == "spark" %}
    scoring:    score_batch (a Spark job: spark.source -> spark.destination)
{%- endif %}

Each task calls one step of the package's `workflows.train` (or the monitor and retrain
workflows) and hands the next task a data location or a model version through XCom, never a
table. The model is promoted only when its evaluation passes the quality gate (a short-circuit
task); otherwise the current model stays.

Settings come from the environment of the Airflow workers (the project's variables: `settings`
lists them): where data and models live, the source data, the gate, the schedules. Locations are
shared by every task, so on a multi-machine deployment they must point at shared storage.

A database for query files and tables (`sql/NAME.sql`, `table:NAME`) may be an Airflow connection,
as Airflow deployments keep them: the connection `CONNECTION_ID` (Admin > Connections, a secrets
backend, or an `AIRFLOW_CONN_...` variable) is used when the project's own DATA_DATABASE_URL and
DATA_DATABASE_URL_FILE variables are unset. Airflow masks its password in task logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pendulum
from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException

from {{ cookiecutter.package_name }}.config import Settings, load_settings

SCHEDULES = load_settings()  # read when the file is parsed: the schedules are part of the DAGs
CONNECTION_ID = "{{ cookiecutter.package_name }}_database"
# SQLAlchemy's dialect for an Airflow connection type; a connection of another type names its own
# in its extra field: {"sqlalchemy_scheme": "snowflake"}.
DIALECTS = {
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mssql": "mssql+pyodbc",
    "duckdb": "duckdb",
    "sqlite": "sqlite",
}

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "{{ cookiecutter.project_slug }}",  # shown in the Airflow UI
    "retries": 2,
    "retry_delay": pendulum.duration(minutes=5),
    "retry_exponential_backoff": True,
}


def task_settings() -> Settings:
    """The project's settings as a task reads them: with the database of the Airflow connection
    CONNECTION_ID when the project's variables name none."""
    settings = load_settings()
    data = settings.data
    if data.database_url is not None or data.database_url_file is not None:
        return settings
    url = connection_url(CONNECTION_ID)
    return settings if url is None else settings.with_overrides(**{"data.database_url": url})


def connection_url(connection_id: str) -> str | None:
    """The SQLAlchemy URL of an Airflow connection; None when Airflow has no such connection."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException
    from sqlalchemy.engine import URL

    from {{ cookiecutter.package_name }}.errors import DataError

    try:
        connection = Connection.get(connection_id)
    except AirflowNotFoundException:
        return None
    dialect = connection.extra_dejson.get("sqlalchemy_scheme") or DIALECTS.get(connection.conn_type)
    if not dialect:
        msg = (
            f"the Airflow connection {connection_id} is of type {connection.conn_type!r}, which"
            f" has no SQLAlchemy dialect here ({', '.join(DIALECTS)}): name one in its extra"
            ' field, e.g. {"sqlalchemy_scheme": "snowflake"}'
        )
        raise DataError(msg)
    url = URL.create(
        dialect,
        username=connection.login or None,
        password=connection.password or None,
        host=connection.host or None,
        port=connection.port or None,
        database=connection.schema or None,
    )
    return url.render_as_string(hide_password=False)


@contextmanager
def no_retry_on_bad_input() -> Iterator[None]:
    """Bad data or a missing model will not fix itself: fail now instead of retrying (an error
    marked `retryable`, such as a failed Spark job, gets the task's retries)."""
    from {{ cookiecutter.package_name }}.errors import ProjectError

    try:
        yield
    except ProjectError as error:
        if getattr(error, "retryable", False):  # a failed Spark job (a lost executor) may pass
            raise
        raise AirflowFailException(str(error)) from error


@dag(
    dag_id="{{ cookiecutter.package_name }}_training",
    description="Train, evaluate and promote the {{ cookiecutter.project_slug }} model.",
    schedule=SCHEDULES.training.schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # two runs promoting at once would race
    default_args=DEFAULT_ARGS,
    tags=["{{ cookiecutter.project_slug }}", "training"],
    doc_md=__doc__,
)
def training() -> None:
    @task
    def ingest(run_id: str | None = None) -> str:
        """Snapshot the source data (or the embedded sample) into data/raw/<run>.parquet."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            return train.ingest(task_settings(), run_id or "manual")

    @task
    def validate(raw: str, run_id: str | None = None) -> str:
        """Check the snapshot against the schema; write the clean table to data/processed/."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            return train.validate_snapshot(task_settings(), raw, run_id or "manual")

    @task(task_id="train")
    def fit(validated: str) -> str:
        """Fit a candidate model and save it as a new version (not promoted yet)."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            settings = task_settings()
            return train.fit_candidate(settings, train.labelled_data(settings, validated))

    @task
    def evaluate(version: str, validated: str) -> dict[str, Any]:
        """Score the candidate on its holdout, record the metrics and write the report."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            settings = task_settings()
            data = train.labelled_data(settings, validated)
            outcome = train.evaluate_candidate(settings, version, data)
        return {"version": version, "metrics": outcome.metrics, "passed": outcome.gate.passed}

    @task.short_circuit
    def quality_gate(evaluation: dict[str, Any]) -> bool:
        """Skip the promotion when the candidate is below the gate."""
        return bool(evaluation["passed"])

    @task
    def promote(version: str) -> str:
        """Make the candidate the current model."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            train.promote_if_passed(task_settings(), version)
        return version

    validated = validate(ingest())
    version = fit(validated)
    quality_gate(evaluate(version, validated)) >> promote(version)


training_dag = training()


@dag(
    dag_id="{{ cookiecutter.package_name }}_monitoring",
    description="Watch the model's inputs for drift; retrain when they drift.",
    schedule=SCHEDULES.monitoring.schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["{{ cookiecutter.project_slug }}", "monitoring"],
    doc_md=__doc__,
)
def monitoring() -> None:
    @task
    def detect_drift() -> dict[str, Any]:
        """Compare the monitoring.data batch with the current model's training data."""
        from {{ cookiecutter.package_name }}.workflows.monitor import monitor

        with no_retry_on_bad_input():
            return monitor(task_settings()).summary()

    @task.short_circuit
    def drift_found(summary: dict[str, Any]) -> bool:
        """Skip the retraining when the batch looks like the training data."""
        return bool(summary["drift"])

    @task
    def retrain() -> dict[str, object]:
        """Champion against challenger on the data.source table; the decision is logged."""
        from {{ cookiecutter.package_name }}.workflows.retrain import (
            retrain as retrain_model,
        )

        with no_retry_on_bad_input():
            return retrain_model(task_settings()).summary()

    drift_found(detect_drift()) >> retrain()


monitoring_dag = monitoring()
{%- if cookiecutter.batch_engine == "spark" %}


@dag(
    dag_id="{{ cookiecutter.package_name }}_scoring",
    description="Score the spark.source dataset with the current model on Spark.",
    schedule=SCHEDULES.spark.schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # two runs replacing the same output would race
    default_args=DEFAULT_ARGS,
    tags=["{{ cookiecutter.project_slug }}", "scoring"],
    doc_md=__doc__,
)
def scoring() -> None:
    @task
    def score_batch() -> dict[str, Any]:
        """The same job as `spark predict`: Spark where spark.master says (this worker by default),
        or the cluster's session when the worker runs inside one. The output is replaced whole."""
        from {{ cookiecutter.package_name }}.workflows.spark import predict_on_spark

        with no_retry_on_bad_input():
            settings = task_settings()
            source = settings.required("spark.source")
            destination = settings.required("spark.destination")
            return predict_on_spark(settings, source, destination).summary()

    score_batch()


scoring_dag = scoring()
{%- endif %}
