"""What serves the model loads the version under the alias, and follows the alias when it moves
(at most every reload interval, as with the models folder), locally and through a real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.rollback import rollback
from {{ cookiecutter.package_name }}.workflows.train import train


@pytest.fixture(params=["local", pytest.param("server", marks=pytest.mark.mlflow)])
def two_versions(request: pytest.FixtureRequest) -> tuple[Settings, str, str]:
    """Two promoted versions (the second under the alias), in the local database or on the
    real server; returns the settings and both versions."""
    source = "tracked" if request.param == "local" else "served"
    settings: Settings = request.getfixturevalue(source)
    first = train(settings).version
    second = train(settings.with_overrides(**{"training.seed": 13})).version
    return settings, first, second


def records(rows: int) -> list[dict[str, Any]]:
    return api_records(make_dataset(rows, seed=3))


def test_predict_scores_with_the_alias(
    two_versions: tuple[Settings, str, str], tmp_path: Path
) -> None:
    settings, first, _ = two_versions
    rollback(settings)
    make_dataset(20, seed=3)[list(SCHEMA.names)].to_csv(tmp_path / "new.csv", index=False)
    result = CliRunner().invoke(app, ["predict", "new.csv", "scored.csv"])
    assert result.exit_code == 0, result.output
    assert f"model {first}" in result.output
    assert len(pd.read_csv(tmp_path / "scored.csv")) == 20
{%- if cookiecutter.api == "flask" %}


def test_the_api_serves_the_alias_and_follows_it(two_versions: tuple[Settings, str, str]) -> None:
    from {{ cookiecutter.package_name }}.api.app import create_app

    settings, first, second = two_versions
    key = "tracking-test-key"
    api = create_app(
        settings.with_overrides(**{"api.keys": [key], "api.model_reload_seconds": 0})
    ).test_client()
    auth = {"Authorization": f"Bearer {key}"}

    def served_version() -> str:
        answer = api.post("/predict", json=records(5), headers=auth)
        assert answer.status_code == 200, answer.text
        return str(answer.get_json()["model_version"])

    assert served_version() == second
    assert api.get("/metadata", headers=auth).get_json()["runtime"] == "onnxruntime"
    rollback(settings)  # moves the alias back
    assert served_version() == first
    assert api.get("/ready").get_json()["model_version"] == first
{%- endif %}
{%- if cookiecutter.ui == "streamlit" %}


def test_the_app_scores_with_the_alias_and_follows_it(
    two_versions: tuple[Settings, str, str],
) -> None:
    from {{ cookiecutter.package_name }}.store import open_store
    from {{ cookiecutter.package_name }}.store.current import CurrentModel

    settings, first, second = two_versions
    store = open_store(settings)
    holder = CurrentModel(store, store.load, reload_seconds=0)  # the app's holder
    assert holder.get().version == second
    rollback(settings)
    assert holder.get().version == first
{%- endif %}
