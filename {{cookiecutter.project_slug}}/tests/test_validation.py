import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.errors import DataValidationError
from {{ cookiecutter.package_name }}.validation import (
    describe_rule,
    records_to_frame,
    validate,
)

TARGET = problem.TARGET.name


def broken(sample: pd.DataFrame, column: str, rows: int, value: Any) -> pd.DataFrame:
    table = sample.copy()
    if table[column].dtype.kind in "iuf" and not isinstance(value, (int, float)):
        table[column] = table[column].astype(object)
    table.loc[table.index[:rows], column] = value
    return table


BAD_TABLES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "out of range": (
        lambda t: broken(t, "tenure_months", 3, -5),
        "'tenure_months' must be between 0 and 120: 3 row(s), e.g. -5",
    ),
    "unseen category": (
        lambda t: broken(t, "contract", 2, "weekly"),
        "'contract' must be one of",
    ),
    "text in a number column": (
        lambda t: broken(t, "monthly_charges", 1, "cheap"),
        "'monthly_charges' must hold values of type float64: 1 row(s), e.g. 'cheap'",
    ),
    "missing where not allowed": (
        lambda t: broken(t, "tenure_months", 4, np.nan),
        "'tenure_months'",
    ),
    "missing feature column": (
        lambda t: t.drop(columns="support_calls"),
        "column 'support_calls' is missing",
    ),
    "missing target column": (
        lambda t: t.drop(columns=TARGET),
        f"column '{TARGET}' is missing",
    ),
}


@pytest.mark.parametrize("case", BAD_TABLES)
def test_invalid_table_is_refused_with_column_rule_count_and_examples(
    sample: pd.DataFrame, case: str
) -> None:
    corrupt, message = BAD_TABLES[case]
    with pytest.raises(DataValidationError) as error:
        validate(corrupt(sample))
    assert any(message in problem for problem in error.value.problems), error.value.problems


def test_every_problem_is_reported_at_once(sample: pd.DataFrame) -> None:
    table = broken(broken(sample, "contract", 1, "weekly"), "age", 2, 7)
    table = table.drop(columns="region")
    with pytest.raises(DataValidationError) as error:
        validate(table)
    assert len(error.value.problems) == 3, error.value.problems
    assert "3 problem(s)" in str(error.value)


def test_prediction_input_needs_no_target(sample: pd.DataFrame) -> None:
    features = validate(sample.drop(columns=TARGET), require_target=False)
    assert TARGET not in features.columns


def test_extra_columns_are_dropped(sample: pd.DataFrame) -> None:
    assert "customer_id" not in validate(sample.assign(customer_id=1)).columns


def test_unknown_rule_is_still_named() -> None:
    assert describe_rule("str_matches('x')") == "fails str_matches('x')"


def test_missing_categories_are_nan_whatever_the_source(sample: pd.DataFrame) -> None:
    """Parquet gives None where CSV gives NaN; the model's imputer only recognises NaN."""
    table = sample.astype({"region": object})
    table.loc[table.index[:3], "region"] = None
    region = validate(table)["region"].head(3)
    assert region.isna().all()
    assert not any(value is None for value in region)


def test_records_become_the_same_frame_as_validation_gives(sample: pd.DataFrame) -> None:
    features = sample.drop(columns=TARGET).head(50)
    records = json.loads(features.to_json(orient="records"))
    expected = validate(features, require_target=False).reset_index(drop=True)
    pd.testing.assert_frame_equal(records_to_frame(records), expected, check_dtype=False)
    assert not any(value is None for value in records_to_frame(records)["region"])
