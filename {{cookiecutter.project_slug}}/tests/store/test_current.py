"""The model in use in a long-running process (the API's workers, the web app): the reload rule."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.store import LoadedModel, open_store
from {{ cookiecutter.package_name }}.store import current as current_module
from {{ cookiecutter.package_name }}.store.current import CurrentModel
from {{ cookiecutter.package_name }}.store.files import MODEL_FILE
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome


def test_a_version_refused_for_a_damaged_file_is_served_once_the_file_is_repaired(
    settings: Settings, trained: TrainingOutcome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every process tries a refused version again after RETRY_SECONDS: repairing the file ends
    the refusal everywhere, rather than leaving processes that refused it for good."""
    store = open_store(settings)
    holder: CurrentModel[LoadedModel] = CurrentModel(store, store.load, reload_seconds=0)
    assert holder.get().version == trained.version
    second = store.save(store.load().model, {})
    store.promote(second, action="train", reason="promoted, then damaged on disk")
    model = settings.models.dir / second / MODEL_FILE
    whole = model.read_bytes()
    model.write_bytes(whole[:-1])
    refused = holder.get()
    assert (refused.version, refused.refused) == (trained.version, second)
    assert "does not match the SHA-256" in (refused.error or "")
    model.write_bytes(whole)
    assert holder.get().refused == second, "not tried again before RETRY_SECONDS"
    monkeypatch.setattr(current_module, "RETRY_SECONDS", 0.0)
    repaired = holder.get()
    assert (repaired.version, repaired.refused, repaired.error) == (second, None, None)
    assert repaired.generation > refused.generation
