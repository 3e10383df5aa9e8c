"""The Dagster definitions, loaded and materialized in process by a real Dagster.

Run by `nox -s dag`, which installs Dagster.
"""

from __future__ import annotations

import json
{% if cookiecutter.batch_engine == "spark" -%}
import os
import shutil
{% endif -%}
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import TrainingSettings, load_settings
{%- if cookiecutter.batch_engine == "spark" %}
from {{ cookiecutter.package_name }}.spark.settings import SparkSettings
{%- endif %}
from {{ cookiecutter.package_name }}.store import Event
from {{ cookiecutter.package_name }}.store.files import FileModelStore
from {{ cookiecutter.package_name }}.workflows.train import train

if TYPE_CHECKING:  # Dagster is imported where it is used: the `tests` session does not have it.
    import dagster as dg

pytestmark = pytest.mark.dag

ASSETS = ["raw_data", "validated_data", "candidate_model", "evaluation", "promoted_model"]
{%- if cookiecutter.batch_engine == "spark" %}
SCORING_ASSETS = ["batch_predictions"]
{%- else %}
SCORING_ASSETS: list[str] = []
{%- endif %}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def overrides(project: Path) -> dict[str, str]:
    """What the `settings` resource passes to every asset: here, folders of the test's own."""
    return {
        "data.dir": str(project / "data"),
        "models.dir": str(project / "models"),
        "reports.dir": str(project / "reports"),
        "data.sample_rows": "2000",
    }


def models(project: Path) -> FileModelStore:
    return FileModelStore(project / "models")


def retraining(project: Path) -> list[Event]:
    return [event for event in models(project).events() if event.action == "retrain"]


@pytest.fixture
def defs() -> dg.Definitions:
    from {{ cookiecutter.package_name }}.orchestration import dagster_defs

    return dagster_defs.defs


def materialize_all(
    defs: dg.Definitions,
    overrides: dict[str, str],
    job_name: str = "training",
    **settings: Any,
) -> dg.ExecuteInProcessResult:
    """Materialize every asset of a job in this process, checks included, with these settings
    (and other fields of the `settings` resource)."""
    from dagster import DagsterInstance

    from {{ cookiecutter.package_name }}.orchestration.dagster_defs import ProjectSettings

    job = defs.resolve_job_def(job_name)
    resources = {"settings": ProjectSettings(overrides=overrides, **settings)}
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(raise_on_error=False, instance=instance, resources=resources)


def materialized(result: dg.ExecuteInProcessResult) -> list[str]:
    events = result.get_asset_materialization_events()
    return [event.asset_key.path[-1] for event in events if event.asset_key is not None]


def checks(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {check.check_name: check.passed for check in result.get_asset_check_evaluations()}


def test_definitions_load(defs: dg.Definitions) -> None:
    from dagster import Definitions

    Definitions.validate_loadable(defs)
    repository = defs.get_repository_def()
    assert sorted(key.path[-1] for key in repository.asset_graph.get_all_asset_keys()) == sorted(
        [*ASSETS, "drift_report", "retrained_model", *SCORING_ASSETS]
    )
    schedule = defs.resolve_schedule_def("training_schedule")
    assert schedule.cron_schedule == TrainingSettings().schedule
    assert schedule.job_name == "training"


def test_materializing_everything_trains_and_promotes_a_model(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    result = materialize_all(defs, overrides)
    assert result.success
    assert materialized(result) == ASSETS
    assert checks(result) == {"raw_data_matches_schema": True, "passes_quality_gate": True}
    current = models(project).current()
    assert models(project).versions() == [current]
    assert result.output_for_node("promoted_model") == current
    assert (project / "reports" / current / "metrics.json").is_file()


def test_dg_finds_the_jobs_from_the_project_folder_as_the_readme_says(
    project: Path, isolated_environment: dict[str, str]
) -> None:
    """`uv run dg list defs` from the project's folder (here a folder holding its pyproject.toml
    and its sources, and no .env to read): `[tool.dg]` leads it to the jobs and schedules that
    `dg dev` shows and `dg launch --job training` runs; Dagster warns of nothing deprecated and
    leaves no `.tmp_dagster_home_*` folder. (`dg launch` runs each step in a process of its own:
    a minute and more, so the jobs themselves run in process in the tests above.)"""
    root = Path(__file__).resolve().parents[2]
    checkout = project / "checkout"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_bytes((root / "pyproject.toml").read_bytes())
    (checkout / "src").symlink_to(root / "src")
    home = project / "dagster-home"
    home.mkdir()
    environment = {**isolated_environment, "DAGSTER_HOME": str(home)}
    dg = Path(sys.executable).with_name("dg")
    result = subprocess.run(
        [str(dg), "list", "defs", "--json"],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deprecat" not in result.stderr.lower(), result.stderr
    listed = json.loads(result.stdout)
    assert sorted(job["name"] for job in listed["jobs"]) == ["monitoring", "training"]
    schedules = {schedule["name"]: schedule["cron_schedule"] for schedule in listed["schedules"]}
    assert schedules["training_schedule"] == TrainingSettings().schedule
    assert sorted(path.name for path in checkout.iterdir()) == ["pyproject.toml", "src"]


def test_the_source_table_comes_from_the_database_the_resource_names(
    defs: dg.Definitions, overrides: dict[str, str], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment's own variable, read by Dagster when the run starts (never shown)."""
    import dagster as dg

    from {{ cookiecutter.package_name }} import tables

    url = f"duckdb:///{project / 'warehouse.duckdb'}"
    customers = tables.locate("table:customers", load_settings(**{"data.database_url": url}).data)
    tables.write_table(make_dataset(1_500, seed=4), customers)
    monkeypatch.setenv("WAREHOUSE_URL", url)
    source = {**overrides, "data.source": "table:customers"}
    result = materialize_all(defs, source, database_url=dg.EnvVar("WAREHOUSE_URL"))
    assert result.success
    assert materialized(result) == ASSETS
    [snapshot] = (project / "data" / "raw").glob("*.parquet")
    assert len(pd.read_parquet(snapshot)) == 1_500


def test_a_failing_gate_blocks_the_promotion(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    assert materialize_all(defs, overrides).success
    before = models(project).current()
    strict = {**overrides, "training.min_score": "1.01", "training.seed": "1"}
    result = materialize_all(defs, strict)
    assert not result.success
    assert checks(result)["passes_quality_gate"] is False
    assert "promoted_model" not in materialized(result)
    assert models(project).current() == before
    assert len(models(project).versions()) == 2  # the candidate is kept


def test_bad_data_fails_its_check_and_trains_nothing(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    broken = make_dataset(200, seed=3).iloc[:, 1:]  # the first column is missing
    source = project / "source.csv"
    pd.DataFrame(broken).to_csv(source, index=False)
    result = materialize_all(defs, {**overrides, "data.source": str(source)})
    assert not result.success
    assert checks(result) == {"raw_data_matches_schema": False}
    assert materialized(result) == ["raw_data"]
    assert models(project).versions() == []


def test_monitoring_retrains_only_when_the_data_drifts(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    train(load_settings(**overrides))
    champion = models(project).current()
    make_dataset(1_000, seed=1).to_parquet(project / "stable.parquet")
    make_dataset(2_000, seed=2, drift=0.5).to_parquet(project / "drifted.parquet")
    watching = {**overrides, "data.source": str(project / "drifted.parquet")}
    assert defs.resolve_schedule_def("monitoring_schedule").job_name == "monitoring"

    stable = {**watching, "monitoring.data": str(project / "stable.parquet")}
    result = materialize_all(defs, stable, "monitoring")
    assert result.success
    assert materialized(result) == ["drift_report"]  # no drift: nothing retrained
    assert retraining(project) == []

    drifting = {**watching, "monitoring.data": str(project / "drifted.parquet")}
    result = materialize_all(defs, drifting, "monitoring")
    assert result.success
    assert materialized(result) == ["drift_report", "retrained_model"]
    [decision] = retraining(project)
    assert decision.details["champion"] == champion
    assert decision.current == models(project).current()
{%- if cookiecutter.batch_engine == "spark" %}


def test_scoring_materializes_predictions_with_the_current_model(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("the scoring asset starts Spark, which needs Java 17 or 21")
    outcome = train(load_settings(**overrides))
    customers = project / "customers.parquet"  # timestamps in microseconds, which Spark reads
    make_dataset(3_000, seed=3).to_parquet(customers, coerce_timestamps="us")
    scoring = {
        **overrides,
        "spark.master": "local[2]",
        "spark.source": str(project / "customers.parquet"),
        "spark.destination": str(project / "scored"),
    }
    schedule = defs.resolve_schedule_def("scoring_schedule")
    assert (schedule.job_name, schedule.cron_schedule) == ("scoring", SparkSettings().schedule)
    result = materialize_all(defs, scoring, "scoring")
    assert result.success
    assert materialized(result) == ["batch_predictions"]
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert (metadata["rows"].value, metadata["model_version"].value) == (3_000, outcome.version)
    assert len(pd.read_parquet(project / "scored")) == 3_000


def test_scoring_without_a_source_fails_naming_the_setting(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    result = materialize_all(defs, overrides, "scoring")
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    assert "spark.source" in str(failure.step_failure_data.error)
{%- endif %}
{%- if cookiecutter.tracking == "mlflow" %}


def test_with_mlflow_the_assets_register_the_model_and_move_the_alias(
    defs: dg.Definitions, project: Path, overrides: dict[str, str]
) -> None:
    from mlflow import MlflowClient

    from {{ cookiecutter.package_name }} import problem
    from {{ cookiecutter.package_name }}.config import load_settings
    from {{ cookiecutter.package_name }}.store import open_store
    from {{ cookiecutter.package_name }}.tracking.mlflow_runs import tracking_uri

    tracked = {**overrides, "tracking.backend": "mlflow", "tracking.dir": str(project / "mlruns")}
    result = materialize_all(defs, tracked)
    assert result.success
    settings = load_settings(**tracked)
    store = open_store(settings)
    assert store.current() == result.output_for_node("promoted_model") == "1"
    assert store.metadata("1")["quality_gate"]["passed"] is True
    assert not (project / "models" / "CURRENT").exists()
    uri = tracking_uri(settings.tracking)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run_id = client.get_model_version(settings.tracking.model_name, "1").run_id
    assert run_id is not None
    assert problem.PRIMARY_METRIC in client.get_run(run_id).data.metrics
{%- endif %}
