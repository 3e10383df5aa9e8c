"""Validate tables against the input schema (`schema.py`), and split features from the target.

Validation reports every problem at once (column, rule, how many rows, a few example values), so a
person fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from {{ cookiecutter.package_name }}.columns.dates import parse_dates
from {{ cookiecutter.package_name }}.errors import DataValidationError
from {{ cookiecutter.package_name }}.schema import SCHEMA

EXAMPLES = 5
CONCAT_WARNING = "The behavior of DataFrame concatenation with empty or all-NA entries"


def describe_rule(check: str) -> str:
    """Pandera's check name, in words."""
    rules = [
        (r"column_in_dataframe", "is missing"),
        (r"not_nullable", "must not have missing values"),
        (r"coerce_dtype\('(\w+)'\)", "must hold values of type {0}"),
        (r"dtype\('(\w+)'\)", "must hold values of type {0}"),
        (r"isin\((.*)\)", "must be one of {0}"),
        (r"in_range\((.*), (.*)\)", "must be between {0} and {1}"),
        (r"greater_than_or_equal_to\((.*)\)", "must be at least {0}"),
        (r"less_than_or_equal_to\((.*)\)", "must be at most {0}"),
        (r"whole_numbers", "must hold whole numbers"),
        (r"finite_numbers", "must hold finite numbers, not infinity"),
        (r"not_boolean", "must hold numbers, not true/false"),
        (r"dates", "must hold dates (2024-03-31, 03/31/2024, Mar 31, 2024...)"),
    ]
    for pattern, text in rules:
        match = re.fullmatch(pattern, check)
        if match:
            return text.format(*match.groups())
    return f"fails {check}"


def show(value: object) -> str:
    """A value as the user wrote it: `-5`, not `np.int64(-5)`."""
    return repr(value.item() if hasattr(value, "item") else value)


@dataclass(frozen=True)
class Violation:
    """One rule that some rows break: where, how many rows, and a few of the values."""

    column: str
    rule: str  # pandera's check name
    rows: int = 0  # 0: the whole column (it is missing)
    examples: tuple[str, ...] = ()  # values as the user wrote them, at most EXAMPLES

    def __str__(self) -> str:
        if self.rule == "column_in_dataframe":
            return f"column '{self.column}' is missing"
        rule, examples = describe_rule(self.rule), ", ".join(self.examples)
        return f"column '{self.column}' {rule}: {self.rows} row(s), e.g. {examples}"

    def merged(self, other: Violation) -> Violation:
        """The same rule broken in another part of the data (Spark adds up its partitions)."""
        examples = tuple(dict.fromkeys(self.examples + other.examples))[:EXAMPLES]
        return Violation(self.column, self.rule, self.rows + other.rows, examples)


def find_violations(failures: pd.DataFrame) -> list[Violation]:
    """Pandera's failure cases as one Violation per column and rule."""
    missing = failures[failures["check"] == "column_in_dataframe"]
    violations = [Violation(str(name), "column_in_dataframe") for name in missing["failure_case"]]
    failures = failures[failures["check"] != "column_in_dataframe"]
    # A column whose values cannot be converted also fails its other checks; report the cause only.
    unconvertible = set(failures.loc[failures["check"].str.startswith("coerce_dtype"), "column"])
    for (column, rule), group in failures.groupby(["column", "check"], sort=False):
        check = str(rule)
        if column in unconvertible and not check.startswith("coerce_dtype"):
            continue
        rows = int(group["index"].notna().sum() or len(group))
        examples = tuple(map(show, group["failure_case"].unique()[:EXAMPLES]))
        violations.append(Violation(str(column), check, rows, examples))
    return violations


def run_schema(table: pd.DataFrame, *, with_target: bool) -> pd.DataFrame:
    """Pandera's validation of every rule at once; raises SchemaErrors with every failure."""
    schema = SCHEMA.dataframe_schema(with_target=with_target)
    with warnings.catch_warnings():
        # pandera collects failure cases with a concat that pandas 2.x warns about; harmless.
        warnings.filterwarnings("ignore", CONCAT_WARNING, FutureWarning)
        return schema.validate(table, lazy=True)


def boolean_numbers(table: pd.DataFrame, *, with_target: bool) -> list[Violation]:
    """Number columns that hold true/false: converting them would score True as 1, which the
    API refuses ("must be integer"); a file gets the same rule."""
    columns = [*SCHEMA.features, SCHEMA.target.as_column()] if with_target else SCHEMA.features
    found = []
    for column in columns:
        if not column.is_numeric or column.name not in table.columns:
            continue
        values = table[column.name]
        if pd.api.types.is_bool_dtype(values):
            flags = values.notna().to_numpy()
        elif values.dtype == object:
            flags = values.map(lambda value: isinstance(value, bool | np.bool_)).to_numpy(bool)
        else:
            continue
        if flags.any():
            examples = tuple(map(show, pd.unique(values[flags])[:EXAMPLES]))
            found.append(Violation(column.name, "not_boolean", int(flags.sum()), examples))
    return found


def read_dates(table: pd.DataFrame) -> tuple[pd.DataFrame, list[Violation]]:
    """The table with its date columns parsed (see `parse_dates`), and the values that are
    not dates."""
    problems = []
    converted = {}
    for column in SCHEMA.features:
        if not column.is_date or column.name not in table.columns:
            continue
        values = table[column.name]
        parsed = parse_dates(values)
        wrong = (values.notna() & parsed.isna()).to_numpy()
        if wrong.any():
            examples = tuple(map(show, pd.unique(values[wrong])[:EXAMPLES]))
            problems.append(Violation(column.name, "dates", int(wrong.sum()), examples))
        converted[column.name] = parsed
    return (table.assign(**converted) if converted else table), problems


def check(table: pd.DataFrame, *, require_target: bool = True) -> pd.DataFrame | list[Violation]:
    """The validated table (see `validate`), or every problem it has."""
    booleans = boolean_numbers(table, with_target=require_target)
    table, not_dates = read_dates(table)
    try:
        valid = run_schema(table, with_target=require_target)
    except SchemaErrors as errors:
        # A value that is not a date is missing once parsed: its column's other rules would
        # report it again.
        undated = {violation.column for violation in not_dates}
        found = [v for v in find_violations(errors.failure_cases) if v.column not in undated]
        return booleans + not_dates + found
    if booleans or not_dates:
        return booleans + not_dates
    columns = [*SCHEMA.names, SCHEMA.target.name] if require_target else list(SCHEMA.names)
    valid = valid[columns]
    # Missing categories arrive as None or NaN depending on the file type and pandas version; the
    # model's imputer recognises NaN only, so a None would silently become an unknown category.
    categories = valid[SCHEMA.categorical]  # input categories (bins are derived later)
    return valid.assign(**categories.where(categories.notna(), np.nan))


def validate(table: pd.DataFrame, *, require_target: bool = True) -> pd.DataFrame:
    """The table with exactly the schema's columns, converted to their types.

    Raises DataValidationError listing every problem. Without `require_target` (prediction), the
    target column is neither needed nor returned.
    """
    checked = check(table, require_target=require_target)
    if isinstance(checked, list):
        raise DataValidationError([str(violation) for violation in checked])
    return checked


def invalid_rows(table: pd.DataFrame) -> dict[Any, str]:
    """The rows of a feature table that break the schema, each with its first problem in words.

    A problem of a whole column (one that is missing) is every row's problem.
    """
    try:
        run_schema(table, with_target=False)
    except SchemaErrors as errors:
        problems: dict[Any, str] = {}
        for failure in errors.failure_cases.itertuples():
            why = f"column '{failure.column}' {describe_rule(str(failure.check))}"
            if failure.check == "column_in_dataframe":
                why = f"column '{failure.failure_case}' is missing"
            rows = table.index if pd.isna(failure.index) else [failure.index]
            for row in rows:
                problems.setdefault(row, why)
        return problems
    return {}


def records_to_frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Features from records already checked against the schema (the API's JSON Schema does).

    Much cheaper than `validate` for a handful of rows: it only sets the declared column order and
    types, and marks missing values as NaN, which is all the model needs.
    """
    frame = pd.DataFrame.from_records(records, columns=list(SCHEMA.names))
    for column in SCHEMA.features:
        values = frame[column.name]
        if column.categories:  # the labels as sent; None becomes NaN, which the imputer knows
            frame[column.name] = np.where(values.isna(), np.nan, values.astype(object))
        elif column.is_date:  # ISO text (a record) or dates (the app's form); None becomes NaT
            frame[column.name] = pd.to_datetime(values).astype("datetime64[ns]")
        elif values.isna().any():
            frame[column.name] = values.astype(float)
        else:
            frame[column.name] = values.astype(column.pandas_type())
    return frame


def drop_unlabelled(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows that have a target, and how many did not: such rows can neither train a model
    nor score one."""
    name = SCHEMA.target.name
    if name not in table.columns:
        return table, 0
    missing = table[name].isna().to_numpy()
    if not missing.any():
        return table, 0
    return table[~missing].reset_index(drop=True), int(missing.sum())


def split_target(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    return table[list(SCHEMA.names)], table[SCHEMA.target.name]
