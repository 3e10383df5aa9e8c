"""What the MLflow model store refuses: files changed after they were saved, other library
versions, versions it did not finish, and a server it cannot reach (in one line, no password)."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.store.mlflow_registry import MODEL_FILE
from {{ cookiecutter.package_name }}.tracking.mlflow_runs import TrackingError
from {{ cookiecutter.package_name }}.workflows.train import train

if TYPE_CHECKING:
    from mlflow import MlflowClient


def artifact(settings: Settings, client: MlflowClient, version: str, name: str) -> Path:
    """Where the local artifact store keeps a file of a version (to tamper with it)."""
    run_id = client.get_model_version(settings.tracking.model_name, version).run_id
    assert run_id is not None
    location = client.get_run(run_id).info.artifact_uri.removeprefix("file://")
    return Path(location) / "model" / name


def test_a_modified_pickle_is_refused_before_unpickling(
    tracked: Settings, client: MlflowClient
) -> None:
    train(tracked)
    pickle = artifact(tracked, client, "1", MODEL_FILE)
    pickle.write_bytes(pickle.read_bytes() + b"tampered")
    with pytest.raises(ArtifactError, match="does not match the SHA-256"):
        open_store(tracked).load("1")


def test_a_modified_onnx_export_is_refused(tracked: Settings, client: MlflowClient) -> None:
    train(tracked)
    export = artifact(tracked, client, "1", "model.onnx")
    export.write_bytes(export.read_bytes()[:-10])
    with pytest.raises(ArtifactError, match=r"model\.onnx of model version 1 does not match"):
        load_predictor(open_store(tracked))


def test_other_library_versions_are_refused(tracked: Settings) -> None:
    train(tracked)
    store = open_store(tracked)
    store.update_metadata("1", {"libraries": {"scikit-learn": "0.1.0"}})
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.1\.0"):
        store.load("1")


def test_an_unfinished_version_is_never_listed(tracked: Settings, client: MlflowClient) -> None:
    """A save that died after registering, before its metadata: not a version the store offers."""
    train(tracked)
    name = tracked.tracking.model_name
    run_id = client.get_model_version(name, "1").run_id
    client.create_model_version(name, source="file:///nowhere", run_id=run_id)
    store = open_store(tracked)
    assert store.versions() == ["1"]
    with pytest.raises(ModelNotFoundError):
        store.metadata("2")


def test_an_unreachable_server_fails_in_one_line_without_credentials(
    tracked: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://ada:s3cret@127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(TrackingError) as raised:
        open_store(tracked).current()
    message = str(raised.value)
    assert message.startswith("MLflow at http://127.0.0.1:")
    assert "s3cret" not in message
    assert "\n" not in message
    assert time.monotonic() - started < 60
