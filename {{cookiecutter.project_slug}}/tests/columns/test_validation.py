"""Validation against schema.py: every problem at once, by column, rule, count and examples.

The columns come from the schema (conftest.py), so these tests hold for any schema; what a schema
cannot exercise (no categories, nothing nullable) is skipped with the reason.
"""

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.validation import (
    describe_rule,
    records_to_frame,
    validate,
)
from {{ cookiecutter.package_name }}.errors import DataValidationError
from {{ cookiecutter.package_name }}.schema import SCHEMA

TARGET = SCHEMA.target.name


def broken(sample: pd.DataFrame, column: str, rows: int, value: Any) -> pd.DataFrame:
    """The sample with `value` in the first `rows` rows of `column` (the sample is not changed)."""
    table = sample.copy()
    if table[column].dtype.kind in "iufM" and not isinstance(value, int | float):
        table[column] = table[column].astype(object)
    table.loc[table.index[:rows], column] = value
    return table


def problems_of(table: pd.DataFrame) -> list[str]:
    with pytest.raises(DataValidationError) as error:
        validate(table)
    return error.value.problems


def test_a_value_out_of_range_is_named_with_its_count(
    sample: pd.DataFrame, bounded_column: Column, out_of_range: float
) -> None:
    problems = problems_of(broken(sample, bounded_column.name, 3, out_of_range))
    expected = f"column '{bounded_column.name}' must be"
    assert any(expected in problem and "3 row(s)" in problem for problem in problems), problems


def test_an_unknown_category_is_named(sample: pd.DataFrame, categorical_column: Column) -> None:
    problems = problems_of(broken(sample, categorical_column.name, 2, "never-seen-before"))
    assert any(
        f"column '{categorical_column.name}' must be one of" in problem
        and "'never-seen-before'" in problem
        for problem in problems
    ), problems


def test_text_in_a_number_column_is_named_once(
    sample: pd.DataFrame, numeric_column: Column
) -> None:
    problems = problems_of(broken(sample, numeric_column.name, 1, "cheap"))
    assert len(problems) == 1, problems  # the cause only, not every check it then fails
    assert f"column '{numeric_column.name}' must hold values of type" in problems[0]
    assert "'cheap'" in problems[0]


def test_a_missing_value_where_none_is_allowed_is_named(
    sample: pd.DataFrame, required_column: Column
) -> None:
    problems = problems_of(broken(sample, required_column.name, 4, np.nan))
    assert any(f"'{required_column.name}'" in problem for problem in problems), problems


def test_missing_values_are_accepted_where_the_schema_allows_them(
    sample: pd.DataFrame, nullable_column: Column
) -> None:
    valid = validate(broken(sample, nullable_column.name, 10, np.nan))
    assert valid[nullable_column.name].head(10).isna().all()


def test_a_missing_feature_column_is_named(sample: pd.DataFrame) -> None:
    name = SCHEMA.names[-1]
    assert problems_of(sample.drop(columns=name)) == [f"column '{name}' is missing"]


def test_a_missing_target_column_is_named(sample: pd.DataFrame) -> None:
    assert problems_of(sample.drop(columns=TARGET)) == [f"column '{TARGET}' is missing"]


def test_a_bad_target_is_refused(sample: pd.DataFrame) -> None:
    bad = "not-a-class" if SCHEMA.target.is_classes else "a lot"
    problems = problems_of(broken(sample, TARGET, 2, bad))
    assert any(f"column '{TARGET}'" in problem for problem in problems), problems


def test_every_problem_is_reported_at_once(sample: pd.DataFrame) -> None:
    first, last = SCHEMA.names[0], SCHEMA.names[-1]
    table = broken(sample, first, 1, "text").drop(columns=TARGET)
    expected = 2  # the text in the first column, and the target that is missing
    if last != first:  # and the last column missing too
        table, expected = table.drop(columns=last), 3
    with pytest.raises(DataValidationError) as error:
        validate(table)
    assert len(error.value.problems) == expected, error.value.problems
    assert f"({expected} problems)" in str(error.value)


def test_a_single_problem_is_one_line(sample: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError) as error:
        validate(sample.drop(columns=TARGET))
    assert "\n" not in str(error.value)


def test_prediction_input_needs_no_target(sample: pd.DataFrame) -> None:
    features = validate(sample.drop(columns=TARGET), require_target=False)
    assert TARGET not in features.columns


def test_extra_columns_are_dropped(sample: pd.DataFrame) -> None:
    assert "an extra column" not in validate(sample.assign(**{"an extra column": 1})).columns


def test_columns_come_back_in_the_schemas_order(sample: pd.DataFrame) -> None:
    shuffled = sample[list(reversed(sample.columns))]
    assert list(validate(shuffled).columns) == [*SCHEMA.names, TARGET]


def test_unknown_rule_is_still_named() -> None:
    assert describe_rule("str_matches('x')") == "fails str_matches('x')"


def test_missing_categories_are_nan_whatever_the_source(sample: pd.DataFrame) -> None:
    """Parquet gives None where CSV gives NaN; the model's imputer only recognises NaN."""
    nullable = [column for column in SCHEMA.features if column.nullable and column.categories]
    if not nullable:
        pytest.skip("schema.py declares no categorical column that may be missing")
    name = nullable[0].name
    table = sample.astype({name: object})
    table.loc[table.index[:3], name] = None
    values = validate(table)[name].head(3)
    assert values.isna().all()
    assert not any(value is None for value in values)


def test_records_become_the_same_frame_as_validation_gives(sample: pd.DataFrame) -> None:
    features = sample.drop(columns=TARGET).head(50)
    records = api_records(features)
    expected = validate(features, require_target=False).reset_index(drop=True)
    frame = records_to_frame(records)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert not frame.map(lambda value: value is None).any().any()


def test_infinity_is_refused_in_a_number_column_without_bounds(numeric_column: Column) -> None:
    """A bound already excludes infinity; without one, a check of its own does."""
    unbounded = dataclasses.replace(numeric_column, minimum=None, maximum=None)
    (finite,) = [check for check in unbounded.checks() if check.name == "finite_numbers"]
    values = pd.Series([1.0, math.inf, -math.inf])
    assert list(finite(values).check_output) == [True, False, False]
    assert describe_rule("finite_numbers") == "must hold finite numbers, not infinity"


def test_booleans_in_a_number_column_are_refused_as_the_api_refuses_them(
    sample: pd.DataFrame,
) -> None:
    column = next((c for c in SCHEMA.features if c.is_numeric), None)
    if column is None:
        pytest.skip("schema.py declares no number column")
    table = sample.astype({column.name: object})
    table.loc[table.index[:3], column.name] = True
    assert f"column '{column.name}' must hold numbers, not true/false: 3 row(s), e.g. True" in (
        problems_of(table)
    )


def test_dates_in_other_shapes_are_read_and_values_that_are_not_dates_named(
    sample: pd.DataFrame,
) -> None:
    column = next((c for c in SCHEMA.features if c.is_date), None)
    if column is None:
        pytest.skip("schema.py declares no date column")
    table = sample.copy()
    days = pd.to_datetime(table[column.name])
    table[column.name] = days.dt.strftime("%m/%d/%Y").where(days.notna())
    assert validate(table)[column.name].equals(days.astype("datetime64[ns]"))
    table.loc[table.index[:2], column.name] = ["soon", "2024-13-45"]
    assert problems_of(table) == [
        f"column '{column.name}' must hold dates (2024-03-31, 03/31/2024, Mar 31, 2024...):"
        " 2 row(s), e.g. 'soon', '2024-13-45'"
    ]
