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
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pendulum
from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException

from {{ cookiecutter.package_name }}.config import load_settings

SCHEDULES = load_settings()  # read when the file is parsed: the schedules are part of the DAGs

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "{{ cookiecutter.project_slug }}",  # shown in the Airflow UI
    "retries": 2,
    "retry_delay": pendulum.duration(minutes=5),
    "retry_exponential_backoff": True,
}


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
            return train.ingest(load_settings(), run_id or "manual")

    @task
    def validate(raw: str, run_id: str | None = None) -> str:
        """Check the snapshot against the schema; write the clean table to data/processed/."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            return train.validate_snapshot(load_settings(), raw, run_id or "manual")

    @task(task_id="train")
    def fit(validated: str) -> str:
        """Fit a candidate model and save it as a new version (not promoted yet)."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            settings = load_settings()
            return train.fit_candidate(settings, train.labelled_data(settings, validated))

    @task
    def evaluate(version: str, validated: str) -> dict[str, Any]:
        """Score the candidate on its holdout, record the metrics and write the report."""
        from {{ cookiecutter.package_name }}.workflows import train

        with no_retry_on_bad_input():
            settings = load_settings()
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
            train.promote_if_passed(load_settings(), version)
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
            return monitor(load_settings()).summary()

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
            return retrain_model(load_settings()).summary()

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
            settings = load_settings()
            source = settings.required("spark.source")
            destination = settings.required("spark.destination")
            return predict_on_spark(settings, source, destination).summary()

    score_batch()


scoring_dag = scoring()
{%- endif %}
