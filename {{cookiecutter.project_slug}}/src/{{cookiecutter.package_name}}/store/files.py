"""The default model store: versions in a local folder, safe against crashes and tampering.

    models/
      CURRENT              the version in use (one line), replaced atomically
      events.jsonl         every training, retraining and rollback: one JSON object per line
      <version>/
        model.joblib       the fitted pipeline (a pickle)
        metadata.json      versions, metrics, data fingerprint, schema, SHA-256 of model.joblib
        profile.json       the reference profile of the training data, for drift monitoring

A version is written to a hidden staging folder and renamed into place only when complete, and
CURRENT changes only on promotion: a crash or a failed quality gate never touches the model in use.
A promotion checks every file of the version against its SHA-256 first, replaces CURRENT, then
logs the event; if the log cannot be written, CURRENT is put back. So the log never records a
promotion that did not happen, and a run killed between the two is recorded by the next promotion
("recovered"). A torn last line of the log (a full disk) is skipped, never fatal. Staging folders
of a killed run are removed by the next save once nothing has touched them for an hour.
Files are readable by other users (0644, folders 0755), so a service running as another user
(the Docker image's) can serve a mounted models folder.

Unpickling runs code, so loading checks the SHA-256 and the library versions before it unpickles.
The checksum catches accidents and casual tampering, not an attacker who can also rewrite
metadata.json: load only models from a folder you control.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError
from {{ cookiecutter.package_name }}.fs.atomic import (
    append_lines,
    remove_stale,
    write_text,
)
from {{ cookiecutter.package_name }}.store import (
    Event,
    LoadedModel,
    check_files,
    now,
    text_of,
    timestamp,
)
from {{ cookiecutter.package_name }}.store.libraries import check_libraries, libraries_of
from {{ cookiecutter.package_name }}.tracking import git_commit

CURRENT = "CURRENT"
EVENTS = "events.jsonl"
LEGACY_HISTORY = "history.jsonl"  # the log of CURRENT's changes before events.jsonl existed
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
# A version is a plain folder name; anything else (a path, `..`, a newline) is never one.
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_POINTER_BYTES = 128

logger = logging.getLogger(__name__)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def to_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=2, allow_nan=False, default=str) + "\n"


class FileModelStore:
    """Model versions in a local folder; see the module docstring for the layout."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FileModelStore({str(self.root)!r})"

    # Versions -------------------------------------------------------------------------------

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            path.name
            for path in self.root.iterdir()
            if VERSION_NAME.fullmatch(path.name) and (path / METADATA_FILE).is_file()
        )

    def checked_version(self, version: str) -> str:
        """`version` if it is a version this store lists; refused otherwise (never a path)."""
        if VERSION_NAME.fullmatch(version) and (self.root / version / METADATA_FILE).is_file():
            return version
        known = self.versions()
        listed = ", ".join(known[-3:]) if known else "none yet"
        msg = (
            f"{version!r} is not a model version in '{self.root}': a version is a plain name"
            f" that `versions` lists (latest: {listed})"
        )
        raise ModelNotFoundError(msg)

    def current(self) -> str:
        pointer = self.root / CURRENT
        if not pointer.is_file():
            msg = f"no current model in '{self.root}': train one first (the `train` command)"
            raise ModelNotFoundError(msg)
        raw = pointer.read_bytes()[: MAX_POINTER_BYTES + 1]
        try:
            name = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            name = ""
        if len(raw) > MAX_POINTER_BYTES or not VERSION_NAME.fullmatch(name):
            msg = f"'{pointer}' does not hold a version name; restore it with `rollback --to`"
            raise ArtifactError(msg)
        try:
            return self.checked_version(name)
        except ModelNotFoundError:
            msg = f"'{pointer}' names {name!r}, which is not a model version in '{self.root}'"
            raise ArtifactError(msg) from None

    # Saving ---------------------------------------------------------------------------------

    def save(
        self,
        model: Any,
        metadata: Mapping[str, Any],
        files: Mapping[str, str | bytes] | None = None,
    ) -> str:
        import joblib

        version = timestamp()
        self.root.mkdir(parents=True, exist_ok=True)
        remove_stale(self.root, ".staging-*")
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".staging-{version}-"))
        try:
            checksums = {}
            for name, content in (files or {}).items():
                data = content.encode("utf-8") if isinstance(content, str) else content
                (staging / name).write_bytes(data)
                checksums[name] = hashlib.sha256(data).hexdigest()
            joblib.dump(model, staging / MODEL_FILE)
            complete = {
                "version": version,
                "created_at": now(),
                "python": platform.python_version(),
                "libraries": libraries_of(model),
                "git_commit": git_commit(),
                **metadata,
                "model_file": MODEL_FILE,
                "model_sha256": sha256(staging / MODEL_FILE),
                "files_sha256": checksums,
            }
            (staging / METADATA_FILE).write_text(to_json(complete), encoding="utf-8")
            staging.chmod(0o755)  # mkdtemp makes it private; a service may run as another user
            staging.rename(self.root / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return version

    def update_metadata(self, version: str, values: Mapping[str, Any]) -> None:
        """Only metadata.json changes: the model file, and so its SHA-256, stays as saved."""
        metadata = self.metadata(version)
        write_text(self.root / version / METADATA_FILE, to_json({**metadata, **values}))

    # Reading --------------------------------------------------------------------------------

    def metadata(self, version: str | None = None) -> dict[str, Any]:
        version = self.current() if version is None else self.checked_version(version)
        path = self.root / version / METADATA_FILE
        try:
            metadata = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            msg = f"'{path}' is not valid JSON ({error}); refusing to load this model"
            raise ArtifactError(msg) from error
        if not isinstance(metadata, dict) or metadata.get("version") != version:
            msg = f"'{path}' is not the metadata of version {version}; refusing to load it"
            raise ArtifactError(msg)
        return metadata

    def read_bytes(self, version: str, name: str) -> bytes:
        """A file saved with a version, checked against the SHA-256 recorded when it was saved."""
        metadata = self.metadata(version)
        path = self.root / metadata["version"] / name
        if not path.is_file():
            msg = f"model version '{version}' has no {name} in '{self.root}'"
            raise ModelNotFoundError(msg)
        data: bytes = path.read_bytes()
        expected = (metadata.get("files_sha256") or {}).get(name)
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            msg = (
                f"'{path}' does not match the SHA-256 in its metadata: it was modified or truncated"
            )
            raise ArtifactError(msg)
        return data

    def read_file(self, version: str, name: str) -> str:
        return text_of(self.read_bytes(version, name), version, name)

    def verify(self, version: str) -> None:
        """Every file the version serves or loads matches the SHA-256 recorded when it was saved
        (the pickle and each export): one damaged byte refuses the version, naming the file."""
        check_files(self, version)
        self.checked_model_file(self.metadata(version))

    def checked_model_file(self, metadata: Mapping[str, Any]) -> Path:
        model_path = self.root / str(metadata["version"]) / MODEL_FILE
        if not model_path.is_file():
            msg = f"'{model_path}' is missing; the model version is incomplete"
            raise ArtifactError(msg)
        if sha256(model_path) != metadata.get("model_sha256"):
            msg = (
                f"'{model_path}' does not match the SHA-256 in its metadata: it was modified or "
                "truncated. Refusing to unpickle it (unpickling runs code)."
            )
            raise ArtifactError(msg)
        return model_path

    def load(self, version: str | None = None) -> LoadedModel:
        metadata = self.metadata(version)
        model_path = self.checked_model_file(metadata)
        check_libraries(metadata)
        import joblib

        return LoadedModel(model=joblib.load(model_path), metadata=metadata)

    # Promotion and the event log -------------------------------------------------------------

    def current_or_none(self) -> str | None:
        return self.current() if (self.root / CURRENT).exists() else None

    def promote(
        self,
        version: str,
        *,
        action: str,
        reason: str,
        details: Mapping[str, Any] | None = None,
    ) -> Event:
        version = self.checked_version(version)
        self.verify(version)
        previous = self.current_or_none()
        self.record_unlogged_change(previous)
        event = Event(
            action=action,
            version=version,
            promoted=True,
            previous=previous,
            reason=reason,
            details=dict(details or {}),
        )
        write_text(self.root / CURRENT, version + "\n")
        try:
            self.log(event)
        except BaseException:
            # The change cannot be recorded: undo it, so that the log stays the truth.
            if previous is None:
                (self.root / CURRENT).unlink(missing_ok=True)
            else:
                write_text(self.root / CURRENT, previous + "\n")
            raise
        return event

    def record_unlogged_change(self, current: str | None) -> None:
        """A run killed between replacing CURRENT and logging it left a change the log lacks:
        record it before the next one, so the log's last promotion is always the current one."""
        promotions = [event for event in self.events() if event.promoted]
        logged = promotions[-1].version if promotions else None
        if current is None or current == logged:
            return
        reason = (
            f"CURRENT named {current}, which the log's last promotion ({logged}) does not: a run"
            " stopped between changing CURRENT and logging it (or CURRENT was edited); recorded now"
        )
        logger.warning(reason)
        self.log(Event("recovered", current, promoted=True, previous=logged, reason=reason))

    def log(self, event: Event) -> Event:
        append_lines(self.root / EVENTS, [event.to_dict()])
        return event

    def events(self) -> list[Event]:
        path = self.root / EVENTS
        if not path.is_file():
            return self.legacy_events()
        known = {item.name for item in fields(Event)}
        events = []
        lines = path.read_bytes().decode("utf-8", errors="replace").split("\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                events.append(Event(**{k: v for k, v in entry.items() if k in known}))
            except json.JSONDecodeError as error:
                if torn(line):  # a write cut short (a full disk): it never happened
                    logger.warning("'%s' line %d was cut short; skipped", path, number)
                    continue
                msg = f"'{path}' line {number} is not an event ({error})"
                raise ArtifactError(msg) from error
            except (TypeError, AttributeError) as error:  # JSON, but not an object of events
                msg = f"'{path}' line {number} is not an event ({error})"
                raise ArtifactError(msg) from error
        return events

    def legacy_events(self) -> list[Event]:
        """history.jsonl of a models folder from before events.jsonl, read as promotions."""
        path = self.root / LEGACY_HISTORY
        if not path.is_file():
            return []
        entries = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [
            Event(
                action=entry.get("reason", "train"),
                version=entry["version"],
                promoted=True,
                previous=entry.get("previous"),
                reason=entry.get("reason", ""),
                time=entry.get("time", ""),
            )
            for entry in entries
        ]


def torn(line: str) -> bool:
    """Whether a line that is not JSON is an event cut short: it starts as an object and never
    ends as one. Anything else was never JSON, and is refused (someone edited the log)."""
    stripped = line.strip()
    return stripped.startswith("{") and not stripped.endswith("}")
