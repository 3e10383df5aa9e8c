"""Draft `schema.py` from a team's own table: each column's kind, range, categories and gaps.

Every decision comes with its reason, so a person can review the draft in one read. Columns that
a model cannot use as they are (identifiers, constants, free text, too many categories) are left
out, each with a one-line reason; a date column is kept as a date, and its parts (year, month,
weekday, days since its first date) are proposed as derived features; a target that does not
fit the project's problem type is refused. The draft is Python source in the layout `ruff
format` keeps, so it passes the project's own checks as written.

Decisions read each column's whole-table facts and its values in a sample (profile.py), so a
file larger than memory is drafted in chunks; a table that fits in the sample is its own sample.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from {{ cookiecutter.package_name }}.columns import Column, Kind, Label, Schema, Target
from {{ cookiecutter.package_name }}.columns.derived import (
    DatePart,
    Derived,
    date_part,
)
from {{ cookiecutter.package_name }}.columns.profile import (
    DISTINCT_LIMIT,
    Facts,
    TableProfile,
    looks_like_dates,
    profile,
)
from {{ cookiecutter.package_name }}.errors import SchemaError

if TYPE_CHECKING:
    from collections.abc import Iterable

MAX_CATEGORIES = 20
MAX_CLASSES = 50  # a target with more distinct values is not a set of classes
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
    sampled: int = 0  # rows of the sample, when smaller than the table

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


def all_different(facts: Facts) -> bool:
    """One value per row: counted, or (beyond the count's limit) in the sample."""
    if facts.distinct is not None:
        return facts.distinct == facts.present >= 20
    sample = facts.sample.dropna()
    return sample.nunique() == len(sample) >= 20


def identifier_reason(facts: Facts) -> str | None:
    """Why a text column is an identifier (one value per row, or many codes), or None."""
    text = facts.sample.dropna().astype(str)
    distinct = facts.distinct_text
    if all_different(facts):
        return f"every value is different ({distinct} values like {text.iloc[0]!r}): an identifier"
    many = text.nunique() > len(text) / 4 if facts.distinct is None else facts.distinct >= 20
    if facts.distinct is not None:
        many = many and facts.distinct > facts.present / 4
    if many and text.str.fullmatch(CODE_SHAPE).mean() > 0.9:
        return f"holds {distinct} distinct codes like {text.iloc[0]!r}: an identifier"
    return None


def gaps(facts: Facts) -> dict[str, Any]:
    if facts.missing == 0:
        return {}
    missing = facts.missing / facts.rows
    return {"nullable": True, "missing_rate": max(significant(missing, 2), 0.0001)}


def number_column(name: str, facts: Facts, margin: float) -> Column | str:
    numbers = facts.numbers
    if numbers is None:  # numbers in the sample, and other values elsewhere in the table
        shown = ", ".join(map(repr, facts.not_numbers))
        return f"holds numbers, and values that are not ({shown}): correct them and draft again"
    if (
        numbers.whole
        and all_different(facts)
        and numbers.high - numbers.low < 2 * (facts.distinct or facts.present)
    ):
        return "every value is a different whole number, close to a count (an identifier?)"
    minimum, maximum, _ = widened(numbers.low, numbers.high, whole=numbers.whole, margin=margin)
    described = f"Observed {significant(numbers.low)} to {significant(numbers.high)}."
    kind: Kind = "integer" if numbers.whole else "number"
    return Column(
        name,
        kind,
        described,
        minimum=minimum,
        maximum=maximum,
        mean=significant(numbers.mean),
        std=significant(numbers.std),
        **gaps(facts),
    )


def category_column(name: str, facts: Facts, max_categories: int) -> Column | str:
    distinct = facts.distinct
    if facts.boolean:
        categories: tuple[Label, ...] = (False, True)
    elif distinct is None or distinct > max_categories:
        text = facts.sample.dropna().astype(str)
        if text.str.len().mean() >= 30 or text.str.contains(" ").mean() > 0.5:
            shown = facts.distinct_text
            return f"holds free text ({shown} distinct values); a model needs categories"
        identifier = identifier_reason(facts)
        if identifier:
            return identifier
        return (
            f"has {facts.distinct_text} distinct values, more than {max_categories}: group rare"
            " values, or raise --max-categories"
        )
    else:
        categories = tuple(sorted(facts.counts or (), key=str))
    return Column(
        name,
        "category",
        f"{len(categories)} categories.",
        categories=tuple(str(c) for c in categories) if mixed(categories) else categories,
        **gaps(facts),
    )


def date_column(name: str, facts: Facts) -> Column | str:
    dates = facts.dates
    if dates.wrong or dates.earliest is None or dates.latest is None:
        shown = ", ".join(map(repr, dates.examples))
        return (
            f"holds dates, and {dates.wrong} value(s) that are not ({shown}): correct them (or"
            " leave them empty) and draft again to keep it"
        )
    first, last = (day.date().isoformat() for day in (dates.earliest, dates.latest))
    return Column(
        name, "date", f"Observed {first} to {last}.", earliest=first, latest=last, **gaps(facts)
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


def feature(name: str, facts: Facts, max_categories: int, margin: float) -> Column | str:
    """The column's declaration, or the reason it is left out."""
    if not facts.present:
        return "holds no values (every row is missing)"
    if facts.distinct == 1:
        only = next(iter(facts.counts or ()))
        return f"has the same value ({only!r}) in every row: nothing to learn"
    if looks_like_dates(facts.sample):
        return date_column(name, facts)
    sample = facts.sample.dropna()
    if pd.api.types.is_numeric_dtype(sample) and not pd.api.types.is_bool_dtype(sample):
        return number_column(name, facts, margin)
    return category_column(name, facts, max_categories)


def text_counts(counts: Counter[Label]) -> Counter[str]:
    """Rows per class, keyed by the class as text."""
    texts: Counter[str] = Counter()
    for value, rows in counts.items():
        texts[str(value)] += rows
    return texts


def choose_positive(
    counts: Counter[str], classes: tuple[Label, ...], asked: str | None
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
    rarer = min(classes, key=lambda value: (counts.get(str(value), 0), str(value)))
    share = counts.get(str(rarer), 0) / counts.total()
    return rarer, f"the rarer class ({share:.0%} of rows); --positive-class chooses another"


def class_target(name: str, facts: Facts, positive: str | None, gap: str) -> tuple[Target, str]:
    if facts.counts is None or len(facts.counts) > MAX_CLASSES:
        msg = (
            f"the target {name!r} has {facts.distinct_text} distinct values, more than"
            f" {MAX_CLASSES} classes: pick a column of classes (this project predicts a class,"
            " problem_type=classification)"
        )
        raise SchemaError(msg)
    classes = tuple(sorted(facts.counts, key=str))
    if len(classes) < 2:
        msg = f"the target {name!r} holds one class ({classes}): a model needs two or more"
        raise SchemaError(msg)
    classes = tuple(str(value) for value in classes) if mixed(classes) else classes
    counts = text_counts(facts.counts)
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
        shares = ", ".join(f"{c!r} {counts.get(str(c), 0) / counts.total():.0%}" for c in classes)
        target = Target(name, "category", "The class to predict.", classes=classes)
        return target, f"{len(classes)} classes: {shares}{gap}"
    chosen, why = choose_positive(counts, classes, positive)
    target = Target(name, "category", "The class to predict.", classes=classes, positive=chosen)
    return target, f"classes {list(classes)}; positive {chosen!r}: {why}{gap}"


def target_of(
    name: str, facts: Facts, target_kinds: tuple[str, ...], positive: str | None
) -> tuple[Target, str]:
    gap = (
        f"; {facts.missing} row(s) without it are left out of training and evaluation"
        if facts.missing
        else ""
    )
    if not facts.present:
        msg = f"the target {name!r} holds no values (every row is missing)"
        raise SchemaError(msg)
    if "category" in target_kinds:
        return class_target(name, facts, positive, gap)
    numbers = facts.numbers
    if numbers is None:
        msg = (
            f"the target {name!r} holds {facts.sample.dropna().dtype} values; this project"
            " predicts a number (problem_type=regression): pick a numeric column"
        )
        raise SchemaError(msg)
    minimum, maximum, why = widened(numbers.low, numbers.high, whole=numbers.whole, margin=MARGIN)
    target = Target(
        name,
        "integer" if numbers.whole else "number",
        "The number to predict.",
        minimum=minimum,
        maximum=maximum,
        mean=significant(numbers.mean),
        std=significant(numbers.std),
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
    return draft_chunks(
        [table],
        target,
        target_kinds,
        positive=positive,
        max_categories=max_categories,
        margin=margin,
        sample_rows=len(table),
    )


def draft_chunks(
    chunks: Iterable[pd.DataFrame],
    target: str,
    target_kinds: tuple[str, ...],
    *,
    positive: str | None = None,
    max_categories: int = MAX_CATEGORIES,
    margin: float = MARGIN,
    sample_rows: int,
) -> Draft:
    """A schema for the table read in `chunks`, in memory bounded by a chunk and the sample."""
    limit = max(DISTINCT_LIMIT, max_categories, MAX_CLASSES)
    table = profile(chunks, limit=limit, sample_rows=sample_rows)
    return draft_profile(table, target, target_kinds, positive, max_categories, margin)


def draft_profile(
    table: TableProfile,
    target: str,
    target_kinds: tuple[str, ...],
    positive: str | None,
    max_categories: int,
    margin: float,
) -> Draft:
    if target not in table.columns:
        columns = ", ".join(map(repr, list(table.columns)[:10]))
        msg = f"the table has no column {target!r} to predict; its columns: {columns}"
        raise SchemaError(msg)
    decisions = []
    declared, reason = target_of(target, table.facts(target), target_kinds, positive)
    decisions.append(Decision(target, "target", reason))
    features = []
    derived: list[Derived] = []
    for name in table.columns:
        if name == target:
            continue
        column = feature(name, table.facts(name), max_categories, margin)
        if isinstance(column, str):
            decisions.append(Decision(name, "left out", column))
            continue
        features.append(column)
        parts = date_parts(column) if column.is_date else []
        derived += parts
        decisions.append(Decision(name, "feature", explain(column, parts)))
    if not features:
        msg = "no column of the table can be a feature: see the reasons above"
        raise SchemaError(msg)
    sampled = len(table.sample) if len(table.sample) < table.rows else 0
    schema = Schema(tuple(features), declared, tuple(derived))
    return Draft(schema, decisions, table.rows, sampled)


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
