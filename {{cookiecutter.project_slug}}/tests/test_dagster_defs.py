"""The Dagster definitions, loaded and materialized in process by a real Dagster.

Run by `nox -s dag`, which installs Dagster.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import artifacts, pipeline, retrain
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings
from {{ cookiecutter.package_name }}.dataset import make_dataset
from {{ cookiecutter.package_name }}.pipelines import DEFAULT_TRAINING_SCHEDULE

if TYPE_CHECKING:  # Dagster is imported where it is used: the `tests` session does not have it.
    import dagster as dg

pytestmark = pytest.mark.dag

ASSETS = ["raw_data", "validated_data", "candidate_model", "evaluation", "promoted_model"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project's settings, as the code location reads them: from the environment."""
    for name, value in {
        "DATA_DIR": tmp_path / "data",
        "MODELS_DIR": tmp_path / "models",
        "REPORTS_DIR": tmp_path / "reports",
        "SAMPLE_ROWS": 2_000,
    }.items():
        monkeypatch.setenv(f"{ENV_PREFIX}{name}", str(value))
    return tmp_path


@pytest.fixture
def defs() -> dg.Definitions:
    from {{ cookiecutter.package_name }}.pipelines import dagster_defs

    return dagster_defs.defs


def materialize_all(defs: dg.Definitions, job_name: str = "training") -> dg.ExecuteInProcessResult:
    """Materialize every asset of a job in this process, checks included."""
    from dagster import DagsterInstance

    job = defs.resolve_job_def(job_name)
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(raise_on_error=False, instance=instance)


def materialized(result: dg.ExecuteInProcessResult) -> list[str]:
    return [event.asset_key.path[-1] for event in result.get_asset_materialization_events()]


def checks(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {check.check_name: check.passed for check in result.get_asset_check_evaluations()}


def test_definitions_load(defs: dg.Definitions) -> None:
    from dagster import Definitions

    Definitions.validate_loadable(defs)
    repository = defs.get_repository_def()
    assert sorted(key.path[-1] for key in repository.asset_graph.get_all_asset_keys()) == sorted(
        [*ASSETS, "drift_report", "retrained_model"]
    )
    schedule = defs.resolve_schedule_def("training_schedule")
    assert schedule.cron_schedule == DEFAULT_TRAINING_SCHEDULE
    assert schedule.job_name == "training"


def test_materializing_everything_trains_and_promotes_a_model(
    defs: dg.Definitions, project: Path
) -> None:
    result = materialize_all(defs)
    assert result.success
    assert materialized(result) == ASSETS
    assert checks(result) == {"raw_data_matches_schema": True, "passes_quality_gate": True}
    models = project / "models"
    current = artifacts.current_version(models)
    assert artifacts.list_versions(models) == [current]
    assert result.output_for_node("promoted_model") == current
    assert (project / "reports" / current / "metrics.json").is_file()


def test_a_failing_gate_blocks_the_promotion(
    defs: dg.Definitions, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert materialize_all(defs).success
    before = artifacts.current_version(project / "models")
    monkeypatch.setenv(f"{ENV_PREFIX}MIN_SCORE", "1.01")
    monkeypatch.setenv(f"{ENV_PREFIX}RANDOM_SEED", "1")
    result = materialize_all(defs)
    assert not result.success
    assert checks(result)["passes_quality_gate"] is False
    assert "promoted_model" not in materialized(result)
    assert artifacts.current_version(project / "models") == before
    assert len(artifacts.list_versions(project / "models")) == 2  # the candidate is kept


def test_bad_data_fails_its_check_and_trains_nothing(
    defs: dg.Definitions, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = make_dataset(200, seed=3)
    broken.loc[:10, broken.columns[0]] = -5  # out of the schema's range
    source = project / "source.csv"
    pd.DataFrame(broken).to_csv(source, index=False)
    monkeypatch.setenv(f"{ENV_PREFIX}SOURCE_DATA", str(source))
    result = materialize_all(defs)
    assert not result.success
    assert checks(result) == {"raw_data_matches_schema": False}
    assert materialized(result) == ["raw_data"]
    assert artifacts.list_versions(project / "models") == []


def test_monitoring_retrains_only_when_the_data_drifts(
    defs: dg.Definitions, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = project / "models"
    settings = Settings(_env_file=None)  # the project fixture's environment
    pipeline.train_and_register(pipeline.load_labelled_data(None, rows=2_000, seed=0), settings)
    champion = artifacts.current_version(models)
    make_dataset(1_000, seed=1).to_parquet(project / "stable.parquet")
    drifted = make_dataset(2_000, seed=2)
    drifted["monthly_charges"] += 0.5 * drifted["monthly_charges"].std()
    drifted.to_parquet(project / "drifted.parquet")
    monkeypatch.setenv(f"{ENV_PREFIX}SOURCE_DATA", str(project / "drifted.parquet"))
    assert defs.resolve_schedule_def("monitoring_schedule").job_name == "monitoring"

    monkeypatch.setenv(f"{ENV_PREFIX}MONITORING_DATA", str(project / "stable.parquet"))
    result = materialize_all(defs, "monitoring")
    assert result.success
    assert materialized(result) == ["drift_report"]  # no drift: nothing retrained
    assert retrain.decisions(models) == []

    monkeypatch.setenv(f"{ENV_PREFIX}MONITORING_DATA", str(project / "drifted.parquet"))
    result = materialize_all(defs, "monitoring")
    assert result.success
    assert materialized(result) == ["drift_report", "retrained_model"]
    [decision] = retrain.decisions(models)
    assert decision["champion"] == champion
    assert decision["current"] == artifacts.current_version(models)
