"""The model in use, and the one rule that replaces it: the API's workers and the web app share it.

A long-running process that serves a model holds a `CurrentModel`. `get()` looks at the store's
current version at most every `reload_seconds` (0: on every call); when the store names another
version, `load(version)` loads it, and it is used from then on. A version that fails to load is
refused: the model in use stays, the state says why, and that version is tried again only every
`RETRY_SECONDS` (so a repaired file is served within a minute by every process alike, and a broken
one is not reloaded on every look). The state is one immutable `InUse`, replaced
whole, so a caller that reads it once never mixes two versions; looking takes a lock, so two
threads (Streamlit sessions) never load at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from {{ cookiecutter.package_name }}.errors import ProjectError

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.store import ModelStore

Loaded = TypeVar("Loaded")
UNREADABLE = "(unreadable CURRENT)"  # what is refused when the store cannot say which is current
RETRY_SECONDS = 30.0


@dataclass(frozen=True)
class InUse(Generic[Loaded]):
    """What a call serves with: the model (or none) and its version, and what was refused."""

    model: Loaded | None = None
    version: str | None = None
    refused: str | None = None  # the version the store names that could not be loaded
    error: str | None = None  # why it was refused (or why there is no model)
    generation: int = 0  # counts the changes of state: a caller can tell that something changed
    refused_at: float = float("-inf")  # when loading `refused` last failed (time.monotonic)


@dataclass
class CurrentModel(Generic[Loaded]):
    """The store's current model, loaded with `load` and replaced by the rule above.

    Takes the store, a loader (a version's name in, the loaded model out; it raises a
    `ProjectError` for a version it cannot vouch for) and the reload interval in seconds.
    """

    store: ModelStore
    load: Callable[[str], Loaded]
    reload_seconds: float = 5.0
    in_use: InUse[Loaded] = field(default_factory=InUse)
    checked_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self) -> InUse[Loaded]:
        """The state to serve this call with: looked at again once `reload_seconds` have passed."""
        if time.monotonic() - self.checked_at < self.reload_seconds:
            return self.in_use
        with self.lock:
            if time.monotonic() - self.checked_at >= self.reload_seconds:
                self.checked_at = time.monotonic()
                self.in_use = self.look(self.in_use)
            return self.in_use

    def require(self) -> Loaded:
        """The model in use, or the current version loaded now; raises why there is none.

        For a deployment whose model never changes: it should fail to start, saying why, rather
        than answer that it has no model."""
        state = self.get()
        if state.model is not None:
            return state.model
        with self.lock:
            version = self.store.current()
            model = self.load(version)
            self.in_use = InUse(model, version, generation=state.generation + 1)
        return model

    def look(self, now: InUse[Loaded]) -> InUse[Loaded]:
        try:
            version = self.store.current()
        except ProjectError as error:  # no model yet, or an unreadable CURRENT
            return self.refusal(now, UNREADABLE, error)
        if now.model is not None and version == now.version:
            if now.refused is None:
                return now
            return replace(now, refused=None, error=None, generation=now.generation + 1)
        if version == now.refused and time.monotonic() - now.refused_at < RETRY_SECONDS:
            return now
        try:
            model = self.load(version)
        except ProjectError as error:
            return self.refusal(now, version, error)
        return InUse(model, version, generation=now.generation + 1)

    @staticmethod
    def refusal(now: InUse[Loaded], version: str, error: ProjectError) -> InUse[Loaded]:
        at = time.monotonic()
        if (now.refused, now.error) == (version, str(error)):
            return replace(now, refused_at=at)  # the same refusal: nothing new to report
        generation = now.generation + 1
        return replace(now, refused=version, error=str(error), generation=generation, refused_at=at)
