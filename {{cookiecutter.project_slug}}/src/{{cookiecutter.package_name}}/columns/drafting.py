"""Draft `schema.py` from a team's own table: each column's kind, range, categories and gaps.

Every decision comes with its reason, so a person can review the draft in one read. Columns that
a model cannot use as they are (identifiers, constants, free text, too many categories) are left
out, each with a one-line reason; a date column is kept as a date, and its parts (year, month,
weekday, days since its first date) are proposed as derived features; a target that does not
fit the project's problem type is refused. The draft is Python source in the layout `ruff
format` keeps, so it passes the project's own checks as written.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.columns import Column, Kind, Label, Schema, Target
from {{ cookiecutter.package_name }}.columns.dates import parse_dates
from {{ cookiecutter.package_name }}.columns.derived import (
    DatePart,
    Derived,
    date_part,
)
from {{ cookiecutter.package_name }}.errors import SchemaError

MAX_CATEGORIES = 20
MAX_CLASSES = 50  # a target with more distinct values is not a set of classes
# What a date looks like: 2021-03-04 (and a time after it), 04/03/2021, 4.3.21, Mar 4 2021,
# 4 March 2021. Text that only pandas' lenient parser reads as a date ("T0001", "3", "may") is not.
DATE_SHAPE = (
    r"\d{4}-\d{1,2}-\d{1,2}([T ].*)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}( .*)?"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}( .*)?"
    r"|\d{1,2} [A-Za-z]{3,9}\.? \d{4}( .*)?"
)
CODE_SHAPE = r"[A-Za-z_-]*\d[A-Za-z0-9_./:-]*"  # N1A1, T0000123, CUST-0042
# The parts proposed for each date column, beside the days since its first date.
DATE_PARTS: tuple[DatePart, ...] = ("year", "month", "weekday")
MARGIN = 0.1  # ranges are widened by this share of the observed span on each side
LINE_LIMIT = 100


@dataclass(frozen=True)
class Decision:
    """What became of one column of the table, and why."""

    column: str
    outcome: str  # "feature", "target" or "left out"
    reason: str

    def __str__(self) -> str:
        if self.outcome == "left out":
            return f"left out {self.column!r}: {self.reason}"
        return f"{self.outcome} {self.column!r}: {self.reason}"


@dataclass(frozen=True)
class Draft:
    schema: Schema
    decisions: list[Decision]
    rows: int

    @property
    def derived(self) -> tuple[Derived, ...]:
        return self.schema.derived


def significant(value: float, digits: int = 4) -> float | int:
    """`value` rounded to a few significant digits, as an int when it is whole."""
    if value == 0 or not math.isfinite(value):
        return 0
    rounded = round(value, digits - 1 - math.floor(math.log10(abs(value))))
    return int(rounded) if float(rounded).is_integer() else rounded


def widened(low: float, high: float, *, whole: bool, margin: float) -> tuple[float, float, str]:
    """The observed range with a margin on each side, never below zero for non-negative data."""
    span = (high - low) or max(abs(high), 1.0)
    step = 10 ** (math.floor(math.log10(span * margin)) if span * margin > 0 else 0)
    minimum = math.floor((low - margin * span) / step) * step
    maximum = math.ceil((high + margin * span) / step) * step
    reason = f"a {margin:.0%} margin"
    if low >= 0 > minimum:
        minimum, reason = 0, f"a {margin:.0%} margin, and never negative like the data"
    if whole:
        minimum, maximum = math.floor(minimum), math.ceil(maximum)
    return significant(minimum, 6), significant(maximum, 6), reason


def looks_like_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return False
    sample = values.dropna().astype(str).str.strip().head(200)
    if not sample.str.fullmatch(DATE_SHAPE).mean() > 0.9:
        return False
    return bool(parse_dates(sample).notna().mean() > 0.9)


def identifier_reason(present: pd.Series) -> str | None:
    """Why a text column is an identifier (one value per row, or many codes), or None."""
    text = present.astype(str)
    distinct = text.nunique()
    if distinct == len(text) >= 20:
        return f"every value is different ({distinct} values like {text.iloc[0]!r}): an identifier"
    if distinct >= 20 and distinct > len(text) / 4 and text.str.fullmatch(CODE_SHAPE).mean() > 0.9:
        return f"holds {distinct} distinct codes like {text.iloc[0]!r}: an identifier"
    return None


def label(value: Any) -> Label:
    """A plain Python label: `1`, not `np.int64(1)`."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return str(value)


def gaps(values: pd.Series) -> dict[str, Any]:
    missing = float(values.isna().mean())
    if missing == 0:
        return {}
    return {"nullable": True, "missing_rate": max(significant(missing, 2), 0.0001)}


def number_column(name: str, values: pd.Series, margin: float) -> Column | str:
    present = values.dropna().astype("float64")
    whole = bool((present % 1 == 0).all())
    distinct = present.nunique()
    if whole and distinct == len(present) >= 20 and present.max() - present.min() < 2 * distinct:
        return "every value is a different whole number, close to a count (an identifier?)"
    minimum, maximum, _ = widened(present.min(), present.max(), whole=whole, margin=margin)
    observed = f"{significant(present.min())} to {significant(present.max())}"
    described = f"Observed {observed}."
    kind: Kind = "integer" if whole else "number"
    return Column(
        name,
        kind,
        described,
        minimum=minimum,
        maximum=maximum,
        mean=significant(float(present.mean())),
        std=significant(float(present.std(ddof=0))),
        **gaps(values),
    )


def category_column(name: str, values: pd.Series, max_categories: int) -> Column | str:
    present = values.dropna()
    distinct = present.nunique()
    if pd.api.types.is_bool_dtype(present):
        categories: tuple[Label, ...] = (False, True)
    elif distinct > max_categories:
        text = present.astype(str)
        if text.str.len().mean() >= 30 or text.str.contains(" ").mean() > 0.5:
            return f"holds free text ({distinct} distinct values); a model needs categories"
        identifier = identifier_reason(present)
        if identifier:
            return identifier
        return (
            f"has {distinct} distinct values, more than {max_categories}: group rare values,"
            " or raise --max-categories"
        )
    else:
        categories = tuple(sorted({label(value) for value in present}, key=str))
    return Column(
        name,
        "category",
        f"{len(categories)} categories.",
        categories=tuple(str(c) for c in categories) if mixed(categories) else categories,
        **gaps(values),
    )


def date_column(name: str, values: pd.Series) -> Column | str:
    parsed = parse_dates(values)
    wrong = values[values.notna() & parsed.isna()]
    if not wrong.empty:
        shown = ", ".join(map(repr, pd.unique(wrong.astype(str))[:3]))
        return (
            f"holds dates, and {len(wrong)} value(s) that are not ({shown}): correct them (or"
            " leave them empty) and draft again to keep it"
        )
    days = parsed.dropna()
    first, last = (day.date().isoformat() for day in (days.min(), days.max()))
    return Column(
        name, "date", f"Observed {first} to {last}.", earliest=first, latest=last, **gaps(values)
    )


def date_parts(column: Column) -> list[Derived]:
    """The parts of a date column a model learns from: its year, month and weekday, and the
    days since the first date observed (a trend)."""
    parts = [date_part(f"{column.name}_{part}", column.name, part) for part in DATE_PARTS]
    since = column.earliest or "1970-01-01"
    days = date_part(f"{column.name}_days_since", column.name, "days_since", since=since)
    return [*parts, days]


def mixed(labels: tuple[Label, ...]) -> bool:
    return len({type(value) for value in labels}) > 1


def feature(name: str, values: pd.Series, max_categories: int, margin: float) -> Column | str:
    """The column's declaration, or the reason it is left out."""
    present = values.dropna()
    if present.empty:
        return "holds no values (every row is missing)"
    if present.nunique() == 1:
        return f"has the same value ({label(present.iloc[0])!r}) in every row: nothing to learn"
    if looks_like_dates(values):
        return date_column(name, values)
    if pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present):
        return number_column(name, values, margin)
    return category_column(name, values, max_categories)


def choose_positive(
    values: pd.Series, classes: tuple[Label, ...], asked: str | None
) -> tuple[Label, str]:
    if asked is not None:
        matches = [value for value in classes if str(value) == asked]
        if not matches:
            msg = f"--positive-class {asked!r} is not a class of the target; it has {classes}"
            raise SchemaError(msg)
        return matches[0], "as --positive-class asks"
    for negative, positive in ((0, 1), (False, True)):
        if set(classes) == {negative, positive}:
            return positive, f"{positive!r} is the usual positive label"
    counts = values.map(label).value_counts()
    rarer = min(classes, key=lambda value: (counts.get(value, 0), str(value)))
    share = counts.get(rarer, 0) / counts.sum()
    return rarer, f"the rarer class ({share:.0%} of rows); --positive-class chooses another"


def class_target(
    name: str, values: pd.Series, positive: str | None, gap: str
) -> tuple[Target, str]:
    present = values.dropna()
    classes = tuple(sorted({label(value) for value in present}, key=str))
    if len(classes) < 2:
        msg = f"the target {name!r} holds one class ({classes}): a model needs two or more"
        raise SchemaError(msg)
    if len(classes) > MAX_CLASSES:
        msg = (
            f"the target {name!r} has {len(classes)} distinct values, more than {MAX_CLASSES}"
            " classes: pick a column of classes (this project predicts a class,"
            " problem_type=classification)"
        )
        raise SchemaError(msg)
    classes = tuple(str(value) for value in classes) if mixed(classes) else classes
    counts = present.map(label).astype(str).value_counts()
    rare = [c for c in classes if counts.get(str(c), 0) < 2]
    if rare:
        msg = (
            f"the target {name!r} has a class with a single row ({rare[0]!r}): a model cannot"
            " learn it and a holdout cannot hold it; drop or relabel those rows"
        )
        raise SchemaError(msg)
    if len(classes) > 2:
        if positive is not None:
            msg = (
                f"--positive-class: the target {name!r} has {len(classes)} classes, and only"
                " a two-class target has a positive class (here, the most probable is predicted)"
            )
            raise SchemaError(msg)
        shares = ", ".join(f"{c!r} {counts.get(str(c), 0) / counts.sum():.0%}" for c in classes)
        target = Target(name, "category", "The class to predict.", classes=classes)
        return target, f"{len(classes)} classes: {shares}{gap}"
    chosen, why = choose_positive(values, classes, positive)
    target = Target(name, "category", "The class to predict.", classes=classes, positive=chosen)
    return target, f"classes {list(classes)}; positive {chosen!r}: {why}{gap}"


def target_of(
    name: str, values: pd.Series, target_kinds: tuple[str, ...], positive: str | None
) -> tuple[Target, str]:
    present = values.dropna()
    unlabelled = int(values.isna().sum())
    gap = (
        f"; {unlabelled} row(s) without it are left out of training and evaluation"
        if unlabelled
        else ""
    )
    if present.empty:
        msg = f"the target {name!r} holds no values (every row is missing)"
        raise SchemaError(msg)
    if "category" in target_kinds:
        return class_target(name, values, positive, gap)
    if not pd.api.types.is_numeric_dtype(present) or pd.api.types.is_bool_dtype(present):
        msg = (
            f"the target {name!r} holds {present.dtype} values; this project predicts a number"
            " (problem_type=regression): pick a numeric column"
        )
        raise SchemaError(msg)
    numbers = present.astype("float64")
    whole = bool((numbers % 1 == 0).all())
    minimum, maximum, why = widened(numbers.min(), numbers.max(), whole=whole, margin=MARGIN)
    target = Target(
        name,
        "integer" if whole else "number",
        "The number to predict.",
        minimum=minimum,
        maximum=maximum,
        mean=significant(float(numbers.mean())),
        std=significant(float(numbers.std(ddof=0))),
    )
    return target, f"{target.kind} from {minimum} to {maximum} ({why}){gap}"


def draft_schema(
    table: pd.DataFrame,
    target: str,
    target_kinds: tuple[str, ...],
    *,
    positive: str | None = None,
    max_categories: int = MAX_CATEGORIES,
    margin: float = MARGIN,
) -> Draft:
    """A schema for `table`, with `target` as the column to predict."""
    if target not in table.columns:
        columns = ", ".join(map(repr, table.columns[:10]))
        msg = f"the table has no column {target!r} to predict; its columns: {columns}"
        raise SchemaError(msg)
    decisions = []
    declared, reason = target_of(target, table[target], target_kinds, positive)
    decisions.append(Decision(target, "target", reason))
    features = []
    derived: list[Derived] = []
    for name in table.columns:
        if name == target:
            continue
        column = feature(str(name), table[name], max_categories, margin)
        if isinstance(column, str):
            decisions.append(Decision(str(name), "left out", column))
            continue
        features.append(column)
        parts = date_parts(column) if column.is_date else []
        derived += parts
        decisions.append(Decision(str(name), "feature", explain(column, parts)))
    if not features:
        msg = "no column of the table can be a feature: see the reasons above"
        raise SchemaError(msg)
    return Draft(Schema(tuple(features), declared, tuple(derived)), decisions, len(table))


def explain(column: Column, parts: list[Derived]) -> str:
    if column.is_date:
        names = ", ".join(part.name for part in parts)
        described = f"date from {column.earliest} to {column.latest}; derived: {names}"
    elif column.categories:
        shown = ", ".join(map(repr, column.categories[:6]))
        more = f", ... ({len(column.categories)})" if len(column.categories) > 6 else ""
        described = f"category: {shown}{more}"
    else:
        described = f"{column.kind} from {column.minimum} to {column.maximum}"
    if column.nullable:
        described += f"; {column.missing_rate:.1%} missing"
    return described


# Writing the draft as Python source ---------------------------------------------------------


def quoted(text: str) -> str:
    """A string literal as `ruff format` writes it: double quotes unless that needs escapes."""
    if '"' in text and "'" not in text:
        return "'" + text.replace("\\", "\\\\") + "'"
    return json.dumps(text, ensure_ascii=False)


def literal(value: Any) -> str:
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(literal(item) for item in value) + ")"
    return repr(value)


def argument(indent: str, name: str | None, value: Any) -> list[str]:
    prefix = f"{indent}{name}=" if name else indent
    line = f"{prefix}{literal(value)},"
    if not isinstance(value, tuple) or (len(value) > 1 and len(line) <= LINE_LIMIT):
        return [line if len(line) <= LINE_LIMIT else f"{line}  # noqa: E501"]
    items = [f"{indent}    {literal(item)}," for item in value]  # one per line, ruff keeps it
    return [f"{prefix}(", *items, f"{indent}),"]


def call(kind: str, positional: list[Any], keywords: dict[str, Any], indent: str) -> list[str]:
    inner = indent + "    "
    lines = [f"{indent}{kind}("]
    for value in positional:
        lines += argument(inner, None, value)
    for name, value in keywords.items():
        lines += argument(inner, name, value)
    return [*lines, f"{indent}),"]


def given(value: Any) -> bool:
    """Whether an argument differs from its default (0 and 0.0 are values, not defaults)."""
    return value is not None and value is not False and value != ()


def column_source(column: Column) -> list[str]:
    names: tuple[str, ...] = ("minimum", "maximum", "categories", "nullable", "missing_rate")
    names += ("mean", "std", "earliest", "latest")  # what shapes the sample
    keywords = {name: getattr(column, name) for name in names if given(getattr(column, name))}
    return call("Column", [column.name, column.kind, column.description], keywords, "    ")


def derived_source(feature: Derived) -> list[str]:
    """A proposed date part as source (a draft proposes no other derived feature)."""
    keywords = {"since": feature.since} if feature.since else {}
    return call("date_part", [feature.name, feature.inputs[0], feature.part], keywords, "    ")


def target_source(target: Target) -> list[str]:
    names = ("classes", "positive", "minimum", "maximum", "mean", "std")
    keywords = {name: getattr(target, name) for name in names if given(getattr(target, name))}
    lines = call("Target", [target.name, target.kind, target.description], keywords, "")
    lines[-1] = ")"
    return lines


def command_lines(command: str) -> str:
    """The command that made the draft, indented, broken before `--` options if it is long."""
    if len(command) + 4 <= LINE_LIMIT:
        return f"    {command}"
    head, _, options = command.partition(" --")
    return f"    {head}\n        --{options}" if options else f"    {command}"


TITLE = (
    "The data this project learns from, declared once: every column, its kind and allowed values."
)


def source(draft: Draft, command: str) -> str:
    """`schema.py` for the draft; `command` is how it was made, for the docstring."""
    header = f'''"""{TITLE}

Drafted from {draft.rows:,} rows by:

{command_lines(command)}

Review it: descriptions, ranges, categories, and which class is positive. Validation of files, the
API's request schema, the embedded sample dataset, drift monitoring and the tests all follow this
file; `schema infer --check FILE` tells whether a file still matches it.
"""

{IMPORTS[bool(draft.derived)]}

FEATURES = (
'''
    body = [line for column in draft.schema.features for line in column_source(column)]
    target = target_source(draft.schema.target)
    target[0] = "TARGET = " + target[0]
    derived = [line for feature in draft.derived for line in derived_source(feature)]
    lines = [*body, ")", *target, "", DERIVED_COMMENT]
    lines += ["DERIVED = (", *derived, ")"] if derived else ["DERIVED = ()"]
    lines += ["", "SCHEMA = Schema(FEATURES, TARGET, DERIVED)"]
    return header + "\n".join(lines) + "\n"


IMPORTS = {
    False: "from .columns import Column, Schema, Target",
    True: "from .columns import Column, Schema, Target\nfrom .columns.derived import date_part",
}
DERIVED_COMMENT = (
    "# Features computed from the columns above, for training and every predictor alike: ratio,"
    "\n# difference, log, bins and date_part (columns/derived.py). The model reads them, not dates."
)
