"""A table's rows as the API's JSON records: what `POST /predict` and its prediction log hold.

Missing values are null, whole numbers of an integer column are integers (the table holds floats
where a value may be missing), and dates are ISO text (YYYY-MM-DD): the JSON Schema of a record
(`Column.json_schema`) accepts exactly these.
"""

from __future__ import annotations

import datetime
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }}.columns.derived import is_missing
from {{ cookiecutter.package_name }}.schema import SCHEMA


def json_value(value: Any, integer: bool) -> Any:
    """One value as the JSON Schema of its column wants it."""
    if hasattr(value, "item"):  # a NumPy scalar
        value = value.item()
    if is_missing(value):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return int(value) if integer else value


def api_records(features: pd.DataFrame) -> list[dict[str, Any]]:
    """The schema's features of each row, as JSON records."""
    integers = {column.name for column in SCHEMA.features if column.kind == "integer"}
    return [
        {str(name): json_value(value, name in integers) for name, value in row.items()}
        for row in features[list(SCHEMA.names)].to_dict(orient="records")
    ]
