"""The documentation's reference pages (reference.py) name everything the code has: a setting,
a command, a route or a column added without its entry fails here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from {{ cookiecutter.package_name }} import reference
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Settings, setting_names
from {{ cookiecutter.package_name }}.schema import SCHEMA

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome


def test_every_setting_is_in_the_reference_with_its_meaning() -> None:
    text = reference.settings_page()
    for variable in setting_names():
        assert f"| `{variable}` |" in text, f"{variable} is missing from the settings reference"
    for group, group_field in Settings.model_fields.items():
        for name, field in group_field.annotation.model_fields.items():  # type: ignore[union-attr]
            assert field.description, f"{group}.{name} has no description for the reference"


def test_every_command_and_option_is_in_the_reference() -> None:
    text = reference.cli_page()
    click_app = typer.main.get_command(app)
    names = [
        command.name or (command.callback.__name__ if command.callback else "")
        for command in app.registered_commands
    ]
    for group in app.registered_groups:
        sub = click_app.commands[group.name or ""]  # type: ignore[attr-defined]
        names += [f"{group.name} {name}" for name in sub.commands]
    assert names
    for name in names:
        assert f"## `{reference.PROGRAM} {name.replace('_', '-')}`" in text, name
    train = click_app.commands["train"]  # type: ignore[attr-defined]
    for param in train.params:
        if param.name != "help" and not param.hidden:
            assert any(f"`{opt}`" in text for opt in param.opts), param.opts
{%- if cookiecutter.api == "flask" %}


def test_every_route_of_the_service_is_in_the_reference(
    trained: TrainingOutcome, settings: Settings
) -> None:
    from {{ cookiecutter.package_name }}.api.app import create_app

    text = reference.http_page()
    service = create_app(settings.with_overrides(**{"api.allow_anonymous": True}))
    for rule in service.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            assert f"## `{method} {rule.rule}`" in text, f"{method} {rule.rule} is undocumented"
{%- endif %}


def test_every_column_and_the_target_are_in_the_reference() -> None:
    text = reference.schema_page()
    for column in SCHEMA.features:
        assert f"| `{column.name}` |" in text
    target = SCHEMA.target
    assert f"| `{target.name}` |" in text
    for label in target.classes:
        assert f"`{label}`" in text, f"the target's class {label!r} is not in the reference"
    if target.minimum is not None:
        assert f"{target.minimum} to" in text, "a number target's range is not in the reference"
    for feature in SCHEMA.derived:
        assert f"| `{feature.name}` |" in text


def test_the_model_page_describes_the_current_model_or_says_there_is_none(
    settings: Settings, tmp_path: Path
) -> None:
    empty = reference.model_page(settings)
    assert "No model to describe" in empty
    assert f"{reference.PROGRAM} train" in empty


def test_the_model_page_shows_the_card_and_the_latest_drift(
    trained: TrainingOutcome, settings: Settings
) -> None:
    from {{ cookiecutter.package_name }}.columns.sample import make_dataset
    from {{ cookiecutter.package_name }}.workflows.monitor import monitor

    text = reference.model_page(settings)
    assert f"| version | {trained.version} |" in text
    assert "None yet" in text
    batch = Path(settings.data.dir) / "batch.parquet"
    batch.parent.mkdir(parents=True, exist_ok=True)
    make_dataset(500, seed=5).to_parquet(batch)
    monitor(settings, str(batch))
    assert "| batch | " in reference.model_page(settings)


def test_pages_are_written_and_an_unchanged_page_is_left_alone(
    settings: Settings, tmp_path: Path
) -> None:
    written = reference.write_pages(tmp_path / "generated", settings)
    assert {path.name for path in written} == set(reference.pages(settings))
    assert all(path.read_text(encoding="utf-8").startswith(reference.GENERATED) for path in written)
    before = {path: path.stat().st_mtime_ns for path in written}
    reference.write_pages(tmp_path / "generated", settings)
    assert {path: path.stat().st_mtime_ns for path in written} == before
