"""The documentation site's reference pages, generated from the code so that they cannot drift
from it: every setting (config.py), every command and option of the command line (cli/),
{%- if cookiecutter.api == "flask" %}
the HTTP API (its OpenAPI document),
{%- endif %}
the columns and target (schema.py), and the current model's card with the latest drift report.

`docs/conf.py` writes them into `docs/generated/` each time the site is built (`nox -s docs`), so
the site always describes the code it was built from, and the model the settings point at.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from {{ cookiecutter.package_name }}.config import Settings

PROGRAM = "{{ cookiecutter.project_slug }}"
GENERATED = "<!-- Generated from the code when the site is built: edit the code, not this page. -->"


def cell(value: object) -> str:
    """Text for a Markdown table's cell: one line, pipes escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def table(header: tuple[str, ...], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return [*lines, ""]


def page(title: str, intro: str, body: list[str]) -> str:
    return "\n".join([GENERATED, "", f"# {title}", "", intro, "", *body]).rstrip() + "\n"


# Settings ------------------------------------------------------------------------------------


def shown_default(field: FieldInfo) -> str:
    from pydantic import SecretStr

    value = field.get_default(call_default_factory=True)
    if value is None or isinstance(value, SecretStr):
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict | list | tuple):
        return f"`{json.dumps(value)}`" if value else "empty"
    return f"`{value}`"


def allowed(field: FieldInfo) -> str:
    """The values a setting takes beyond its type: a range, or a list of choices."""
    import annotated_types

    signs = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    said = []
    for rule in field.metadata:
        if isinstance(rule, annotated_types.BaseMetadata):
            said += [
                f"{sign} {getattr(rule, name)}"
                for name, sign in signs.items()
                if hasattr(rule, name)
            ]
    choices = [str(arg) for arg in typing.get_args(field.annotation) if isinstance(arg, str)]
    if typing.get_origin(field.annotation) is typing.Literal:
        said.append("one of " + ", ".join(f"`{choice}`" for choice in choices))
    return f" ({'; '.join(said)})" if said else ""


def settings_page() -> str:
    from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings, env_name

    body = []
    for group, group_field in Settings.model_fields.items():
        model = typing.cast("type[Any]", group_field.annotation)
        rows: list[tuple[object, ...]] = [
            (
                f"`{env_name(group, name)}`",
                shown_default(field),
                f"{field.description}{allowed(field)}",
            )
            for name, field in model.model_fields.items()
        ]
        body += [f"## {group}", "", *table(("variable", "default", "meaning"), rows)]
    intro = (
        f"Every setting, by the environment variable that sets it (prefix `{ENV_PREFIX}`), with its"
        " default. A `.env` file in the working directory sets them too; `settings` prints the"
        " values in effect, secrets masked. How they combine: [How settings work](../settings.md)."
    )
    return page("Settings", intro, body)


# The command line ----------------------------------------------------------------------------


# Typer's commands and parameters are click's (vendored by recent Typer): read by their attributes.
def commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every command below `group`, sub-commands included, by its full name."""
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if command.hidden:
            continue
        full = (*path, name)
        if hasattr(command, "commands"):  # a group of commands
            yield from commands(command, full)
        else:
            yield " ".join(full), command


def option_rows(command: Any) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for param in command.params:
        if getattr(param, "hidden", False) or param.name == "help":
            continue
        if param.param_type_name == "argument":
            name = f"`{(param.name or '').upper()}`"
            kind = "argument" if param.required else "optional argument"
        else:
            name = ", ".join(f"`{opt}`" for opt in (*param.opts, *param.secondary_opts))
            kind = "option"
        default = param.default
        shown = "" if default is None or callable(default) or default is False else f"`{default}`"
        help_text = getattr(param, "help", None) or ""
        rows.append((name, kind, shown, help_text))
    return rows


def cli_page() -> str:
    import typer

    from {{ cookiecutter.package_name }}.cli import app

    body = []
    for name, command in commands(typer.main.get_command(app)):
        summary = (command.help or "").strip().split("\n\n")[0]
        body += [f"## `{PROGRAM} {name}`", "", " ".join(summary.split()), ""]
        rows = option_rows(command)
        if rows:
            body += table(("name", "kind", "default", "meaning"), rows)
    module = "{{ cookiecutter.package_name }}"
    intro = (
        f"Every command of `{PROGRAM}` (also `python -m {module}`), with its"
        " arguments and options; `--help` on any command prints the same. Exit codes: 0 success,"
        " 1 failure, 2 bad usage. Errors are one line; `--verbose` adds the traceback."
    )
    return page("Command line", intro, body)
{%- if cookiecutter.api == "flask" %}


# The HTTP API --------------------------------------------------------------------------------


def http_page() -> str:
    from {{ cookiecutter.package_name }}.api.openapi import openapi_document
    from {{ cookiecutter.package_name }}.api.settings import ApiSettings

    document = openapi_document(ApiSettings().max_batch)
    body = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            key = "an API key" if operation.get("security") else "no key"
            body += [f"## `{method.upper()} {path}`", "", f"{operation['summary']} ({key}).", ""]
            responses = [
                (f"`{status}`", response["description"])
                for status, response in operation["responses"].items()
            ]
            body += table(("status", "meaning"), responses)
    record = document["components"]["schemas"]["Record"]
    fields = [
        (f"`{name}`", json.dumps(rule, sort_keys=True), name in record.get("required", []))
        for name, rule in record["properties"].items()
    ]
    body += ["## A record", "", *table(("field", "rule", "required"), fields)]
    intro = (
        "Every route of the service, from the OpenAPI document it serves at `/openapi.json`."
        " Keys, limits, errors and operations: [Serve the model over HTTP](../serving.md)."
    )
    return page("HTTP API", intro, body)
{%- endif %}


# The columns ---------------------------------------------------------------------------------


def value_range(low: object, high: object) -> str:
    if low is None and high is None:
        return ""
    return f"{'' if low is None else low} to {'' if high is None else high}"


def column_rule(column: Any) -> str:
    if column.categories:
        return "one of " + ", ".join(f"`{value}`" for value in column.categories)
    if column.kind == "date":
        return value_range(column.earliest, column.latest)
    return value_range(getattr(column, "minimum", None), getattr(column, "maximum", None))


def schema_page() -> str:
    from {{ cookiecutter.package_name }}.schema import SCHEMA

    rows: list[tuple[object, ...]] = [
        (f"`{column.name}`", column.kind, column_rule(column), column.nullable, column.description)
        for column in SCHEMA.features
    ]
    header = ("column", "type", "values", "may be missing", "meaning")
    body = ["## Features", "", *table(header, rows)]
    target = SCHEMA.target
    classes = ", ".join(f"`{label}`" for label in target.classes)
    said = f"classes {classes}" if classes else value_range(target.minimum, target.maximum)
    body += ["## Target", "", *table(("column", "type", "values", "meaning"), [
        (f"`{target.name}`", target.kind, said, target.description)
    ])]  # fmt: skip
    if SCHEMA.derived:
        derived = [
            (f"`{feature.name}`", feature.formula, ", ".join(feature.inputs), feature.description)
            for feature in SCHEMA.derived
        ]
        body += ["## Derived features", "", *table(("name", "formula", "from", "meaning"), derived)]
    intro = (
        "The columns every workflow checks, from `schema.py`: a file, a query or a request that"
        " breaks these rules is refused with every problem listed. Change them: [Your own"
        " data](../your-data.md)."
    )
    return page("Columns and target", intro, body)


# The current model ---------------------------------------------------------------------------


def model_page(settings: Settings) -> str:
    from {{ cookiecutter.package_name }}.errors import ProjectError
    from {{ cookiecutter.package_name }}.store import open_store

    intro = (
        f"The model in use where the settings point (`{settings.models.dir}`) when the site was"
        " built, and the latest drift report. Build the site again after `train` or `monitor`."
    )
    try:
        metadata = open_store(settings).metadata()
    except ProjectError as error:
        body = [f"No model to describe: {error}.", "", f"Train one with `{PROGRAM} train`.", ""]
        return page("The current model", intro, body + drift_section(settings))
    facts = [
        ("version", metadata.get("version")),
        ("created", metadata.get("created_at")),
        ("family", metadata.get("family")),
        ("trained on", (metadata.get("training_data") or {}).get("location")),
        ("rows", (metadata.get("training_data") or {}).get("rows")),
        ("quality gate passed", (metadata.get("quality_gate") or {}).get("passed")),
    ]
    metrics = metadata.get("metrics") or {}
    body = ["## Card", "", *table(("", ""), [(name, value) for name, value in facts])]
    body += ["## Metrics on its holdout", "", *table(("metric", "value"), sorted(metrics.items()))]
    return page("The current model", intro, body + drift_section(settings))


def drift_section(settings: Settings) -> list[str]:
    reports = sorted(
        Path(settings.reports.dir).glob("monitoring/*/drift.json"),
        key=lambda path: path.stat().st_mtime,
    )
    if not reports:
        none_yet = f"None yet: `{PROGRAM} monitor BATCH` writes one."
        return ["## Latest drift report", "", none_yet, ""]
    latest = json.loads(reports[-1].read_text(encoding="utf-8"))
    drifted = ", ".join(f"`{name}`" for name in latest.get("drifted", [])) or "none"
    facts = [
        ("report", reports[-1].parent.name),
        ("batch", latest.get("batch")),
        ("rows", latest.get("rows")),
        ("drift found", latest.get("drift")),
        ("drifted", drifted),
    ]
    return ["## Latest drift report", "", *table(("", ""), facts)]


def pages(settings: Settings) -> dict[str, Callable[[], str]]:
    """Each generated page by its file name."""
    return {
        "settings.md": settings_page,
        "cli.md": cli_page,
{%- if cookiecutter.api == "flask" %}
        "http-api.md": http_page,
{%- endif %}
        "schema.md": schema_page,
        "model.md": lambda: model_page(settings),
    }


def write_pages(folder: Path, settings: Settings) -> list[Path]:
    """Write every generated page into `folder`; a page whose text is unchanged is left alone
    (so an incremental build rebuilds only what changed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in pages(settings).items():
        path = folder / name
        text = render()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
