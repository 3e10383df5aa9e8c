"""Workflow: draft `schema.py` from a team's table, or check a table against the current schema.

Drafting never imports `schema.py`: it is the repair of a schema.py that does not load, so it must
work while the rest of the project cannot.
"""

from __future__ import annotations

import ast
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns import profile
from {{ cookiecutter.package_name }}.columns.drafting import (
    MAX_CATEGORIES,
    Decision,
    draft_chunks,
    source,
)
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import (
    DataError,
    DataValidationError,
    SchemaError,
)
from {{ cookiecutter.package_name }}.fs.atomic import write_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

PACKAGE = Path(__file__).resolve().parents[1]
MAX_COLUMNS = 10_000  # a wider table is refused before its rows are read
MAX_PROBLEMS = 50  # lines of problems `--check` lists; the rest are counted


@dataclass(frozen=True)
class Drafted:
    path: Path
    decisions: list[Decision]
    features: int
    rows: int = 0
    sampled: int = 0  # rows of the sample that decisions needing values read, if not all


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
    location = tables.locate(location, settings.data)
    path = output or schema_file()
    if path.exists() and not force:
        msg = f"{path} exists: pass --force to replace it (then review the change with git diff)"
        raise SchemaError(msg)
    columns = width(location)
    draft = draft_chunks(
        tables.read_chunks(location, profile.chunk_rows(columns), max_columns=MAX_COLUMNS),
        target,
        target_kinds(),
        positive=positive,
        max_categories=max_categories,
        sample_rows=profile.sample_rows(columns),
    )
    text = source(draft, command or f"schema infer {location} --target {target}")
    compile(text, str(path), "exec")  # a draft that is not valid Python is never written
    write_text(path, text)
    return Drafted(path, draft.decisions, len(draft.schema.features), draft.rows, draft.sampled)


def width(location: tables.Location) -> int:
    """The table's columns, from its first row; a table with no rows is refused."""
    with closing(tables.read_chunks(location, 1, max_columns=MAX_COLUMNS)) as chunks:
        first = next(chunks, None)
    if first is None or first.empty:
        msg = f"'{location}' has no rows"
        raise DataError(msg)
    return len(first.columns)


def chunks_of(location: tables.Location) -> Iterator[pd.DataFrame]:
    rows = profile.chunk_rows(width(location))
    yield from tables.read_chunks(location, rows, max_columns=MAX_COLUMNS)


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

    location = tables.locate(location, settings.data)
    known = {*SCHEMA.names, SCHEMA.target.name}
    unused: dict[str, None] = {}
    found: dict[str, list[tuple[int, int]]] = {}  # each problem, and the rows it was found in
    rows = unlabelled = chunks = 0
    refuse = refuses_unlabelled(settings)
    for chunk in chunks_of(location):
        unused.update((str(name), None) for name in chunk.columns if name not in known)
        try:
            labelled, left_out = labelled_rows(chunk, refuse_unlabelled=refuse)
            unlabelled += left_out
            validate(labelled)
        except DataValidationError as error:
            for problem in error.problems:
                found.setdefault(problem, []).append((rows + 1, rows + len(chunk)))
        rows += len(chunk)
        chunks += 1
    problems = listed(found, chunks)
    note = "" if problems else unlabelled_note(unlabelled, str(location))
    return Checked(rows, problems, list(unused), note)


def listed(found: dict[str, list[tuple[int, int]]], chunks: int) -> list[str]:
    """Each problem once: as it is when every chunk has it (a missing column), else with the
    rows of the first chunk it was found in; at most MAX_PROBLEMS lines."""
    lines = []
    for problem, ranges in found.items():
        if len(ranges) == chunks:
            lines.append(problem)
            continue
        (first, last), *more = ranges
        later = f" (and in {len(more):,} later chunk(s))" if more else ""
        lines.append(f"rows {first:,}-{last:,}: {problem}{later}")
    if len(lines) > MAX_PROBLEMS:
        lines = [*lines[:MAX_PROBLEMS], f"... and {len(lines) - MAX_PROBLEMS:,} more problem(s)"]
    return lines
