"""The web app under Streamlit's AppTest: each test runs the app's script in this process, with
the test's settings, and reads what the page shows.

`open_page(name, settings)` runs one page as it is drawn inside the app; `open_app(settings)`
runs the app's `main`, navigation and warnings included (it opens on the record page). A page
shows messages as Markdown: tests look for `literal(text)`, the text with its Markdown escaped.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }}.config import Settings

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

    from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

# Sessions that install a part of the libraries collect what they can import: `serve` has no
# Streamlit (so no app to test here), `ui` no Flask (so no API to score through).
if importlib.util.find_spec("streamlit") is None:
    collect_ignore_glob = ["test_*.py"]
elif importlib.util.find_spec("flask") is None:
    collect_ignore_glob = ["test_remote.py"]

TIMEOUT = 60  # seconds for one run of the script; the first one imports pandas and scikit-learn


# AppTest runs a copy of these two functions as the app's script: they import what they use, and
# their annotations are strings (the copy has no imports to resolve them with).


def draw_page(name: str, settings: "Settings") -> None:  # noqa: UP037
    """One page, drawn as the app draws it."""
    import importlib

    from {{ cookiecutter.package_name }}.ui.main import scorer_for
    from {{ cookiecutter.package_name }}.ui.views import Context

    module = importlib.import_module(f"{{ cookiecutter.package_name }}.ui.views.{name}")
    module.render(Context(settings, scorer_for(settings)))


def draw_app(settings: "Settings") -> None:  # noqa: UP037
    from {{ cookiecutter.package_name }}.ui.main import main

    main(settings)


OpenPage = Callable[[str, Settings], "AppTest"]
OpenApp = Callable[[Settings], "AppTest"]


@pytest.fixture
def open_page() -> OpenPage:
    """`open_page(name, settings)`: one page of the app (ui/views/<name>.py), not run yet."""
    from streamlit.testing.v1 import AppTest

    def opened(name: str, settings: Settings) -> AppTest:
        kwargs = {"name": name, "settings": settings}
        return AppTest.from_function(draw_page, kwargs=kwargs, default_timeout=TIMEOUT)

    return opened


@pytest.fixture
def open_app() -> OpenApp:
    """`open_app(settings)`: the whole app (it opens on the record page), not run yet."""
    from streamlit.testing.v1 import AppTest

    def opened(settings: Settings) -> AppTest:
        kwargs = {"settings": settings}
        return AppTest.from_function(draw_app, kwargs=kwargs, default_timeout=TIMEOUT)

    return opened


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    """The test's settings, with the app looking for a new model on every interaction."""
    return settings.with_overrides(**{"ui.model_reload_seconds": 0})


@pytest.fixture
def with_reports(
    app_settings: Settings, trained_once: tuple[Path, TrainingOutcome], trained: TrainingOutcome
) -> Settings:
    """A trained model and the evaluation report that `train` wrote for it (its plots)."""
    models, outcome = trained_once
    report = models.parent / "reports" / outcome.version
    shutil.copytree(report, app_settings.reports.dir / outcome.version)
    return app_settings
