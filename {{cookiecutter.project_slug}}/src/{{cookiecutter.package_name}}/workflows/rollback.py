"""Workflow: make an earlier model version current again; nothing is ever deleted."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.store import Event, open_store


def rollback(settings: Settings, to: str | None = None) -> Event:
    """Make `to` current, or the version that was current before the current one.

    `to` must be a version the store lists (a plain name, never a path). The target is loaded
    (checksum and library checks) before anything changes, so a rollback never leaves a model in
    place that cannot load.
    """
    store = open_store(settings)
    current = store.current()
    if to is None:
        promotions = [event for event in store.events() if event.promoted]
        to = promotions[-1].previous if promotions else None
        if to is None:
            msg = f"nothing to roll back to: '{current}' is the first model ever made current"
            raise ModelNotFoundError(msg)
    if to == current:
        msg = f"'{to}' is already the current model"
        raise ModelNotFoundError(msg)
    store.load(to)
    return store.promote(to, action="rollback", reason=f"rolled back from {current} to {to}")
