"""The input schema, declared once: validation, prediction input checks and the dataset use it.

Each column says its kind, its allowed range or categories, and whether it may be missing. Change
the data your model learns from here, and everything else follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandera.pandas as pa

Kind = Literal["integer", "number", "category"]
PANDAS_TYPES: dict[Kind, type] = {"integer": int, "number": float, "category": str}


@dataclass(frozen=True)
class ColumnSpec:
    """One column: what it holds and what values are allowed."""

    name: str
    kind: Kind
    description: str
    minimum: float | None = None
    maximum: float | None = None
    categories: tuple[str | int, ...] = ()
    nullable: bool = False

    def checks(self) -> list[pa.Check]:
        if self.categories:
            return [pa.Check.isin(list(self.categories))]
        if self.minimum is not None and self.maximum is not None:
            return [pa.Check.in_range(self.minimum, self.maximum)]
        if self.minimum is not None:
            return [pa.Check.ge(self.minimum)]
        return []

    def to_pandera(self) -> pa.Column:
        return pa.Column(
            PANDAS_TYPES[self.kind],
            checks=self.checks(),
            nullable=self.nullable,
            coerce=True,
            description=self.description,
        )


FEATURES: tuple[ColumnSpec, ...] = (
    ColumnSpec("tenure_months", "integer", "Months as a customer.", minimum=0, maximum=120),
    ColumnSpec("monthly_charges", "number", "Current monthly bill.", minimum=0, maximum=500),
    ColumnSpec("support_calls", "integer", "Support calls last quarter.", minimum=0, maximum=50),
    ColumnSpec(
        "satisfaction", "number", "Last survey score, 1-5.", minimum=1, maximum=5, nullable=True
    ),
    ColumnSpec("age", "number", "Age in years.", minimum=18, maximum=100, nullable=True),
    ColumnSpec(
        "contract",
        "category",
        "Contract length.",
        categories=("month-to-month", "one-year", "two-year"),
    ),
    ColumnSpec(
        "payment_method",
        "category",
        "How the customer pays.",
        categories=("card", "bank-transfer", "electronic-check", "mailed-check"),
    ),
    ColumnSpec(
        "region",
        "category",
        "Sales region.",
        categories=("north", "south", "east", "west"),
        nullable=True,
    ),
)

NUMERIC_FEATURES = [column.name for column in FEATURES if column.kind != "category"]
CATEGORICAL_FEATURES = [column.name for column in FEATURES if column.kind == "category"]
FEATURE_NAMES = [column.name for column in FEATURES]


def dataframe_schema(target: ColumnSpec | None) -> pa.DataFrameSchema:
    """The pandera schema of the features, and of the target when one is given."""
    columns = (*FEATURES, target) if target is not None else FEATURES
    return pa.DataFrameSchema({column.name: column.to_pandera() for column in columns})


def describe(columns: tuple[ColumnSpec, ...] = FEATURES) -> list[dict[str, object]]:
    """The schema as plain data, for model metadata and documentation."""
    return [
        {key: value for key, value in vars(column).items() if value not in (None, ())}
        for column in columns
    ]
