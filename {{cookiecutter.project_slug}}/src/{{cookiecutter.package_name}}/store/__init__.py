"""The model store: where fitted models are kept, which one is current, and what happened when.

`ModelStore` is the interface every workflow uses; `open_store(settings)` returns the store the
settings choose. `FileModelStore` (files.py) is the default: versions in a local folder.
{%- if cookiecutter.tracking == "mlflow" %}
`MlflowModelStore` (mlflow_registry.py) keeps them in an MLflow model registry, "current" being an
alias there (tracking.backend, on by default in this project).
{%- endif %}
Any other store implements the same methods and keeps the same promises:

- `save` never changes the current model; `promote` does, and records an `Event`;
- a version is a plain name that `versions()` lists, never a path;
- `load` refuses a model it cannot vouch for (checksum, library versions) before unpickling it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from {{ cookiecutter.package_name }}.errors import ArtifactError

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.config import Settings


@dataclass(frozen=True)
class LoadedModel:
    """A fitted model with the metadata it was saved with."""

    model: Any
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


@dataclass(frozen=True)
class Event:
    """One entry of the store's log: a model trained, retrained, promoted or rolled back to.

    `promoted` says whether the current model changed to `version`; `previous` is the version that
    was current before. Decisions that kept the current model are logged too, with their reason.
    """

    action: str  # "train", "retrain" or "rollback"
    version: str | None
    promoted: bool
    previous: str | None
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    time: str = field(default_factory=lambda: now())

    @property
    def current(self) -> str | None:
        """The current version after this event."""
        return self.version if self.promoted else self.previous

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> dict[str, Any]:
        """What a scheduler passes on (XCom, asset metadata): small, and JSON."""
        return {"promoted": self.promoted, "current": self.current, "reason": self.reason}


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def text_of(data: bytes, version: str, name: str) -> str:
    """A file saved with a version, as text (refused when it is not UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        msg = f"{name} of model version '{version}' is not UTF-8 text ({error})"
        raise ArtifactError(msg) from error


def timestamp() -> str:
    """A sortable, unique name: the UTC time to the microsecond (model versions, report folders)."""
    nanoseconds = time.time_ns()
    seconds = time.strftime("%Y%m%dT%H%M%S", time.gmtime(nanoseconds // 1_000_000_000))
    return f"{seconds}{nanoseconds // 1_000 % 1_000_000:06d}Z"


class ModelStore(Protocol):
    """What every workflow needs from a place that keeps models."""

    def save(
        self,
        model: Any,
        metadata: Mapping[str, Any],
        files: Mapping[str, str | bytes] | None = None,
    ) -> str:
        """Store a fitted model as a new version, with metadata and files (its drift profile, its
        ONNX export), each checksummed. Returns the version; the current model does not change."""
        ...

    def load(self, version: str | None = None) -> LoadedModel:
        """A version (default: the current one), after the store's safety checks."""
        ...

    def metadata(self, version: str | None = None) -> dict[str, Any]:
        """A version's metadata (default: the current one's), without loading the model."""
        ...

    def update_metadata(self, version: str, values: Mapping[str, Any]) -> None:
        """Add results (an evaluation, say) to a version's metadata; the model stays as saved."""
        ...

    def read_file(self, version: str, name: str) -> str:
        """A text file saved with a version (its checksum verified)."""
        ...

    def read_bytes(self, version: str, name: str) -> bytes:
        """A file saved with a version (its checksum verified); no unpickling."""
        ...

    def current(self) -> str:
        """The version in use; ModelNotFoundError before the first promotion."""
        ...

    def versions(self) -> list[str]:
        """Every version, oldest first."""
        ...

    def promote(
        self,
        version: str,
        *,
        action: str,
        reason: str,
        details: Mapping[str, Any] | None = None,
    ) -> Event:
        """Make `version` current, and log the change."""
        ...

    def log(self, event: Event) -> Event:
        """Record a decision that did not change the current model."""
        ...

    def events(self) -> list[Event]:
        """Every logged event, oldest first."""
        ...


def check_files(store: ModelStore, version: str) -> None:
    """Every file saved with `version` (its ONNX export, its profile) matches the SHA-256
    recorded when it was saved: `read_bytes` checks each, and refuses the first that does not."""
    for name in store.metadata(version).get("files_sha256") or {}:
        store.read_bytes(version, name)


def open_store(settings: Settings) -> ModelStore:
    """The model store the settings name."""
{%- if cookiecutter.tracking == "mlflow" %}
    if settings.tracking.backend == "mlflow":
        from {{ cookiecutter.package_name }}.store.mlflow_registry import MlflowModelStore

        return MlflowModelStore(settings.tracking)
{%- endif %}
    from {{ cookiecutter.package_name }}.store.files import FileModelStore

    return FileModelStore(settings.models.dir)
