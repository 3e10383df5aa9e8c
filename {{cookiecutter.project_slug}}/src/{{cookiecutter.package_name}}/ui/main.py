"""The app, once per interaction: the settings, the scorer, then the page the visitor is on.

The model is loaded once per server process (`st.cache_resource`) and shared by every session;
each interaction asks the holder for the model to use, so a newly promoted one is picked up
within `ui.model_reload_seconds` without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import streamlit as st

from {{ cookiecutter.package_name }}.config import Settings, load_settings
from {{ cookiecutter.package_name }}.errors import SettingsError
from {{ cookiecutter.package_name }}.store import LoadedModel, open_store
from {{ cookiecutter.package_name }}.store.current import CurrentModel
{%- if cookiecutter.api == "flask" %}
from {{ cookiecutter.package_name }}.ui.remote import RemoteScorer
{%- endif %}
from {{ cookiecutter.package_name }}.ui.scoring import LocalScorer, Scorer
from {{ cookiecutter.package_name }}.ui.show import literal, show_error
from {{ cookiecutter.package_name }}.ui.views import Context, card, drift, record, upload

# Each page: what draws it, its title and its URL path (the first page is at the root). No icons:
# a page's icon becomes the browser's favicon, fetched from Google's servers.
PAGES: list[tuple[Callable[[Context], None], str, str]] = [
    (record.render, "Score a record", "record"),
    (upload.render, "Score a file", "file"),
    (card.render, "Model card", "model"),
    (drift.render, "Drift", "drift"),
]


@st.cache_resource(show_spinner=False)
def shared_holder(
    models: str, folder: str, reload_seconds: float, _settings: Settings
) -> CurrentModel[LoadedModel]:
    """One holder per models setting (`models`, as JSON, in the working `folder`: models.dir may
    be relative), shared by every session; the API's rule replaces the model it holds."""
    store = open_store(_settings)
    return CurrentModel(store, store.load, reload_seconds)


def scorer_for(settings: Settings) -> Scorer:
{%- if cookiecutter.api == "flask" %}
    if settings.ui.api_url is not None:
        return RemoteScorer(settings)
{%- endif %}
    models, folder = settings.models.model_dump_json(), str(Path.cwd())
    holder = shared_holder(models, folder, settings.ui.model_reload_seconds, settings)
    return LocalScorer(settings, holder.get())


def main(settings: Settings | None = None) -> None:
    """Draw the page the visitor is on; `settings` default to the environment's and .env's."""
    st.set_page_config(page_title="{{ cookiecutter.project_slug }}", layout="wide")
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as error:
            show_error(error)
            return
    context = Context(settings, scorer_for(settings))
    page = st.navigation(
        [
            st.Page(partial(render, context), title=title, url_path=path)
            for render, title, path in PAGES
        ]
    )
    if context.scorer.problem:
        st.warning(literal(context.scorer.problem))
    page.run()
