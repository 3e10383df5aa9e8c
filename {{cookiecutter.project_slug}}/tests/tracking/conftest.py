"""MLflow for the tracking tests: a database of each test's own, or a real `mlflow server`.

Every other test runs with the models folder (tests/conftest.py sets tracking.backend=files).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }}.config import Settings, env_name, load_settings
from {{ cookiecutter.package_name }}.tracking.mlflow_runs import DATABASE, tracking_uri

if TYPE_CHECKING:
    from mlflow import MlflowClient

SAMPLE_ROWS = 2_000


@pytest.fixture(scope="session")
def blank_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow database with its tables made, once: creating them takes seconds."""
    from mlflow import MlflowClient

    path = tmp_path_factory.mktemp("blank-mlflow") / DATABASE
    uri = f"sqlite:///{path}"
    MlflowClient(tracking_uri=uri, registry_uri=uri).search_experiments()
    return path


def tracked_in(root: Path, monkeypatch: pytest.MonkeyPatch, **variables: str) -> Settings:
    """Run in `root`, with MLflow on and everything (models, reports, data) under it; the
    variables are the environment's too, so that the CLI run in-process reads the same."""
    monkeypatch.chdir(root)
    values = {
        env_name("tracking", "backend"): "mlflow",
        env_name("tracking", "dir"): str(root / "mlruns"),
        env_name("models", "dir"): str(root / "models"),
        env_name("reports", "dir"): str(root / "reports"),
        env_name("data", "dir"): str(root / "data"),
        env_name("data", "sample_rows"): str(SAMPLE_ROWS),
        **variables,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return load_settings()


@pytest.fixture
def tracked(tmp_path: Path, blank_database: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings that track in MLflow on a SQLite database of the test's own."""
    (tmp_path / "mlruns").mkdir()
    shutil.copyfile(blank_database, tmp_path / "mlruns" / DATABASE)
    return tracked_in(tmp_path, monkeypatch)


@pytest.fixture
def client(tracked: Settings) -> MlflowClient:
    """What a user looks at: a plain MLflow client on the test's tracking URI."""
    from mlflow import MlflowClient

    uri = tracking_uri(tracked.tracking)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):  # not listening yet
        return False


@pytest.fixture(scope="session")
def mlflow_server(
    tmp_path_factory: pytest.TempPathFactory, isolated_environment: dict[str, str]
) -> Iterator[str]:
    """A real `mlflow server` on a free loopback port: SQLite backend, artifacts served from a
    local folder. Stopped (with its workers: its own process group) by its process id."""
    work = tmp_path_factory.mktemp("mlflow-server")
    url = f"http://127.0.0.1:{free_port()}"
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{work / DATABASE}",
        "--artifacts-destination", str(work / "artifacts"),
        "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--workers", "1",
    ]  # fmt: skip
    log = work / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=work, env=isolated_environment, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not answers(url):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "mlflow server did not answer in 120 s"
                time.sleep(0.5)
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


@pytest.fixture
def served(mlflow_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings that track through the real server, as a team shares one: MLFLOW_TRACKING_URI
    set, nothing else (an experiment and a registered model of the test's own)."""
    own = tmp_path.name.replace("-", "_")
    return tracked_in(
        tmp_path,
        monkeypatch,
        MLFLOW_TRACKING_URI=mlflow_server,
        **{env_name("tracking", "experiment"): own, env_name("tracking", "model_name"): own},
    )
