"""Workflow: draft `schema.py` from a team's table, or check a table against the current schema.

Drafting never imports `schema.py`: it is the repair of a schema.py that does not load, so it must
work while the rest of the project cannot.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.drafting import (
    MAX_CATEGORIES,
    Decision,
    draft_schema,
    source,
)
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataValidationError, SchemaError
from {{ cookiecutter.package_name }}.fs.atomic import write_text

PACKAGE = Path(__file__).resolve().parents[1]


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
    left_out: str = ""  # the rows without a target, in words

    @property
    def matches(self) -> bool:
        return not self.problems


def schema_file() -> Path:
    """This project's `src/<package>/schema.py`; refused outside a checkout of the project."""
    path = PACKAGE / "schema.py"
    if not (PACKAGE.parents[1] / "pyproject.toml").is_file():
        msg = (
            f"the package is installed at {PACKAGE}, not run from the project's folder:"
            " run `schema infer` in the project (uv run ...), or pass --output"
        )
        raise SchemaError(msg)
    return path


def target_kinds() -> tuple[str, ...]:
    """The target kinds problem.py learns (its TARGET_KINDS), read from its source: importing
    problem.py imports schema.py, which may be the very file being repaired."""
    path = PACKAGE / "problem.py"
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names: list[ast.expr]
        if isinstance(node, ast.AnnAssign):
            names, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            names, value = node.targets, node.value
        else:
            continue
        if value is not None and any(
            isinstance(name, ast.Name) and name.id == "TARGET_KINDS" for name in names
        ):
            return tuple(ast.literal_eval(value))
    msg = f"{path} declares no TARGET_KINDS (the target kinds it learns), see modeling/contract.py"
    raise SchemaError(msg)


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
        table, target, target_kinds(), positive=positive, max_categories=max_categories
    )
    text = source(draft, command or f"schema infer {location} --target {target}")
    compile(text, str(path), "exec")  # a draft that is not valid Python is never written
    write_text(path, text)
    return Drafted(path, draft.decisions, len(draft.schema.features))


def check_schema(settings: Settings, location: tables.Location) -> Checked:
    """Whether the table at `location` still matches `schema.py`: every problem, and the
    columns the schema does not use. Rows without a target are left out as training leaves
    them out (counted), unless the training.unlabelled setting refuses them."""
    from {{ cookiecutter.package_name }}.columns.validation import validate
    from {{ cookiecutter.package_name }}.schema import SCHEMA
    from {{ cookiecutter.package_name }}.workflows.train import (
        labelled_rows,
        refuses_unlabelled,
        unlabelled_note,
    )

    table = tables.read_table(location)
    known = {*SCHEMA.names, SCHEMA.target.name}
    unused = [str(name) for name in table.columns if name not in known]
    try:
        labelled, unlabelled = labelled_rows(table, refuse_unlabelled=refuses_unlabelled(settings))
        validate(labelled)
    except DataValidationError as error:
        return Checked(len(table), error.problems, unused)
    return Checked(len(table), [], unused, unlabelled_note(unlabelled, str(location)))
