"""The MLflow model store keeps the file store's promises, in a registry a team can look at."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }}.config import Settings, env_name
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.store.mlflow_registry import MlflowModelStore
from {{ cookiecutter.package_name }}.tracking import open_tracker
from {{ cookiecutter.package_name }}.workflows.train import train

if TYPE_CHECKING:
    from mlflow import MlflowClient


def test_the_setting_chooses_the_store(tracked: Settings) -> None:
    assert isinstance(open_store(tracked), MlflowModelStore)
    assert type(open_store(tracked.with_overrides(**{"tracking.backend": "files"}))).__name__ == (
        "FileModelStore"
    )


def test_a_trained_model_is_a_registered_version_under_the_alias(
    tracked: Settings, client: MlflowClient
) -> None:
    outcome = train(tracked)
    name, alias = tracked.tracking.model_name, tracked.tracking.alias
    assert str(client.get_model_version_by_alias(name, alias).version) == outcome.version == "1"
    store = open_store(tracked)
    assert store.current() == "1"
    assert store.versions() == ["1"]
    metadata = store.metadata()
    assert metadata["version"] == "1"
    assert metadata["features"] == SCHEMA.metadata()
    assert set(metadata["files_sha256"]) == {"profile.json", "model.onnx"}
    assert json.loads(store.read_file("1", "profile.json"))  # checked against its checksum
    assert load_predictor(store).runtime == "onnxruntime"
    assert store.load().model is not None
    # The registry shows the figures and where the version came from.
    tags = client.get_model_version(name, "1").tags
    assert tags["data_fingerprint"] == metadata["data_fingerprint"]
    assert tags["quality_gate"] == "passed"
    assert float(tags["metric.roc_auc" if "roc_auc" in outcome.metrics else "metric.r2"]) > 0


def test_a_model_below_the_gate_is_registered_but_not_current(
    tracked: Settings, client: MlflowClient
) -> None:
    outcome = train(tracked.with_overrides(**{"training.min_score": 1.01}))
    assert not outcome.promoted
    store = open_store(tracked)
    assert store.versions() == [outcome.version]
    with pytest.raises(ModelNotFoundError, match="alias 'champion'"):
        store.current()
    assert client.get_registered_model(tracked.tracking.model_name).aliases == {}


def test_a_version_is_a_number_the_store_lists(tracked: Settings) -> None:
    train(tracked)
    store = open_store(tracked)
    for name in ("../1", "2", "1; drop table", "latest"):
        with pytest.raises(ModelNotFoundError, match="latest: 1"):
            store.metadata(name)
    with pytest.raises(ModelNotFoundError, match=r"has no model\.joblib"):
        store.read_bytes("1", "model.joblib")


def test_the_files_backend_never_imports_mlflow(isolated_environment: dict[str, str]) -> None:
    code = (
        "import sys\n"
        "from {{ cookiecutter.package_name }}.cli import app\n"
        "from {{ cookiecutter.package_name }}.config import load_settings\n"
        "from {{ cookiecutter.package_name }}.store import open_store\n"
        "from {{ cookiecutter.package_name }}.tracking import open_tracker\n"
        "settings = load_settings()\n"
        "open_store(settings).versions(); open_tracker(settings)\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'mlflow'))\n"
    )
    env = isolated_environment | {env_name("tracking", "backend"): "files"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[]"


def test_two_models_saved_in_one_run_keep_their_own_files(tracked: Settings) -> None:
    with open_tracker(tracked).run("train"):
        first = train(tracked).version
        second = train(tracked.with_overrides(**{"training.seed": 13})).version
    store = open_store(tracked)
    assert store.metadata(first)["random_seed"] == tracked.training.seed
    assert store.metadata(second)["random_seed"] == 13
    assert store.load(first).version == first
    assert store.load(second).version == second
