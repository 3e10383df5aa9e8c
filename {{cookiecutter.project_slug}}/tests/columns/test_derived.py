"""Derived features: each formula on every way its inputs arrive, and what a declaration allows."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.columns import Column, Schema, Target
from {{ cookiecutter.package_name }}.columns.derived import (
    Derived,
    bins,
    date_part,
    derive,
    difference,
    is_iso_date,
    log,
    ratio,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA

DAYS = ["2024-02-29", "2023-12-31", None, "1970-01-01"]


def as_records(days: list[str | None]) -> list[Any]:
    return days


def as_pandas(days: list[str | None]) -> Any:
    return pd.to_datetime(pd.Series(days))


def as_python_dates(days: list[str | None]) -> Any:
    return [None if day is None else datetime.date.fromisoformat(day) for day in days]


def as_arrow_objects(days: list[str | None]) -> Any:
    """What Spark's Arrow batches hold for a DateType column: an object array of dates."""
    return np.array(as_python_dates(days), dtype=object)


@pytest.mark.parametrize("arrive", [as_records, as_pandas, as_python_dates, as_arrow_objects])
@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("year", [2024, 2023, np.nan, 1970]),
        ("month", [2, 12, np.nan, 1]),
        ("day", [29, 31, np.nan, 1]),
        ("weekday", [3, 6, np.nan, 3]),  # Thursday, Sunday, -, Thursday (Monday is 0)
        ("day_of_year", [60, 365, np.nan, 1]),
    ],
)
def test_date_parts_agree_with_the_calendar_however_dates_arrive(
    arrive: Any, part: Any, expected: list[float]
) -> None:
    feature = date_part("x_part", "x", part)
    np.testing.assert_array_equal(feature.compute({"x": arrive(DAYS)}), np.array(expected))


def test_date_parts_agree_with_pandas_over_many_years() -> None:
    days = pd.Series(pd.date_range("1899-12-25", "2101-01-05", freq="37D"))
    parts = {"year": days.dt.year, "month": days.dt.month, "day": days.dt.day}
    parts |= {"weekday": days.dt.day_of_week, "day_of_year": days.dt.day_of_year}
    for part, expected in parts.items():
        computed = date_part("p", "x", part).compute({"x": days})  # type: ignore[arg-type]
        np.testing.assert_array_equal(computed, expected.to_numpy(dtype=float), err_msg=part)


def test_days_since_and_between_dates_count_days() -> None:
    since = date_part("age", "x", "days_since", since="2024-01-01")
    np.testing.assert_array_equal(
        since.compute({"x": ["2024-03-01", "2023-12-31", None]}), [60, -1, np.nan]
    )
    between = difference("gap", "later", "earlier")
    columns = {"later": ["2024-03-01", None], "earlier": ["2024-02-01", "2024-01-01"]}
    np.testing.assert_array_equal(between.compute(columns), [29, np.nan])


def test_number_formulas_make_impossible_values_missing() -> None:
    columns = {"a": [6.0, 1.0, None, -3.0], "b": [3, 0, 2, np.nan]}
    missing = [np.nan, np.nan]
    np.testing.assert_array_equal(ratio("r", "a", "b").compute(columns), [2, np.nan, *missing])
    np.testing.assert_array_equal(difference("d", "a", "b").compute(columns), [3, 1, *missing])
    logged = log("l", "a").compute(columns)
    np.testing.assert_allclose(logged[:2], np.log1p([6.0, 1.0]))
    assert np.isnan(logged[2:]).all()  # missing, and below -1


def test_bins_label_each_interval_and_leave_missing_values_missing() -> None:
    feature = bins("band", "age", (30, 45.5, 60))
    assert feature.categories == ("<30", "30-45.5", "45.5-60", ">=60")
    values = {"age": [18, 30, 45.5, 59.9, 60, 99, None]}
    expected = ["<30", "30-45.5", "45.5-60", "45.5-60", ">=60", ">=60", None]
    assert feature.compute(values).tolist() == expected


def test_a_pandas_table_and_json_records_derive_the_same_values(sample: pd.DataFrame) -> None:
    """Training reads a table, the API records: one step, the same features."""
    from {{ cookiecutter.package_name }}.columns.records import api_records

    table = sample[list(SCHEMA.names)].head(200)
    records = api_records(table)
    from_records = derive(
        {name: [record[name] for record in records] for name in SCHEMA.names}, SCHEMA.derived
    )
    from_table = SCHEMA.with_derived(table)
    for feature in SCHEMA.derived:
        expected = from_table[feature.name].to_numpy()
        if feature.kind == "number":
            np.testing.assert_allclose(from_records[feature.name], expected.astype(float))
        else:  # a missing bin: None or NaN, as pandas holds it
            labels = [None if pd.isna(label) else label for label in expected]
            assert list(from_records[feature.name]) == labels, feature.name


def test_a_declaration_survives_the_models_metadata() -> None:
    declared = [
        bins("band", "age", (30, 60), "Age band."),
        date_part("since", "day", "days_since", since="2020-01-01"),
        ratio("r", "a", "b"),
    ]
    for feature in declared:
        assert Derived.from_metadata(feature.metadata()) == feature


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: bins("b", "x", ()), "bins need increasing edges"),
        (lambda: bins("b", "x", (5, 1)), "bins need increasing edges"),
        (lambda: date_part("p", "x", "hour"), "part must be one of year, month"),  # type: ignore[arg-type]
        (lambda: date_part("p", "x", "days_since"), "days_since needs `since`"),
        (lambda: date_part("p", "x", "days_since", since="01/02/2020"), "since must be an ISO"),
        (lambda: Derived("p", "ratio", ("x",)), "ratio takes 2 column"),
        (lambda: Derived("p", "sqrt", ("x",)), "formula must be one of"),  # type: ignore[arg-type]
    ],
)
def test_a_wrong_declaration_says_what_is_wrong(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


FEATURES = (
    Column("n", "number"),
    Column("day", "date"),
    Column("kind", "category", categories=("a", "b")),
)


@pytest.mark.parametrize(
    ("derived", "message"),
    [
        (ratio("r", "n", "missing"), r"\['missing'\] are not features"),
        (log("l", "day"), r"log takes number columns, not \['date'\]"),
        (date_part("p", "n", "year"), "date_part takes a date column"),
        (difference("d", "day", "n"), "difference takes two dates"),
        (ratio("n", "n", "n"), r"must be unique.*\['n'\]"),
    ],
)
def test_a_schema_refuses_derived_features_it_cannot_compute(
    derived: Derived, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Schema(FEATURES, Target("y", "number"), (derived,))


def test_the_model_reads_derived_features_not_dates() -> None:
    schema = Schema(
        FEATURES, Target("y", "number"), (date_part("month", "day", "month"), bins("b", "n", (1,)))
    )
    assert [column.name for column in schema.model_columns] == ["n", "kind", "month", "b"]
    assert schema.model_numeric == ["n", "month"]
    assert schema.model_categorical == ["kind", "b"]
    with pytest.raises(ValueError, match="the model reads no column"):
        Schema((Column("day", "date"),), Target("y", "number"))


def test_a_date_column_takes_iso_dates_in_files_and_requests() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="the API's JSON Schema checks need it")
    column = Column("day", "date", nullable=True)
    assert column.json_schema() == {"type": ["string", "null"], "format": "date"}
    checker = jsonschema.Draft202012Validator(
        column.json_schema(), format_checker=jsonschema.FormatChecker()
    )
    assert checker.is_valid("2024-02-29")
    assert checker.is_valid(None)
    assert not checker.is_valid(20240229)
    schema = Schema((column, Column("n", "number")), Target("y", "number"))
    valid = schema.dataframe_schema(with_target=False).validate(
        pd.DataFrame({"day": ["2024-02-29", None], "n": [1.0, 2.0]})
    )
    assert valid["day"].iloc[0] == pd.Timestamp("2024-02-29")
    assert pd.isna(valid["day"].iloc[1])


@pytest.mark.parametrize(
    "text",
    ["2024-W09-4", "20240229", "2024-02-30", "\uff12\uff10\uff12\uff14-02-29", " 2024-02-29"],
)
def test_only_a_calendar_day_written_yyyy_mm_dd_is_an_iso_date(text: str) -> None:
    assert is_iso_date("2024-02-29")
    assert not is_iso_date(text)


def test_a_date_column_declares_dates_not_numbers() -> None:
    with pytest.raises(ValueError, match="earliest 2025-01-01 is after latest 2024-01-01"):
        Column("d", "date", earliest="2025-01-01", latest="2024-01-01")
    with pytest.raises(ValueError, match="has earliest and latest dates, not numbers"):
        Column("d", "date", minimum=0)
    with pytest.raises(ValueError, match="only a date column has earliest"):
        Column("n", "number", earliest="2024-01-01")
    with pytest.raises(ValueError, match="not a date"):
        Target("y", "date")
