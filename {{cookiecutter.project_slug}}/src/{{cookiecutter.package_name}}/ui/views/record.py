"""Page: score one record, typed into a form that schema.py makes.

A widget per column kind: numbers within the column's range, categories in a select box, dates
in a date picker, and an empty choice for a column that may be missing. The form is a
convenience, not the check: the record is validated by the core before it is scored, so what
the widgets let through (a value a browser sent, a pasted number) meets the same rules as a row
of a file.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import streamlit as st

from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.ui.scoring import Scored
from {{ cookiecutter.package_name }}.ui.show import literal, reported
from {{ cookiecutter.package_name }}.ui.views import Context

FORM = "record"
MISSING = "missing"  # what an empty optional field says


def key_of(column: Column) -> str:
    return f"field-{column.name}"


def label_of(column: Column) -> str:
    return literal(column.name + (" (optional)" if column.nullable else ""))


def decimals(column: Column) -> int:
    """Decimals to show: enough for a hundredth of the column's typical spread, from 2 to 8."""
    _, spread = column.typical()
    return min(max(math.ceil(-math.log10(spread / 100)), 2), 8)


def typical_value(column: Column) -> float:
    center, _ = column.typical()
    low = -math.inf if column.minimum is None else column.minimum
    high = math.inf if column.maximum is None else column.maximum
    return min(max(center, low), high)


def integer_field(column: Column) -> int | None:
    low = None if column.minimum is None else math.ceil(column.minimum)
    high = None if column.maximum is None else math.floor(column.maximum)
    value = None if column.nullable else round(typical_value(column))
    return st.number_input(
        label_of(column),
        min_value=low,
        max_value=high,
        value=value,
        step=1,
        placeholder=MISSING,
        help=column.description or None,
        key=key_of(column),
    )


def number_field(column: Column) -> float | None:
    places = decimals(column)
    low = None if column.minimum is None else float(column.minimum)
    high = None if column.maximum is None else float(column.maximum)
    value = None if column.nullable else round(float(typical_value(column)), places)
    return st.number_input(
        label_of(column),
        min_value=low,
        max_value=high,
        value=value,
        step=10.0**-places,
        format=f"%.{places}f",
        placeholder=MISSING,
        help=column.description or None,
        key=key_of(column),
    )


def category_field(column: Column) -> Any:
    return st.selectbox(
        label_of(column),
        list(column.categories),
        index=None if column.nullable else 0,
        format_func=str,
        placeholder=MISSING,
        help=column.description or None,
        key=key_of(column),
    )


def date_field(column: Column) -> datetime.date | None:
    earliest, latest = (
        None if day is None else datetime.date.fromisoformat(day)
        for day in (column.earliest, column.latest)
    )
    return st.date_input(
        label_of(column),
        value=None if column.nullable else (latest or datetime.date.today()),
        min_value=earliest,
        max_value=latest,
        help=column.description or None,
        key=key_of(column),
    )


def field(column: Column) -> Any:
    """The widget of a column, and the value it holds (None: missing)."""
    if column.categories:
        return category_field(column)
    if column.is_date:
        return date_field(column)
    if column.kind == "integer":
        return integer_field(column)
    return number_field(column)


def label_of_prediction(name: str) -> str:
    target = SCHEMA.target
    if name == "prediction":
        return f"predicted {target.name}"
    if name == "probability" and target.is_binary:
        return f"probability that {target.name} is {target.positive!r}"
    if name == "probability":
        return "probability of the predicted class"
    return name


def shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def show_prediction(scored: Scored) -> None:
    """The prediction and its probability as metrics; with three or more classes, the
    probability of each class in a table below them."""
    headline = {
        name: scored.predictions[name]
        for name in SCHEMA.target.summary_columns
        if name in scored.predictions
    }
    places = st.columns(len(headline) or 1)
    for place, (name, value) in zip(places, headline.items(), strict=False):
        place.metric(literal(label_of_prediction(name)), literal(shown(value)))
    shares = {
        str(label): scored.predictions[column]
        for label, column in SCHEMA.target.probability_columns.items()
        if column in scored.predictions
    }
    if shares:
        st.dataframe(
            {SCHEMA.target.name: list(shares), "probability": list(shares.values())},
            hide_index=True,
        )
    st.caption(literal(f"by model {scored.version}"))


def render(context: Context) -> None:
    st.header("Score a record")
    st.caption(literal(f"Scored by {context.scorer.where}. An optional field may be left empty."))
    with st.form(FORM):
        places = st.columns(2)
        record = {}
        for number, column in enumerate(SCHEMA.features):
            with places[number % 2]:
                record[column.name] = field(column)
        submitted = st.form_submit_button("Predict", type="primary")
    if submitted:
        with reported("scoring the record"):
            show_prediction(context.scorer.score_record(record))
