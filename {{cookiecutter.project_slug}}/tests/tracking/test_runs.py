"""Each workflow leaves in MLflow what a user looks for: runs with their parameters, metrics,
tags and reports; registered versions; the alias on the model in use; every decision.

The same production loop runs on a local SQLite database (in `tests`) and through a real
`mlflow server` (marked `mlflow`: `nox -s mlflow`), because a server stores artifacts differently.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.tracking.mlflow_runs import KIND_TAG

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities import Run

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def runs_by_kind(client: MlflowClient, settings: Settings) -> dict[str, list[Run]]:
    experiment = client.get_experiment_by_name(settings.tracking.experiment)
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    kinds: dict[str, list[Run]] = {}
    for run in runs:
        kinds.setdefault(run.data.tags[KIND_TAG], []).append(run)
    return kinds


def artifact_names(client: MlflowClient, run: Run, folder: str) -> set[str]:
    return {Path(item.path).name for item in client.list_artifacts(run.info.run_id, folder)}


def the_production_loop(client: MlflowClient, settings: Settings, root: Path) -> None:
    """train, evaluate, monitor (stable, then drifted), retrain, roll back: through the CLI, then
    what MLflow shows of it."""
    name, alias = settings.tracking.model_name, settings.tracking.alias
    trained = invoke("train")
    assert trained.exit_code == 0, trained.output
    first = str(client.get_model_version_by_alias(name, alias).version)
    assert invoke("evaluate").exit_code == 0
    stable = tables.write_table(make_dataset(3000, seed=5), str(root / "stable.parquet"))
    assert invoke("monitor", stable).exit_code == 0
    drifted = tables.write_table(make_dataset(3000, 6, drift=0.5), str(root / "drifted.csv"))
    assert invoke("monitor", drifted).exit_code == 1  # drift
    new = tables.write_table(make_dataset(4000, 7, drift=0.5), str(root / "new.parquet"))
    retrained = invoke("retrain", "--data", new)
    assert retrained.exit_code == 0, retrained.output
    second = str(client.get_model_version_by_alias(name, alias).version)
    assert second != first
    rolled = invoke("rollback")
    assert rolled.exit_code == 0, rolled.output
    assert str(client.get_model_version_by_alias(name, alias).version) == first

    kinds = runs_by_kind(client, settings)
    assert {kind: len(runs) for kind, runs in kinds.items()} == {
        "train": 1, "evaluate": 1, "monitor": 2, "retrain": 1, "event": 3,
    }  # fmt: skip
    metric = problem.PRIMARY_METRIC
    [training] = kinds["train"]
    assert training.info.status == "FINISHED"
    assert training.data.params["training.seed"] == str(settings.training.seed)
    assert training.data.params["data.rows"] == str(settings.data.sample_rows)
    assert training.data.metrics[metric] > settings.training.min_score
    metadata = open_store(settings).metadata(first)
    assert training.data.tags["data_fingerprint"] == metadata["data_fingerprint"]
    assert training.data.tags["model_version"] == first
    assert {"metrics.json"} <= artifact_names(client, training, "evaluation")
    assert any(item.endswith(".png") for item in artifact_names(client, training, "evaluation"))
    assert {"MLmodel", "model.pkl", "model.onnx", "profile.json", "metadata.json"} <= (
        artifact_names(client, training, "model")
    )

    [evaluation] = kinds["evaluate"]
    assert evaluation.data.tags["model_version"] == first
    assert evaluation.data.metrics[metric] == pytest.approx(training.data.metrics[metric])

    calm, moved = kinds["monitor"]
    assert calm.data.tags["drift"] == "false"
    assert moved.data.tags["drift"] == "true"
    watched = [column.name for column in SCHEMA.model_columns] + ["prediction", "probability"]
    assert any(name in moved.data.tags["drifted"] for name in watched)
    assert artifact_names(client, moved, "drift") == {"drift.json", "drift.html"}

    [retraining] = kinds["retrain"]
    assert retraining.data.tags["decision"] == "promoted"
    assert retraining.data.tags["champion_version"] == first
    assert retraining.data.tags["model_version"] == second
    assert f"champion.{metric}" in retraining.data.metrics
    assert metric in retraining.data.metrics  # the challenger's

    # The decisions: runs of their own (nested under the run that made them), and the store's log.
    promotions = kinds["event"]
    assert [run.data.tags["event.action"] for run in promotions] == ["train", "retrain", "rollback"]
    assert promotions[0].data.tags["mlflow.parentRunId"] == training.info.run_id
    assert promotions[1].data.tags["mlflow.parentRunId"] == retraining.info.run_id
    events = open_store(settings).events()
    assert [(e.action, e.version, e.previous) for e in events] == [
        ("train", first, None), ("retrain", second, first), ("rollback", first, second),
    ]  # fmt: skip

    versions = client.search_model_versions(f"name = '{name}'")
    assert sorted(str(version.version) for version in versions) == sorted([first, second])
    aliases = client.get_registered_model(name).aliases
    assert {key: str(value) for key, value in aliases.items()} == {alias: first}
    assert client.get_model_version(name, first).tags["promoted_by"].startswith("rollback")

    # An MLflow user reads the model as any other: its signature is the input schema.
    from mlflow.models import Model

    with tempfile.TemporaryDirectory() as scratch:
        local = client.download_artifacts(training.info.run_id, "model/MLmodel", scratch)
        signature = Model.load(local).signature
    assert signature is not None
    assert signature.inputs.input_names() == list(SCHEMA.names)


def test_the_production_loop_in_the_local_database(
    tracked: Settings, client: MlflowClient, tmp_path: Path
) -> None:
    the_production_loop(client, tracked, tmp_path)
    assert (tmp_path / "mlruns" / "artifacts").is_dir()  # everything stays in the project


@pytest.mark.mlflow
def test_the_production_loop_through_a_real_server(
    served: Settings, tmp_path: Path, mlflow_server: str
) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_server, registry_uri=mlflow_server)
    the_production_loop(client, served, tmp_path)
    assert not (tmp_path / "mlruns").exists()  # nothing local: the server has it all


def test_a_models_folder_flag_is_refused_rather_than_ignored(
    tracked: Settings, tmp_path: Path
) -> None:
    result = invoke("train", "--models-dir", "elsewhere")
    assert result.exit_code == 2
    assert "TRACKING_BACKEND=files" in result.output
    assert not (tmp_path / "elsewhere").exists()
