"""Runs in MLflow: where they are logged, and the connection the model registry shares.

Without MLFLOW_TRACKING_URI, everything stays in the project: a SQLite database and an artifact
folder under tracking.dir (`mlruns/`, git-ignored), which `mlflow ui --backend-store-uri
sqlite:///mlruns/mlflow.db` shows. Setting MLFLOW_TRACKING_URI (a team's server, Databricks) is the
only change needed to share runs and models; MLflow reads its other variables (credentials) too.

Every MLflow failure becomes a TrackingError that names the server (without credentials) and says
what failed, in one line. A server that does not answer fails after a few retries, not minutes.
"""

from __future__ import annotations

import getpass
import importlib.util
import json
import math
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.tracking import git_commit

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from {{ cookiecutter.package_name }}.tracking.settings import TrackingSettings

DATABASE = "mlflow.db"
ARTIFACTS = "artifacts"
# What a run is: train, evaluate, retrain, monitor, or an event (a promotion, a kept champion).
KIND_TAG = "{{ cookiecutter.package_name }}.run"
# Unless the environment says otherwise: a few quick retries, so that a registry that is down fails
# a command (or one API reload check) in seconds, not after MLflow's default minutes of backoff;
# and no progress bar for each small file a command reads.
MLFLOW_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}
CREDENTIALS = re.compile(r"//[^/@\s]+@")  # user:password@ in a URL
MAX_PARAM = 6_000  # MLflow's limits on a param's and a tag's value
MAX_TAG = 8_000
# The run that workflows are logging to, in this thread or task: the model store saves into it.
ACTIVE_RUN: ContextVar[str | None] = ContextVar("active_mlflow_run", default=None)


class TrackingError(ProjectError):
    """MLflow failed: unreachable, refused, or holding something we did not expect."""


def tracking_uri(settings: TrackingSettings) -> str:
    """MLFLOW_TRACKING_URI when set; else the SQLite database in tracking.dir."""
    uri = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if uri:
        return uri
    return f"sqlite:///{(settings.dir.resolve() / DATABASE).as_posix()}"


def shown(uri: str) -> str:
    """A URI without the user name and password it may carry."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class Connection:
    """An MLflow client for the tracking URI, and the experiment that runs go to."""

    client: MlflowClient
    uri: str
    experiment_id: str

    def failing(self, what: str) -> AbstractContextManager[None]:
        """Inside: an MLflow failure becomes a TrackingError about `what`."""
        return failing(self.uri, what)


def failure(uri: str, what: str, error: Exception) -> TrackingError:
    """One line: which server, what we tried, and the first line of what it said."""
    said = str(error).strip()
    first = said.splitlines()[0] if said else type(error).__name__
    first = CREDENTIALS.sub("//", first)  # MLflow's messages repeat the URL, password included
    return TrackingError(f"MLflow at {shown(uri)} failed to {what}: {first}")


@contextmanager
def failing(uri: str, what: str) -> Iterator[None]:
    try:
        yield
    except failures() as error:
        raise failure(uri, what, error) from error


def failures() -> tuple[type[Exception], ...]:
    """What MLflow raises, a local folder that cannot be written (OSError), and what the local
    database raises before MLflow wraps it (locked, unreadable)."""
    from mlflow.exceptions import MlflowException

    try:
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:  # only MLflow's client: no local database either
        return (MlflowException, OSError)
    return (MlflowException, OSError, SQLAlchemyError)


def connect(settings: TrackingSettings) -> Connection:
    """A client for the tracking URI and the experiment's id (created on first use)."""
    if importlib.util.find_spec("mlflow") is None:
        msg = "tracking needs MLflow, which is not installed here: run `uv sync --group mlflow`"
        raise ProjectError(msg)
    for name, value in MLFLOW_DEFAULTS.items():
        os.environ.setdefault(name, value)
    uri = tracking_uri(settings)
    local = not os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if uri.startswith("sqlite:") and importlib.util.find_spec("sqlalchemy") is None:
        msg = (
            f"MLflow's database {shown(uri)} needs the full MLflow (`uv sync --group mlflow`);"
            " where only its client is installed (the API image), set MLFLOW_TRACKING_URI to a"
            " tracking server"
        )
        raise TrackingError(msg)
    if local:
        settings.dir.resolve().mkdir(parents=True, exist_ok=True)
    with failing(uri, "open the tracking store"):
        client = first_client(uri)
    name = settings.experiment

    def experiment_id() -> str:
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            location = (settings.dir.resolve() / ARTIFACTS).as_uri() if local else None
            return create_experiment(client, name, location)
        if experiment.lifecycle_stage != "active":
            msg = f"the MLflow experiment {name!r} is deleted: restore it, or choose another name"
            raise TrackingError(msg)
        return str(experiment.experiment_id)

    with failing(uri, f"open the experiment {name!r}"):
        return Connection(client, uri, experiment_id())


def first_client(uri: str, attempts: int = 5) -> MlflowClient:
    """A client for `uri`. A new SQLite database gets its tables on first use; when two processes
    (two API workers, two tests) make them at once, one fails ("table ... already exists") and
    tries again once the other is done."""
    attempt = 1
    while True:
        client = client_or_error(uri)
        if not isinstance(client, Exception):
            return client
        racing = uri.startswith("sqlite:") and "already exists" in str(client)
        if not racing or attempt == attempts:
            raise client
        time.sleep(attempt)
        attempt += 1


def client_or_error(uri: str) -> MlflowClient | Exception:
    from mlflow import MlflowClient

    try:
        return MlflowClient(tracking_uri=uri, registry_uri=uri)
    except Exception as error:  # the database's driver raises its own types
        return error


def create_experiment(client: MlflowClient, name: str, location: str | None) -> str:
    """Create the experiment; if another process just did, use theirs."""
    from mlflow.exceptions import MlflowException

    try:
        return str(client.create_experiment(name, artifact_location=location))
    except MlflowException as error:
        if error.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            raise
        return str(experiment.experiment_id)


def standard_tags(kind: str) -> dict[str, str]:
    """What MLflow's UI shows of a run's origin: the user, the git commit, the command."""
    tags = {KIND_TAG: kind, "mlflow.source.type": "LOCAL"}
    commit = git_commit()
    if commit:
        tags["mlflow.source.git.commit"] = commit
    with suppress(KeyError, OSError):  # no user name in this container
        tags["mlflow.user"] = getpass.getuser()
    tags["mlflow.source.name"] = "{{ cookiecutter.project_slug }}"
    return tags


def start_run(connection: Connection, name: str, kind: str, tags: Mapping[str, str]) -> str:
    """A new run in the experiment, nested under the open one if there is one; returns its id."""
    parent = ACTIVE_RUN.get()
    all_tags = {**standard_tags(kind), **tags}
    if parent is not None:
        all_tags["mlflow.parentRunId"] = parent
    with connection.failing(f"start a {kind} run"):
        run = connection.client.create_run(connection.experiment_id, run_name=name, tags=all_tags)
    return str(run.info.run_id)


def end_run(connection: Connection, run_id: str, *, failed: bool = False) -> None:
    """Mark a run finished, or failed: then quietly, so that the failure itself is what is shown
    (the server may be the thing that failed)."""
    if not failed:
        with connection.failing("end the run"):
            connection.client.set_terminated(run_id)
        return
    with suppress(Exception):
        connection.client.set_terminated(run_id, status="FAILED")


def metric_name(name: str) -> str:
    """A name MLflow accepts for a metric (letters, digits, `_-./` and spaces)."""
    return re.sub(r"[^A-Za-z0-9_\-./ ]", "_", name)[:250]


def text(value: Any, limit: int) -> str:
    shown_value = value if isinstance(value, str) else json.dumps(value, default=str)
    return shown_value if len(shown_value) <= limit else shown_value[: limit - 3] + "..."


class MlflowTracker:
    """Runs in the settings' MLflow experiment; see the module docstring."""

    def __init__(self, settings: TrackingSettings) -> None:
        self.settings = settings
        self.connection: Connection | None = None

    def connected(self) -> Connection:
        if self.connection is None:
            self.connection = connect(self.settings)
        return self.connection

    @contextmanager
    def run(self, kind: str, *, resume: str | None = None, new: bool = False) -> Iterator[None]:
        if ACTIVE_RUN.get() is not None and not new:  # inside a run already: log there
            yield
            return
        connection = self.connected()
        if resume is not None:
            with connection.failing(f"find model version {resume}"):
                version = connection.client.get_model_version(self.settings.model_name, resume)
            run_id = str(version.run_id)
        else:
            run_id = start_run(connection, kind, kind, {})
        token = ACTIVE_RUN.set(run_id)
        try:
            yield
        except BaseException:
            if resume is None:
                end_run(connection, run_id, failed=True)
            raise
        finally:
            ACTIVE_RUN.reset(token)
        if resume is None:
            end_run(connection, run_id)

    def active(self) -> tuple[Connection, str]:
        run_id = ACTIVE_RUN.get()
        if run_id is None:
            msg = "nothing can be logged outside a run: open one with `tracker.run(...)`"
            raise RuntimeError(msg)
        return self.connected(), run_id

    def log_params(self, params: Mapping[str, Any]) -> None:
        from mlflow.entities import Param

        connection, run_id = self.active()
        entries = [Param(name, text(value, MAX_PARAM)) for name, value in params.items()]
        for start in range(0, len(entries), 100):  # MLflow takes at most 100 params per call
            with connection.failing("log parameters"):
                connection.client.log_batch(run_id, params=entries[start : start + 100])

    def log_metrics(self, metrics: Mapping[str, float], prefix: str = "") -> None:
        from mlflow.entities import Metric

        connection, run_id = self.active()
        now = int(time.time() * 1000)
        entries = [
            Metric(metric_name(prefix + name), float(value), now, 0)
            for name, value in metrics.items()
            if math.isfinite(float(value))
        ]
        for start in range(0, len(entries), 1000):
            with connection.failing("log metrics"):
                connection.client.log_batch(run_id, metrics=entries[start : start + 1000])

    def log_files(self, paths: Sequence[Path], folder: str) -> None:
        connection, run_id = self.active()
        for path in paths:
            with connection.failing(f"store {path.name}"):
                connection.client.log_artifact(run_id, str(path), folder)

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        from mlflow.entities import RunTag

        connection, run_id = self.active()
        entries = [RunTag(name, text(value, MAX_TAG)) for name, value in tags.items()]
        with connection.failing("tag the run"):
            connection.client.log_batch(run_id, tags=entries)
