"""Workflow: draft `schema.py` from a team's table, or check a table against the current schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.columns.drafting import (
    MAX_CATEGORIES,
    Decision,
    draft_schema,
    source,
)
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataValidationError, SchemaError
from {{ cookiecutter.package_name }}.fs.atomic import write_text
from {{ cookiecutter.package_name }}.schema import SCHEMA


@dataclass(frozen=True)
class Drafted:
    path: Path
    decisions: list[Decision]
    features: int


@dataclass(frozen=True)
class Checked:
    rows: int
    problems: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.problems


def schema_file() -> Path:
    """This project's `src/<package>/schema.py`; refused outside a checkout of the project."""
    from {{ cookiecutter.package_name }} import schema

    path = Path(schema.__file__)
    if not (path.parents[2] / "pyproject.toml").is_file():
        msg = (
            f"the package is installed at {path.parent}, not run from the project's folder:"
            " run `schema infer` in the project (uv run ...), or pass --output"
        )
        raise SchemaError(msg)
    return path


def infer_schema(
    settings: Settings,
    location: tables.Location,
    target: str,
    *,
    positive: str | None = None,
    max_categories: int = MAX_CATEGORIES,
    output: Path | None = None,
    force: bool = False,
    command: str = "",
) -> Drafted:
    """Draft the schema of the table at `location` and write it to `output` (schema.py).

    An existing file is replaced only with `force`. Nothing is written when the draft is refused.
    """
    del settings  # the schema describes data, not settings; kept for a uniform signature
    path = output or schema_file()
    if path.exists() and not force:
        msg = f"{path} exists: pass --force to replace it (then review the change with git diff)"
        raise SchemaError(msg)
    table = tables.read_table(location)
    draft = draft_schema(
        table, target, problem.TARGET_KINDS, positive=positive, max_categories=max_categories
    )
    text = source(draft, command or f"schema infer {location} --target {target}")
    compile(text, str(path), "exec")  # a draft that is not valid Python is never written
    write_text(path, text)
    return Drafted(path, draft.decisions, len(draft.schema.features))


def check_schema(settings: Settings, location: tables.Location) -> Checked:
    """Whether the table at `location` still matches `schema.py`: every problem, and the
    columns the schema does not use."""
    del settings
    table = tables.read_table(location)
    known = {*SCHEMA.names, SCHEMA.target.name}
    unused = [str(name) for name in table.columns if name not in known]
    try:
        validate(table)
    except DataValidationError as error:
        return Checked(len(table), error.problems, unused)
    return Checked(len(table), [], unused)
