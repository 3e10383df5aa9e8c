"""Model versions in an MLflow model registry; "current" is an alias that promotion moves.

    registered model <tracking.model_name>
      version N            a registered model version, made from the run that trained it
        aliases            <tracking.alias> (champion) on the version in use
        tags               data fingerprint, git commit, metrics, when and why it was promoted
      its run's artifacts, under model/:
        MLmodel, model.pkl ...   an MLflow scikit-learn model, signature = the input schema
        model.onnx               the ONNX export, when there is one
        profile.json             the reference profile of the training data (drift monitoring)
        metadata.json            what the file store keeps: checksums, library versions, metrics
    runs tagged event.action     one per promotion, rollback or kept champion: the store's events

MLflow users load a version as usual (`mlflow.sklearn.load_model("models:/name@champion")`). This
store keeps the file store's checks: `load` refuses a pickle whose SHA-256 or library versions
differ from its metadata before unpickling it, and every file is checked against its checksum.
A version is complete (listed, loadable) once its metadata is written: a crash halfway leaves an
unlisted version, never a current one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.columns import probability_column
from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError
from {{ cookiecutter.package_name }}.store import (
    Event,
    LoadedModel,
    now,
    text_of,
    timestamp,
)
from {{ cookiecutter.package_name }}.store.files import METADATA_FILE, to_json
from {{ cookiecutter.package_name }}.store.libraries import check_libraries, libraries_of
from {{ cookiecutter.package_name }}.tracking import git_commit
from {{ cookiecutter.package_name }}.tracking.mlflow_runs import (
    ACTIVE_RUN,
    KIND_TAG,
    MAX_TAG,
    Connection,
    connect,
    end_run,
    start_run,
    text,
)

if TYPE_CHECKING:
    from mlflow.entities.model_registry import ModelVersion
    from mlflow.models import ModelSignature

    from {{ cookiecutter.package_name }}.tracking.settings import TrackingSettings

MODEL_DIR = "model"  # the artifact folder of a version's run that holds its files
MODEL_FILE = "model.pkl"  # what mlflow.sklearn writes with serialization_format="pickle"
COMPLETE_TAG = "complete"  # set on a version once its metadata.json is written
# What MLflow answers for a model, version or alias that does not exist (a server, or SQLite).
NOT_FOUND = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")
EVENT_FIELDS = ("action", "version", "promoted", "previous", "reason", "details", "time")


SIGNATURE_TYPES = {"category": "string", "date": "datetime"}


def signature(metadata: Mapping[str, Any]) -> ModelSignature:
    """The model's input schema (the features it was trained with) and its outputs."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema, TensorSpec

    inputs: list[ColSpec | TensorSpec] = [
        ColSpec(SIGNATURE_TYPES.get(column["kind"], "double"), column["name"], False)
        for column in metadata["features"]
    ]
    outputs: list[ColSpec | TensorSpec] = [ColSpec("double", "prediction")]
    classes = metadata["target"].get("classes")
    if classes:
        probabilities = [] if len(classes) == 2 else [probability_column(c) for c in classes]
        outputs = [
            ColSpec("string", "prediction"),
            ColSpec("double", "probability"),
            *(ColSpec("double", name) for name in probabilities),
        ]
    return ModelSignature(inputs=Schema(inputs), outputs=Schema(outputs))


def write_mlflow_model(model: Any, folder: Path, metadata: Mapping[str, Any]) -> dict[str, str]:
    """The fitted model as an MLflow scikit-learn model in `folder`; returns its libraries."""
    import mlflow.sklearn

    libraries = libraries_of(model)
    # mlflow.sklearn warns that pickles run code when loaded: this store checks their SHA-256
    # and library versions first. The pip requirements are the libraries the pickle needs.
    quiet = [logging.getLogger(name) for name in ("mlflow.sklearn", "mlflow.utils.environment")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        mlflow.sklearn.save_model(
            model,
            str(folder),
            serialization_format="pickle",
            signature=signature(metadata),
            pip_requirements=[f"{name}=={version}" for name, version in libraries.items()],
        )
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return libraries


class MlflowModelStore:
    """Model versions of one registered model; see the module docstring."""

    def __init__(self, settings: TrackingSettings) -> None:
        self.settings = settings
        self.name = settings.model_name
        self.alias = settings.alias
        self.connection: Connection | None = None

    def __repr__(self) -> str:
        return f"MlflowModelStore({self.name!r}, alias={self.alias!r})"

    def connected(self) -> Connection:
        if self.connection is None:
            self.connection = connect(self.settings)
        return self.connection

    # Versions -------------------------------------------------------------------------------

    def registered(self) -> list[ModelVersion]:
        """Every complete version of the registered model (none before the first save)."""
        connection = self.connected()
        query = f"name = '{self.name}'"
        found: list[ModelVersion] = []
        token = None
        while True:
            with connection.failing(f"list the versions of {self.name!r}"):
                page = connection.client.search_model_versions(
                    query, max_results=1000, page_token=token
                )
            found += [version for version in page if version.tags.get(COMPLETE_TAG) == "true"]
            token = page.token
            if not token:
                return found

    def versions(self) -> list[str]:
        return [str(number) for number in sorted(int(v.version) for v in self.registered())]

    def checked_version(self, version: str) -> ModelVersion:
        """The registered version `version` names; refused if it is not a complete one."""
        from mlflow.exceptions import MlflowException

        connection = self.connected()
        found = None
        if version.isdigit() and len(version) < 12:
            with connection.failing(f"read version {version}"):
                try:
                    found = connection.client.get_model_version(self.name, version)
                except MlflowException as error:
                    if error.error_code not in NOT_FOUND:
                        raise
        if found is None or found.tags.get(COMPLETE_TAG) != "true":
            known = self.versions()
            listed = ", ".join(known[-3:]) if known else "none yet"
            msg = (
                f"{version!r} is not a version of the registered model {self.name!r}: a version"
                f" is a number that `versions` lists (latest: {listed})"
            )
            raise ModelNotFoundError(msg)
        return found

    def current(self) -> str:
        return str(self.current_version().version)

    def current_version(self) -> ModelVersion:
        from mlflow.exceptions import MlflowException

        connection = self.connected()
        with connection.failing("read the current model"):
            try:
                return connection.client.get_model_version_by_alias(self.name, self.alias)
            except MlflowException as error:
                if error.error_code not in NOT_FOUND:
                    raise
        msg = (
            f"no current model: no version of {self.name!r} has the alias {self.alias!r} yet;"
            " train one first (the `train` command)"
        )
        raise ModelNotFoundError(msg)

    def current_or_none(self) -> str | None:
        try:
            return self.current()
        except ModelNotFoundError:
            return None

    # Saving ---------------------------------------------------------------------------------

    def save(
        self,
        model: Any,
        metadata: Mapping[str, Any],
        files: Mapping[str, str | bytes] | None = None,
    ) -> str:
        connection = self.connected()
        active = ACTIVE_RUN.get()
        own_run = active is None or self.holds_a_model(active)
        # One model per run: a second one gets a run of its own (nested in the open one).
        run_id = start_run(connection, "save", "save", {}) if own_run else str(active)
        try:
            version = self.register(connection, run_id, model, metadata, files or {})
        except BaseException:
            if own_run:
                end_run(connection, run_id, failed=True)
            raise
        if own_run:
            end_run(connection, run_id)
        return version

    def holds_a_model(self, run_id: str) -> bool:
        connection = self.connected()
        with connection.failing("read the run's files"):
            return bool(connection.client.list_artifacts(run_id, MODEL_DIR))

    def register(
        self,
        connection: Connection,
        run_id: str,
        model: Any,
        metadata: Mapping[str, Any],
        files: Mapping[str, str | bytes],
    ) -> str:
        from mlflow.exceptions import MlflowException

        client = connection.client
        with tempfile.TemporaryDirectory(prefix="model-") as scratch:
            folder = Path(scratch) / MODEL_DIR
            libraries = write_mlflow_model(model, folder, metadata)
            checksums = {}
            for name, content in files.items():
                data = content.encode("utf-8") if isinstance(content, str) else content
                (folder / name).write_bytes(data)
                checksums[name] = hashlib.sha256(data).hexdigest()
            model_sha256 = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
            with connection.failing("store the model's files"):
                client.log_artifacts(run_id, str(folder), MODEL_DIR)
        with connection.failing("read the run"):
            run = client.get_run(run_id)
        with connection.failing("register the model"):
            try:
                client.create_registered_model(self.name)
            except MlflowException as error:
                if error.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
        tags = {"data_fingerprint": metadata.get("data_fingerprint"), "git_commit": git_commit()}
        with connection.failing(f"register a version of {self.name!r}"):
            registered = client.create_model_version(
                self.name,
                source=f"{run.info.artifact_uri}/{MODEL_DIR}",
                run_id=run_id,
                tags={name: str(value) for name, value in tags.items() if value},
            )
        version = str(registered.version)
        complete = {
            "version": version,
            "created_at": now(),
            "python": platform.python_version(),
            "libraries": libraries,
            "git_commit": git_commit(),
            **metadata,
            "model_file": MODEL_FILE,
            "model_sha256": model_sha256,
            "files_sha256": checksums,
            "mlflow": {"run_id": run_id, "model_name": self.name},
        }
        self.write_metadata(run_id, complete)
        with connection.failing("mark the version complete"):
            client.set_model_version_tag(self.name, version, COMPLETE_TAG, "true")
        return version

    def write_metadata(self, run_id: str, metadata: Mapping[str, Any]) -> None:
        connection = self.connected()
        with connection.failing("store the model's metadata"):
            connection.client.log_text(run_id, to_json(metadata), f"{MODEL_DIR}/{METADATA_FILE}")

    def update_metadata(self, version: str, values: Mapping[str, Any]) -> None:
        """metadata.json changes (and its figures become version tags); the model stays."""
        metadata = self.metadata(version)
        self.write_metadata(metadata["mlflow"]["run_id"], {**metadata, **values})
        connection = self.connected()
        tags = {f"metric.{name}": value for name, value in (values.get("metrics") or {}).items()}
        gate = values.get("quality_gate")
        if isinstance(gate, Mapping):
            tags["quality_gate"] = "passed" if gate.get("passed") else "failed"
        with connection.failing("tag the version"):
            for name, value in tags.items():
                connection.client.set_model_version_tag(self.name, version, name, str(value))

    # Reading --------------------------------------------------------------------------------

    def download(self, run_id: str, name: str) -> bytes:
        connection = self.connected()
        with tempfile.TemporaryDirectory(prefix="model-") as scratch:
            with connection.failing(f"download {name}"):
                path = connection.client.download_artifacts(run_id, f"{MODEL_DIR}/{name}", scratch)
            return Path(path).read_bytes()

    def metadata(self, version: str | None = None) -> dict[str, Any]:
        found = self.current_version() if version is None else self.checked_version(version)
        number = str(found.version)
        raw = self.download(str(found.run_id), METADATA_FILE)
        try:
            metadata = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            msg = f"the metadata of model version {number} is not valid JSON ({error})"
            raise ArtifactError(msg) from error
        if not isinstance(metadata, dict) or str(metadata.get("version")) != number:
            msg = f"the metadata in the run of model version {number} is not its own; refusing it"
            raise ArtifactError(msg)
        return metadata

    def verified(self, metadata: Mapping[str, Any], name: str, expected: str | None) -> bytes:
        data = self.download(metadata["mlflow"]["run_id"], name)
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            msg = (
                f"{name} of model version {metadata['version']} does not match the SHA-256 in"
                " its metadata: it was modified or truncated"
            )
            raise ArtifactError(msg)
        return data

    def read_bytes(self, version: str, name: str) -> bytes:
        metadata = self.metadata(version)
        if name not in (metadata.get("files_sha256") or {}):
            msg = f"model version {version} of {self.name!r} has no {name}"
            raise ModelNotFoundError(msg)
        return self.verified(metadata, name, metadata["files_sha256"][name])

    def read_file(self, version: str, name: str) -> str:
        return text_of(self.read_bytes(version, name), version, name)

    def load(self, version: str | None = None) -> LoadedModel:
        import pickle

        metadata = self.metadata(version)
        data = self.verified(metadata, MODEL_FILE, metadata.get("model_sha256") or "")
        check_libraries(metadata)
        model = pickle.loads(data)  # noqa: S301 - its SHA-256 and libraries were checked above
        return LoadedModel(model=model, metadata=metadata)

    # Promotion and the event log -------------------------------------------------------------

    def promote(
        self,
        version: str,
        *,
        action: str,
        reason: str,
        details: Mapping[str, Any] | None = None,
    ) -> Event:
        version = str(self.checked_version(version).version)
        previous = self.current_or_none()
        event = Event(
            action=action,
            version=version,
            promoted=True,
            previous=previous,
            reason=reason,
            details=dict(details or {}),
        )
        connection = self.connected()
        client = connection.client
        with connection.failing(f"move the alias {self.alias!r} to version {version}"):
            client.set_registered_model_alias(self.name, self.alias, version)
        try:  # the log records only what happened: the alias moves back if it cannot be logged
            self.log(event)
        except BaseException:
            with connection.failing(f"move the alias {self.alias!r} back"):
                if previous is None:
                    client.delete_registered_model_alias(self.name, self.alias)
                else:
                    client.set_registered_model_alias(self.name, self.alias, previous)
            raise
        with connection.failing("tag the version"):
            client.set_model_version_tag(self.name, version, "promoted_at", event.time)
            client.set_model_version_tag(
                self.name, version, "promoted_by", text(f"{action}: {reason}", MAX_TAG)
            )
        return event

    def log(self, event: Event) -> Event:
        """Each event is a run of its own (nested under the open run), tagged with its fields."""
        connection = self.connected()
        verb = "promote" if event.promoted else "keep"
        kept = event.previous if not event.promoted else event.version
        name = f"{event.action}: {verb} version {kept}"
        tags = {f"event.{key}": text(value, MAX_TAG) for key, value in event.to_dict().items()}
        tags |= {"event.model": self.name, "event.sequence": timestamp()}
        end_run(connection, start_run(connection, name, "event", tags))
        return event

    def events(self) -> list[Event]:
        connection = self.connected()
        query = f"tags.`{KIND_TAG}` = 'event' and tags.`event.model` = '{self.name}'"
        found = []
        token = None
        while True:
            with connection.failing("read the model's events"):
                page = connection.client.search_runs(
                    [connection.experiment_id],
                    filter_string=query,
                    max_results=1000,
                    page_token=token,
                )
            found += list(page)
            token = page.token
            if not token:
                break
        found.sort(key=lambda run: run.data.tags.get("event.sequence", ""))
        return [event_of(run.data.tags) for run in found]


def event_of(tags: Mapping[str, str]) -> Event:
    """An Event from the tags of its run (see `MlflowModelStore.log`)."""
    values = {key: tags.get(f"event.{key}", "") for key in EVENT_FIELDS}

    def parsed(raw: str) -> Any:
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw

    return Event(
        action=values["action"],
        version=None if values["version"] in ("", "null") else values["version"],
        promoted=values["promoted"] == "true",
        previous=None if values["previous"] in ("", "null") else values["previous"],
        reason=values["reason"],
        details=parsed(values["details"]) if values["details"] else {},
        time=values["time"],
    )
