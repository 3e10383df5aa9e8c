"""The model the app scores with, shared by every session, and the rule that replaces it.

The API's rule: CURRENT is looked at most every `ui.model_reload_seconds`; a newly promoted (or
rolled-back) model is used from the next interaction; a model that fails to load is refused and
reported, and the one in use stays. Streamlit runs each session in a thread of its own, so the
holder takes a lock while it looks.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.store import LoadedModel, ModelStore


@dataclass(frozen=True)
class InUse:
    """What an interaction scores with: a model (or none), and what went wrong on the way."""

    model: LoadedModel | None
    problem: str | None = None  # why there is no model, or why a newer one was refused

    @property
    def version(self) -> str | None:
        return None if self.model is None else self.model.version


@dataclass
class ModelHolder:
    store: ModelStore
    reload_seconds: float = 5.0
    model: LoadedModel | None = None
    refused: str | None = None  # a version that CURRENT names and that could not be loaded
    problem: str | None = None
    checked_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self) -> InUse:
        """The model for this interaction: the one in use, or the one CURRENT names now."""
        with self.lock:
            if time.monotonic() - self.checked_at >= self.reload_seconds:
                self.checked_at = time.monotonic()
                self.check_current()
            return InUse(self.model, self.problem)

    def check_current(self) -> None:
        try:
            version = self.store.current()
        except ProjectError as error:  # no model yet, or an unreadable CURRENT
            self.refuse(None, error)
            return
        if self.model is not None and version == self.model.version:
            self.refused = self.problem = None  # e.g. CURRENT put back after a refused version
            return
        if version == self.refused:
            return
        try:
            self.model = self.store.load(version)
        except ProjectError as error:
            self.refuse(version, error)
            return
        self.refused = self.problem = None

    def refuse(self, version: str | None, error: ProjectError) -> None:
        self.refused = version
        if self.model is None:
            self.problem = str(error)
        else:
            self.problem = f"{error}; the app keeps using model {self.model.version}"
