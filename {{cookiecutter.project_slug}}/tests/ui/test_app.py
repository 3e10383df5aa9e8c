"""The app as a whole: its entry script, its settings, and the model it holds between interactions
(the API's reload rule: a promoted model from the next interaction, a broken one refused)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings
from {{ cookiecutter.package_name }}.store import LoadedModel, ModelStore, open_store
from {{ cookiecutter.package_name }}.store.current import CurrentModel
from {{ cookiecutter.package_name }}.store.files import CURRENT, MODEL_FILE
from {{ cookiecutter.package_name }}.ui import app as entry_script
from {{ cookiecutter.package_name }}.ui.scoring import LocalScorer
from {{ cookiecutter.package_name }}.ui.show import literal

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest
    from tests.ui.conftest import OpenApp

    from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

ENTRY = Path(str(entry_script.__file__))


def texts(elements: Any) -> str:
    return "\n".join(str(element.value) for element in elements)


def ran(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, texts(app.exception)
    return app


def another_version(settings: Settings, *, broken: bool = False) -> str:
    """A second version of the current model, promoted; `broken`: then its model file altered."""
    store = open_store(settings)
    version = store.save(store.load().model, {})
    store.promote(version, action="train", reason="a test promotes it")
    if broken:  # damaged once promoted: a promotion checks every file first
        model = settings.models.dir / version / MODEL_FILE
        model.write_bytes(model.read_bytes() + b"tampered")
    return version


def holder_of(store: ModelStore, reload_seconds: float) -> CurrentModel[LoadedModel]:
    """The app's holder of the model in use (`ui.main.shared_holder` without Streamlit's cache)."""
    return CurrentModel(store, store.load, reload_seconds)


def scored_by(app: AppTest) -> str:
    app.button[0].click()
    app = ran(app)
    assert not app.error, texts(app.error)
    return texts(app.caption)


def test_the_entry_script_runs_the_app_with_the_settings_of_where_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trained: TrainingOutcome
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(tmp_path)  # the default settings: models/ here, where `trained` put it
    app = ran(AppTest.from_file(str(ENTRY), default_timeout=60))
    assert app.header[0].value == "Score a record"
    assert literal(f"model {trained.version}") in texts(app.caption)


def test_an_invalid_setting_is_shown_instead_of_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(f"{ENV_PREFIX}UI_MODEL_RELOAD_SECONDS", "-1")
    app = ran(AppTest.from_file(str(ENTRY), default_timeout=60))
    assert literal(f"{ENV_PREFIX}UI_MODEL_RELOAD_SECONDS") in texts(app.error)
    assert not app.button


def test_a_newly_promoted_model_is_used_from_the_next_interaction(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome
) -> None:
    app = ran(open_app(app_settings))
    assert literal(f"by model {trained.version}") in scored_by(app)
    newer = another_version(app_settings)
    assert literal(f"by model {newer}") in scored_by(app)
    assert not app.warning


def test_a_model_that_fails_to_load_is_refused_and_the_one_in_use_stays(
    open_app: OpenApp, app_settings: Settings, trained: TrainingOutcome
) -> None:
    app = ran(open_app(app_settings))
    broken = another_version(app_settings, broken=True)
    app = ran(app)
    warning = texts(app.warning)
    assert literal(broken) in warning
    assert literal(f"the app keeps using model {trained.version}") in warning
    assert literal(f"by model {trained.version}") in scored_by(app)


def test_current_is_looked_at_no_more_often_than_the_setting_says(
    app_settings: Settings, trained: TrainingOutcome
) -> None:
    store = open_store(app_settings)
    holder = holder_of(store, 3600)
    assert holder.get().version == trained.version
    another_version(app_settings)
    assert holder.get().version == trained.version
    holder.checked_at -= 3600
    assert holder.get().version == store.current()


def test_a_refusal_ends_when_current_names_a_good_model_again(
    app_settings: Settings, trained: TrainingOutcome
) -> None:
    store = open_store(app_settings)
    holder = holder_of(store, 0)
    holder.get()
    another_version(app_settings, broken=True)
    assert "keeps using" in (LocalScorer(app_settings, holder.get()).problem or "")
    refused = LocalScorer(app_settings, holder.get()).problem or ""
    assert "keeps using" in refused, "a refused version stays refused"
    (app_settings.models.dir / CURRENT).write_text(trained.version + "\n", encoding="utf-8")
    in_use = holder.get()
    assert (in_use.version, in_use.error) == (trained.version, None)


def test_an_unreadable_current_keeps_the_model_in_use(
    app_settings: Settings, trained: TrainingOutcome
) -> None:
    holder = holder_of(open_store(app_settings), 0)
    holder.get()
    (app_settings.models.dir / CURRENT).write_text("../../elsewhere\n", encoding="utf-8")
    in_use = holder.get()
    assert in_use.version == trained.version
    assert "does not hold a version name" in (LocalScorer(app_settings, in_use).problem or "")


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("tenure_months", "tenure_months"),  # no emphasis inside a word: left as it is
        ("_id", r"\_id"),
        ("costs $5 and $6", r"costs \$5 and \$6"),  # not LaTeX
        ("*not bold*", r"\*not bold\*"),
        ("<b>no HTML</b>", r"\<b\>no HTML\</b\>"),
        ("[a](link) :smile:", r"\[a\](link) \:smile:"),
    ],
)
def test_messages_are_shown_as_written_not_as_markdown(text: str, markdown: str) -> None:
    assert literal(text) == markdown
    assert re.sub(r"\\(.)", r"\1", markdown) == text


def test_the_views_are_not_in_a_folder_streamlit_takes_for_its_own() -> None:
    """A `pages/` folder beside the entry script turns on Streamlit's other way of making pages,
    which hides the app's own navigation."""
    assert not (ENTRY.parent / "pages").exists()
