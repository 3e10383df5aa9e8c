"""Workflow: make an earlier model version current again; nothing is ever deleted."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.store import Event, check_files, open_store


def rollback(settings: Settings, to: str | None = None) -> Event:
    """Make `to` current, or the version that was current before the current one.

    `to` must be a version the store lists (a plain name, never a path). Every file of the target
    is checked against its SHA-256 and the pickle is loaded before anything changes, so a
    rollback never makes current a model that some process could not load.
    """
    store = open_store(settings)
    current = store.current()
    if to is None:
        promotions = [event for event in store.events() if event.promoted]
        last = promotions[-1] if promotions else None
        # The last logged promotion is the current model's, unless a run was killed after it
        # changed the current model and before it logged that: then back to the logged one.
        to = None if last is None else last.previous if last.version == current else last.version
        if to is None:
            msg = f"nothing to roll back to: '{current}' is the first model ever made current"
            raise ModelNotFoundError(msg)
    if to == current:
        msg = f"'{to}' is already the current model"
        raise ModelNotFoundError(msg)
    check_files(store, to)  # the export the API serves, the profile monitoring reads
    store.load(to)  # the pickle, and the libraries it needs
    return store.promote(to, action="rollback", reason=f"rolled back from {current} to {to}")
