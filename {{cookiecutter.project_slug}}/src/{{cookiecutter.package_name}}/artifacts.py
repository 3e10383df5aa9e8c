"""Save and load models safely: versioned, atomic, checksummed, refused when unsafe.

    models/
      CURRENT              the version in use (one line), replaced atomically
      history.jsonl        every change of CURRENT: promotions and rollbacks, one JSON per line
      <version>/
        model.joblib       the fitted pipeline (a pickle)
        metadata.json      versions, metrics, data fingerprint, schema, SHA-256 of model.joblib
        profile.json       the reference profile of the training data, for drift monitoring

A version is written to a hidden staging directory and renamed into place only when complete, and
CURRENT changes only on promotion: a crash or a failed quality gate never touches the model in use.
Unpickling runs code, so loading checks the SHA-256 and the library versions before it unpickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError

CURRENT = "CURRENT"
HISTORY = "history.jsonl"
MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
# Pickles are only safe to load with the library versions that wrote them: the same major.minor.
PINNED_LIBRARIES = ("scikit-learn", "numpy", "joblib")


@dataclass(frozen=True)
class LoadedModel:
    model: Pipeline
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_fingerprint(table: pd.DataFrame) -> str:
    """A SHA-256 of the table's values and column names: the same data, the same fingerprint."""
    digest = hashlib.sha256(",".join(map(str, table.columns)).encode())
    digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    return {name: installed_version(name) for name in (*PINNED_LIBRARIES, "pandas")}


def git_commit() -> str | None:
    """The commit the code was trained from, when it runs inside a git checkout."""
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [git, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None if result.returncode == 0 else None


def new_version() -> str:
    """A sortable, unique version id: the UTC time to the microsecond."""
    now = time.time_ns()
    seconds = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000_000))
    return f"{seconds}{now // 1_000 % 1_000_000:06d}Z"


def write_atomically(path: Path, text: str) -> None:
    """Write a file so that readers see the old content or the new one, never a mix."""
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}.", delete=False, encoding="utf-8"
    ) as temporary:
        temporary.write(text)
        temporary.flush()
        os.fsync(temporary.fileno())
    Path(temporary.name).replace(path)


def save_model(
    model: Pipeline,
    metadata: dict[str, Any],
    models_dir: Path,
    files: Mapping[str, str] | None = None,
) -> str:
    """Store `model` as a new version with its metadata and `files` (name -> text); returns the
    version. Does not promote."""
    version = new_version()
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".staging-{version}-"))
    try:
        for name, text in (files or {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        joblib.dump(model, staging / MODEL_FILE)
        full_metadata = {
            "version": version,
            "created_at": now(),
            "python": platform.python_version(),
            "libraries": library_versions(),
            "git_commit": git_commit(),
            **metadata,
            "model_file": MODEL_FILE,
            "model_sha256": sha256(staging / MODEL_FILE),
        }
        write_atomically(staging / METADATA_FILE, json.dumps(full_metadata, indent=2) + "\n")
        staging.rename(models_dir / version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return version


def promote(models_dir: Path, version: str, reason: str = "promoted") -> None:
    """Make `version` the current model, and record the change in the history."""
    if not (models_dir / version / METADATA_FILE).is_file():
        msg = f"cannot promote '{version}': no such model version in '{models_dir}'"
        raise ModelNotFoundError(msg)
    previous = (
        (models_dir / CURRENT).read_text().strip() if (models_dir / CURRENT).is_file() else None
    )
    append_line(
        models_dir / HISTORY,
        {"time": now(), "version": version, "previous": previous, "reason": reason},
    )
    write_atomically(models_dir / CURRENT, version + "\n")


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def append_line(path: Path, entry: dict[str, Any]) -> None:
    """Append one JSON line with a single write, so concurrent writers never interleave."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, (json.dumps(entry) + "\n").encode())
    finally:
        os.close(descriptor)


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The entries of a JSON-lines log (history, decisions); none when it does not exist yet."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def history(models_dir: Path) -> list[dict[str, Any]]:
    return read_lines(models_dir / HISTORY)


def version_file(models_dir: Path, version: str, name: str) -> Path:
    """A file saved with a version (such as its profile); refused when it is not there."""
    path = models_dir / version / name
    if not path.is_file():
        msg = f"model version '{version}' has no {name} in '{models_dir}'"
        raise ModelNotFoundError(msg)
    return path


def record_evaluation(models_dir: Path, version: str, evaluation: dict[str, Any]) -> None:
    """Add an evaluation's results (metrics, quality gate) to a version's metadata, atomically.

    Only metadata.json changes: the model file, and so its SHA-256, stays as it was saved.
    """
    metadata = read_metadata(models_dir, version)
    path = models_dir / version / METADATA_FILE
    write_atomically(path, json.dumps({**metadata, **evaluation}, indent=2) + "\n")


def current_version(models_dir: Path) -> str:
    pointer = models_dir / CURRENT
    if not pointer.is_file():
        msg = f"no current model in '{models_dir}': train one first (the `train` command)"
        raise ModelNotFoundError(msg)
    return pointer.read_text(encoding="utf-8").strip()


def list_versions(models_dir: Path) -> list[str]:
    if not models_dir.is_dir():
        return []
    return sorted(p.name for p in models_dir.iterdir() if (p / METADATA_FILE).is_file())


def read_metadata(models_dir: Path, version: str | None = None) -> dict[str, Any]:
    version = version or current_version(models_dir)
    path = models_dir / version / METADATA_FILE
    if not path.is_file():
        msg = f"model version '{version}' has no {METADATA_FILE} in '{models_dir}'"
        raise ModelNotFoundError(msg)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        msg = f"'{path}' is not valid JSON ({error}); refusing to load this model"
        raise ArtifactError(msg) from error


def check_compatible(metadata: dict[str, Any]) -> None:
    """Refuse a model saved by other major.minor versions of the libraries that pickle it."""
    saved = metadata.get("libraries", {})
    current = library_versions()
    mismatches = [
        f"{name} {saved.get(name)} (installed: {current[name]})"
        for name in PINNED_LIBRARIES
        if str(saved.get(name, "")).split(".")[:2] != current[name].split(".")[:2]
    ]
    if mismatches:
        msg = (
            f"model {metadata.get('version')} was saved with {', '.join(mismatches)}; "
            "loading a pickle across versions is unsafe: retrain it, or install those versions"
        )
        raise ArtifactError(msg)


def load_model(models_dir: Path, version: str | None = None) -> LoadedModel:
    """Load a version (default: the current one) after checking its checksum and libraries."""
    metadata = read_metadata(models_dir, version)
    model_path = models_dir / str(metadata["version"]) / MODEL_FILE
    if not model_path.is_file():
        msg = f"'{model_path}' is missing; the model version is incomplete"
        raise ArtifactError(msg)
    if sha256(model_path) != metadata.get("model_sha256"):
        msg = (
            f"'{model_path}' does not match the SHA-256 in its metadata: it was modified or "
            "truncated. Refusing to unpickle it (unpickling runs code)."
        )
        raise ArtifactError(msg)
    check_compatible(metadata)
    return LoadedModel(model=joblib.load(model_path), metadata=metadata)
