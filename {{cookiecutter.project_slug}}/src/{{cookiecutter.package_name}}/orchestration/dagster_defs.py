"""The pipeline as Dagster assets: training guarded by checks, and monitoring that retrains.

    training:   raw_data -> validated_data -> candidate_model -> evaluation -> promoted_model
    monitoring: drift_report -> retrained_model (materialized only when drift was found)
{%- if cookiecutter.batch_engine == "spark" %}
    scoring:    batch_predictions (a Spark job: spark.source -> spark.destination)
{%- endif %}

`raw_data_matches_schema` and `passes_quality_gate` are blocking asset checks: when one fails, the
assets downstream of it are not materialized, so a bad snapshot never trains a model and a model
below the gate never becomes current. Each asset calls one step of the package's workflows
(`workflows/`); assets hand over data locations and model versions, never tables.

Assets get the project's settings from the `settings` resource: the environment of the code
location (the project's variables; `settings` lists them), with overrides that a deployment or a
test passes as dotted names, e.g. `ProjectSettings(overrides={"models.dir": "/mnt/models"})`.
The database of query files and tables (`sql/NAME.sql`, `table:NAME`) may come from a variable
of the deployment's own, which Dagster reads when a run starts and never shows in its UI:
`ProjectSettings(database_url=dg.EnvVar("WAREHOUSE_URL"))`.
"""

# No `from __future__ import annotations` here: Dagster inspects the annotations of asset functions
# at definition time and refuses `context` annotated with a string.
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg

from {{ cookiecutter.package_name }}.config import Settings, load_settings

GROUP = "training"
MONITORING = "monitoring"
{%- if cookiecutter.batch_engine == "spark" %}
SCORING = "scoring"
{%- endif %}
RETRIES = dg.RetryPolicy(max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL)


class ProjectSettings(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The project's settings, read when a step runs, with overrides by dotted name."""

    overrides: dict[str, str] = {}  # noqa: RUF012 - pydantic copies the default for each instance
    database_url: str | None = None  # data.database_url, e.g. dg.EnvVar("WAREHOUSE_URL")

    def get(self) -> Settings:
        database = {} if self.database_url is None else {"data.database_url": self.database_url}
        return load_settings(**self.overrides, **database)


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
        raise dg.Failure(description=str(error), allow_retries=False) from error


@dg.asset(group_name=GROUP, retry_policy=RETRIES)
def raw_data(context: dg.AssetExecutionContext, settings: ProjectSettings) -> str:
    """This run's snapshot of the source data (or the embedded sample), as Parquet."""
    from {{ cookiecutter.package_name }}.workflows import train

    with no_retry_on_bad_input():
        path = train.ingest(settings.get(), context.run.run_id)
    context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})
    return str(path)


@dg.asset_check(asset=raw_data, blocking=True)
def raw_data_matches_schema(raw_data: str) -> dg.AssetCheckResult:
    """Every column, type, range and category of the schema; lists every problem found."""
    from {{ cookiecutter.package_name }}.errors import DataError, DataValidationError
    from {{ cookiecutter.package_name }}.workflows import train

    try:
        table = train.read_validated(raw_data)
    except DataValidationError as error:
        problems = dg.MetadataValue.md("\n".join(f"- {problem}" for problem in error.problems))
        return dg.AssetCheckResult(passed=False, metadata={"problems": problems})
    except DataError as error:
        return dg.AssetCheckResult(passed=False, metadata={"problems": str(error)})
    return dg.AssetCheckResult(passed=True, metadata={"rows": len(table)})


@dg.asset(group_name=GROUP, retry_policy=RETRIES)
def validated_data(
    context: dg.AssetExecutionContext, settings: ProjectSettings, raw_data: str
) -> str:
    """The snapshot checked against the schema, with missing values normalised."""
    from {{ cookiecutter.package_name }}.workflows import train

    with no_retry_on_bad_input():
        path = train.validate_snapshot(settings.get(), raw_data, context.run.run_id)
    context.add_output_metadata({"path": dg.MetadataValue.path(str(path))})
    return str(path)


@dg.asset(group_name=GROUP, retry_policy=RETRIES)
def candidate_model(
    context: dg.AssetExecutionContext, settings: ProjectSettings, validated_data: str
) -> str:
    """A model fitted on the training split, saved as a new version but not promoted."""
    from {{ cookiecutter.package_name }}.workflows import train

    with no_retry_on_bad_input():
        current = settings.get()
        version = train.fit_candidate(current, train.labelled_data(current, validated_data))
    context.add_output_metadata({"version": version})
    return version


@dg.asset(group_name=GROUP, retry_policy=RETRIES)
def evaluation(
    context: dg.AssetExecutionContext,
    settings: ProjectSettings,
    candidate_model: str,
    validated_data: str,
) -> dict[str, Any]:
    """The candidate's metrics on its holdout, recorded in its metadata, with the report."""
    from {{ cookiecutter.package_name }}.workflows import train

    with no_retry_on_bad_input():
        current = settings.get()
        data = train.labelled_data(current, validated_data)
        outcome = train.evaluate_candidate(current, candidate_model, data)
    context.add_output_metadata({**outcome.metrics, "gate": str(outcome.gate)})
    return {"version": candidate_model, "metrics": outcome.metrics, "passed": outcome.gate.passed}


@dg.asset_check(asset=evaluation, blocking=True)
def passes_quality_gate(evaluation: dict[str, Any]) -> dg.AssetCheckResult:
    """The candidate scores at least the gate's minimum; otherwise it stays a candidate."""
    return dg.AssetCheckResult(passed=bool(evaluation["passed"]), metadata=evaluation["metrics"])


@dg.asset(group_name=GROUP)
def promoted_model(
    context: dg.AssetExecutionContext, settings: ProjectSettings, evaluation: dict[str, Any]
) -> str:
    """The current model: the candidate, promoted because it passed the gate."""
    from {{ cookiecutter.package_name }}.workflows import train

    version = str(evaluation["version"])
    with no_retry_on_bad_input():
        train.promote_if_passed(settings.get(), version)
    context.add_output_metadata({"version": version})
    return version


@dg.asset(group_name=MONITORING, retry_policy=RETRIES)
def drift_report(context: dg.AssetExecutionContext, settings: ProjectSettings) -> dict[str, Any]:
    """The monitoring.data batch compared with the current model's training data."""
    from {{ cookiecutter.package_name }}.workflows.monitor import monitor

    with no_retry_on_bad_input():
        summary = monitor(settings.get()).summary()
    context.add_output_metadata(
        {
            "drift": bool(summary["drift"]),
            "drifted": ", ".join(map(str, summary["drifted"])) or "none",
            "report": dg.MetadataValue.path(str(summary["report"])),
        }
    )
    return summary


@dg.asset(group_name=MONITORING, output_required=False)
def retrained_model(
    context: dg.AssetExecutionContext, settings: ProjectSettings, drift_report: dict[str, Any]
) -> Iterator[dg.Output[dict[str, Any]]]:
    """A challenger trained on data.source when drift was found; promoted only if it is better.

    Without drift nothing is yielded, so the asset is not materialized and nothing is retrained.
    """
    if not drift_report["drift"]:
        context.log.info("no drift: the current model stays, nothing is retrained")
        return
    from {{ cookiecutter.package_name }}.workflows.retrain import retrain

    with no_retry_on_bad_input():
        summary = retrain(settings.get()).summary()
    yield dg.Output(summary, metadata=summary)


{%- if cookiecutter.batch_engine == "spark" %}


@dg.asset(group_name=SCORING, retry_policy=RETRIES)
def batch_predictions(
    context: dg.AssetExecutionContext, settings: ProjectSettings
) -> dict[str, Any]:
    """spark.source scored by the current model into spark.destination (replaced whole), by the
    same Spark job as `spark predict`: where spark.master says, or in the cluster's session."""
    from {{ cookiecutter.package_name }}.workflows.spark import predict_on_spark

    with no_retry_on_bad_input():
        current = settings.get()
        source = current.required("spark.source")
        destination = current.required("spark.destination")
        summary = predict_on_spark(current, source, destination).summary()
    context.add_output_metadata(
        {**summary, "destination": dg.MetadataValue.path(str(summary["destination"]))}
    )
    return summary


{%- endif %}


training_job = dg.define_asset_job(
    "training", selection=dg.AssetSelection.groups(GROUP), description="Train and promote."
)
monitoring_job = dg.define_asset_job(
    "monitoring",
    selection=dg.AssetSelection.groups(MONITORING),
    description="Look for drift; retrain when there is some.",
)
{%- if cookiecutter.batch_engine == "spark" %}
scoring_job = dg.define_asset_job(
    "scoring",
    selection=dg.AssetSelection.groups(SCORING),
    description="Score spark.source on Spark with the current model.",
)
{%- endif %}
SCHEDULES = load_settings()  # read when the code location loads: schedules are definitions
training = dg.ScheduleDefinition(
    job=training_job, cron_schedule=SCHEDULES.training.schedule, execution_timezone="UTC"
)
monitoring = dg.ScheduleDefinition(
    job=monitoring_job, cron_schedule=SCHEDULES.monitoring.schedule, execution_timezone="UTC"
)
{%- if cookiecutter.batch_engine == "spark" %}
scoring = dg.ScheduleDefinition(
    job=scoring_job, cron_schedule=SCHEDULES.spark.schedule, execution_timezone="UTC"
)
{%- endif %}

defs = dg.Definitions(
    assets=[
        raw_data,
        validated_data,
        candidate_model,
        evaluation,
        promoted_model,
        drift_report,
        retrained_model,
{%- if cookiecutter.batch_engine == "spark" %}
        batch_predictions,
{%- endif %}
    ],
    asset_checks=[raw_data_matches_schema, passes_quality_gate],
{%- if cookiecutter.batch_engine == "spark" %}
    jobs=[training_job, monitoring_job, scoring_job],
    schedules=[training, monitoring, scoring],
{%- else %}
    jobs=[training_job, monitoring_job],
    schedules=[training, monitoring],
{%- endif %}
    resources={"settings": ProjectSettings()},
)
