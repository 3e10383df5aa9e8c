"""What a column may hold, and everything that follows from it: checks, JSON Schema, sample values.

`schema.py` declares the project's columns with these classes; everything that depends on columns
(validation, the API's request schema, the sample dataset, monitoring, the tests) asks the
`Schema` object instead of naming columns. That is what lets a team change `schema.py` (by hand or
with `schema infer`) and have the rest follow. Beside the column kinds in this module:

derived.py      derived features (ratios, differences, logs, bins, date parts), computed with NumPy
dates.py        dates as files hold them, read one way for drafting and validation
validation.py   tables checked against `schema.py` (pandera), every violation at once
sample.py       the embedded sample dataset, drawn from `schema.py` (offline, seeded)
drafting.py     the decisions `schema infer` makes about a team's table, and the source it writes
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .derived import Derived, is_iso_date

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import pandera.pandas as pa

Kind = Literal["integer", "number", "category", "date"]
KINDS = ("integer", "number", "category", "date")
Label = str | int | bool  # a category, or a class of the target
DEFAULT_MISSING_RATE = 0.05  # the sample's share of missing values in a nullable column
MISSING = "(missing)"  # a missing category, as the model sees it: a category of its own
SAMPLE_DATES = ("2015-01-01", "2025-12-31")  # the sample's dates when a column declares none


@dataclass(frozen=True)
class Column:
    """One input column: what it holds and what values are allowed.

    `mean` and `std` describe typical values of a number column, `earliest` and `latest` (ISO
    dates) those of a date column, and `missing_rate` how often a nullable column is empty; they
    shape the embedded sample dataset only, never validation. A date column reaches the model
    through the derived features computed from it (its parts, the days between two dates).
    """

    name: str
    kind: Kind
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    categories: tuple[Label, ...] = ()
    nullable: bool = False
    missing_rate: float | None = None
    mean: float | None = None
    std: float | None = None
    earliest: str | None = None
    latest: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.kind not in KINDS:
            problems.append(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.kind == "date":
            problems.extend(self.date_problems())
        elif (self.earliest, self.latest) != (None, None):
            problems.append("only a date column has earliest and latest dates")
        if self.kind == "category" and len(self.categories) < 1:
            problems.append("a category column needs its categories")
        if self.kind != "category" and self.categories:
            problems.append("only a category column has categories")
        if self.categories and not same_kind(self.categories):
            problems.append(
                f"categories must be all text, all numbers or all booleans: {self.categories}"
            )
        if (
            self.minimum is not None
            and self.maximum is not None
            and not self.minimum <= self.maximum
        ):
            problems.append(f"minimum {self.minimum} is above maximum {self.maximum}")
        if self.missing_rate is not None and not (0 <= self.missing_rate < 1):
            problems.append(f"missing_rate must be in [0, 1), not {self.missing_rate}")
        if self.missing_rate and not self.nullable:
            problems.append("a missing_rate needs nullable=True")
        if problems:
            msg = f"schema column {self.name!r}: " + "; ".join(problems)
            raise ValueError(msg)

    def date_problems(self) -> list[str]:
        problems = [
            f"{name} must be an ISO date (2020-01-01), not {value!r}"
            for name, value in (("earliest", self.earliest), ("latest", self.latest))
            if value is not None and not is_iso_date(value)
        ]
        if (self.minimum, self.maximum, self.mean, self.std) != (None,) * 4:
            problems.append("a date column has earliest and latest dates, not numbers")
        if not problems and self.earliest and self.latest and self.earliest > self.latest:
            problems.append(f"earliest {self.earliest} is after latest {self.latest}")
        return problems

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("integer", "number")

    @property
    def is_date(self) -> bool:
        return self.kind == "date"

    @property
    def sample_missing_rate(self) -> float:
        if not self.nullable:
            return 0.0
        return DEFAULT_MISSING_RATE if self.missing_rate is None else self.missing_rate

    def checks(self) -> list[pa.Check]:
        import pandera.pandas as pa

        checks = []
        if self.categories:
            checks.append(pa.Check.isin(list(self.categories)))
        if self.minimum is not None:
            checks.append(pa.Check.ge(self.minimum))
        if self.maximum is not None:
            checks.append(pa.Check.le(self.maximum))
        if self.is_numeric and None in (self.minimum, self.maximum):  # a bound excludes inf
            checks.append(pa.Check(lambda s: ~s.isin([math.inf, -math.inf]), name="finite_numbers"))
        if self.kind == "integer" and self.nullable:  # held as floats, so NaN can mark missing
            checks.append(pa.Check(lambda s: s.isna() | (s % 1 == 0), name="whole_numbers"))
        return checks

    def pandas_type(self) -> Any:
        """The type values are converted to. Missing values are NaN, so a nullable integer column
        is held as floats, and nullable integer or boolean categories as Python objects; dates
        are pandas timestamps (missing: NaT)."""
        if self.kind == "date":
            return "datetime64[ns]"
        if self.kind == "category":
            labels = label_type(self.categories)
            return object if self.nullable and labels is not str else labels
        if self.kind == "integer" and not self.nullable:
            return int
        return float

    def to_pandera(self) -> pa.Column:
        import pandera.pandas as pa

        return pa.Column(
            self.pandas_type(),
            checks=self.checks(),
            nullable=self.nullable,
            coerce=True,
            description=self.description or None,
        )

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of one value: what the API accepts for this column."""
        schema: dict[str, Any] = {"description": self.description} if self.description else {}
        if self.categories:
            schema["enum"] = [*self.categories, *([None] if self.nullable else [])]
            return schema
        if self.kind == "date":
            schema.update(type=["string", "null"] if self.nullable else "string", format="date")
            return schema
        kind = "integer" if self.kind == "integer" else "number"
        schema["type"] = [kind, "null"] if self.nullable else kind
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema

    def metadata(self) -> dict[str, Any]:
        """The column as plain data, for model metadata and documentation."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in vars(self).items()
            if value not in (None, (), "")
            and key not in ("mean", "std", "missing_rate", "earliest", "latest")
        }

    def draw(self, rows: int, rng: np.random.Generator) -> npt.NDArray[Any]:
        """`rows` values that this column accepts, for the sample dataset (before missing ones)."""
        import numpy as np

        if self.categories:
            return rng.choice(np.array(self.categories, dtype=object), size=rows)
        if self.kind == "date":
            first, last = (
                np.datetime64(day, "D").astype(np.int64)
                for day in (self.earliest or SAMPLE_DATES[0], self.latest or SAMPLE_DATES[1])
            )
            days = rng.integers(first, last + 1, size=rows)
            return days.astype("datetime64[D]").astype("datetime64[ns]")
        low = -np.inf if self.minimum is None else self.minimum
        high = np.inf if self.maximum is None else self.maximum
        center, spread = self.typical()
        values = np.clip(rng.normal(center, spread, size=rows), low, high)
        if self.kind == "integer":
            values = np.clip(np.round(values), np.ceil(low), np.floor(high))
            return values.astype("int64")
        return np.round(values, 4)

    def typical(self) -> tuple[float, float]:
        """A center and spread for drawn numbers: the declared ones, else from the range."""
        low, high = self.minimum, self.maximum
        if self.mean is not None and self.std is not None and self.std > 0:
            return self.mean, self.std
        if low is not None and high is not None:
            return (low + high) / 2, max((high - low) / 6, 1e-9)
        if low is not None:
            return low + max(abs(low), 1.0), max(abs(low), 1.0) / 2
        if high is not None:
            return high - max(abs(high), 1.0), max(abs(high), 1.0) / 2
        return 0.0, 1.0


def same_kind(labels: tuple[Label, ...]) -> bool:
    return len({label_type((label,)) for label in labels}) == 1


def label_type(labels: tuple[Label, ...]) -> type:
    """bool, int or str: the one type of every label (mixed labels are compared as text)."""
    if labels and all(isinstance(label, bool) for label in labels):
        return bool
    if labels and all(isinstance(label, int) and not isinstance(label, bool) for label in labels):
        return int
    return str


@dataclass(frozen=True)
class Target:
    """The column to predict: two or more classes, or a number.

    Two classes make the binary case: one is `positive`, and the model's `probability` is its
    probability, from `threshold` up it is predicted. Three or more classes predict the most
    probable one, with its probability and the probability of every class (`probability_<class>`).
    """

    name: str
    kind: Kind
    description: str = ""
    classes: tuple[Label, ...] = ()
    positive: Label | None = None
    threshold: float = 0.5
    """The probability of the positive class from which it is predicted: declared here once, and
    recorded with each model, whose every predictor (pickle, ONNX, Spark) reads it there."""
    minimum: float | None = None
    maximum: float | None = None
    mean: float | None = None
    std: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.kind == "date":
            problems.append("a target is a category or a number, not a date")
        if self.kind == "category":
            problems += class_problems(self.classes, self.positive, self.threshold)
        elif self.classes or self.positive is not None:
            problems.append("only a category target has classes and a positive class")
        elif self.threshold != 0.5:
            problems.append("only a category target has a decision threshold")
        if problems:
            msg = f"schema target {self.name!r}: " + "; ".join(problems)
            raise ValueError(msg)

    @property
    def is_classes(self) -> bool:
        return self.kind == "category"

    @property
    def is_binary(self) -> bool:
        """Two classes, one of them positive."""
        return self.is_classes and len(self.classes) == 2

    @property
    def negative(self) -> Label:
        """The class that is not the positive one (two classes)."""
        return next(label for label in self.classes if label != self.positive)

    @property
    def probability_columns(self) -> dict[Label, str]:
        """Three or more classes: the prediction column of each class's probability."""
        if not self.is_classes or self.is_binary:
            return {}
        return {label: probability_column(label) for label in self.classes}

    @property
    def summary_columns(self) -> tuple[str, ...]:
        """The prediction and, for classes, its probability: what a person reads first."""
        return ("prediction", "probability") if self.is_classes else ("prediction",)

    @property
    def prediction_columns(self) -> tuple[str, ...]:
        """What a model predicts for each row, in order (files, the API, Spark)."""
        if not self.is_classes:
            return ("prediction",)
        return ("prediction", "probability", *self.probability_columns.values())

    def decide(self, probability: npt.NDArray[np.float64]) -> npt.NDArray[np.object_]:
        """The predicted class for each probability of the positive class (two classes)."""
        if self.positive is None:
            msg = f"schema target {self.name!r} has no positive class: it is not a binary target"
            raise ValueError(msg)
        return decide(probability, self.negative, self.positive, self.threshold)

    def as_column(self) -> Column:
        """The target as a column of the table: its values are checked like a feature's."""
        return Column(
            self.name,
            self.kind,
            self.description,
            minimum=self.minimum,
            maximum=self.maximum,
            categories=self.classes,
            mean=self.mean,
            std=self.std,
        )

    def prediction_json_schema(self) -> dict[str, Any]:
        """The JSON Schema of one prediction (what the API answers for each record)."""
        if not self.is_classes:
            properties: dict[str, Any] = {"prediction": {"type": "number"}}
        elif self.is_binary:
            properties = {
                "prediction": {"enum": list(self.classes)},
                "probability": probability_schema(
                    f"The probability that {self.name} is {self.positive!r}"
                    f" (predicted from {self.threshold} up)."
                ),
            }
        else:
            properties = {
                "prediction": {"enum": list(self.classes)},
                "probability": probability_schema("The probability of the predicted class."),
            }
            for label, column in self.probability_columns.items():
                properties[column] = probability_schema(
                    f"The probability that {self.name} is {label!r}."
                )
        return {"type": "object", "properties": properties, "required": list(properties)}

    def metadata(self) -> dict[str, Any]:
        described = self.as_column().metadata()
        if self.is_classes:
            described.pop("categories", None)
            described.update(
                classes=list(self.classes), positive=self.positive, threshold=self.threshold
            )
        return described


def class_problems(
    classes: tuple[Label, ...], positive: Label | None, threshold: float
) -> list[str]:
    """What is wrong with a class target's classes, positive class and threshold."""
    if len(classes) < 2 or len(set(classes)) != len(classes):
        return [f"a class target needs two or more distinct classes, not {classes}"]
    if not same_kind(classes):
        return [f"classes must be all text, all numbers or all booleans: {classes}"]
    if len(classes) > 2:
        problems = []
        if positive is not None:
            problems.append(
                f"{len(classes)} classes have no positive class (the most probable one is"
                " predicted): remove positive="
            )
        if threshold != 0.5:
            problems.append("only a two-class target has a decision threshold: remove threshold=")
        columns = [probability_column(label) for label in classes]
        if len(set(columns)) != len(columns):
            problems.append(
                f"classes must differ in letters and digits, not only in punctuation: {classes}"
            )
        return problems
    problems = []
    if positive not in classes:
        problems.append(f"positive must be one of {list(classes)}")
    if not 0 < threshold < 1:
        problems.append(f"threshold must be between 0 and 1 (exclusive), not {threshold}")
    return problems


def probability_column(label: Label) -> str:
    """The prediction column of one class's probability: `probability_<class>`, in letters,
    digits and underscores (a name every table format and Spark take as is)."""
    return "probability_" + re.sub(r"[^0-9A-Za-z]+", "_", str(label)).strip("_")


def probability_schema(description: str) -> dict[str, Any]:
    return {"type": "number", "minimum": 0, "maximum": 1, "description": description}


def decide(
    probability: npt.NDArray[np.float64], negative: Label, positive: Label, threshold: float
) -> npt.NDArray[np.object_]:
    """The class each probability of the positive class predicts: positive from `threshold` up."""
    import numpy as np

    labels = np.array([negative, positive], dtype=object)
    decided: npt.NDArray[np.object_] = labels[(np.asarray(probability) >= threshold).astype(int)]
    return decided


def most_probable(
    probabilities: npt.NDArray[np.float64], order: Sequence[Label], classes: Sequence[Label]
) -> dict[str, npt.NDArray[Any]]:
    """Three or more classes: the most probable class of each row, its probability, and the
    probability of every class. `order` is the order of the model's probability columns,
    `classes` the target's (the order of the `probability_<class>` columns)."""
    import numpy as np

    best = np.argmax(probabilities, axis=1)
    columns: dict[str, npt.NDArray[Any]] = {
        "prediction": np.array(list(order), dtype=object)[best],
        "probability": probabilities[np.arange(len(best)), best],
    }
    position = {label: index for index, label in enumerate(order)}
    for label in classes:
        columns[probability_column(label)] = probabilities[:, position[label]]
    return columns


@dataclass(frozen=True)
class Schema:
    """The features a model reads and the target it predicts, in the order they are declared."""

    features: tuple[Column, ...]
    target: Target
    derived: tuple[Derived, ...] = ()
    names: tuple[str, ...] = field(init=False)
    model_columns: tuple[Column, ...] = field(init=False)
    """What the model reads: the features (dates aside) and then the derived features."""

    def __post_init__(self) -> None:
        names = tuple(column.name for column in self.features)
        if not names:
            msg = "the schema needs at least one feature"
            raise ValueError(msg)
        every = [*names, self.target.name, *(feature.name for feature in self.derived)]
        repeated = sorted({name for name in every if every.count(name) > 1})
        if repeated:
            msg = f"column names must be unique, target and derived features included: {repeated}"
            raise ValueError(msg)
        object.__setattr__(self, "names", names)
        kinds = {column.name: column.kind for column in self.features}
        for feature in self.derived:
            check_inputs(feature, kinds)
        model_columns = [column for column in self.features if not column.is_date]
        model_columns += [derived_column(feature) for feature in self.derived]
        if not model_columns:
            msg = "the model reads no column: derive features from the date columns (DERIVED)"
            raise ValueError(msg)
        object.__setattr__(self, "model_columns", tuple(model_columns))

    @property
    def numeric(self) -> list[str]:
        """The input features that hold numbers."""
        return [column.name for column in self.features if column.is_numeric]

    @property
    def categorical(self) -> list[str]:
        """The input features that hold categories."""
        return [column.name for column in self.features if column.kind == "category"]

    @property
    def dates(self) -> list[str]:
        return [column.name for column in self.features if column.is_date]

    @property
    def model_numeric(self) -> list[str]:
        """The numbers the model reads: number features and derived numbers."""
        return [column.name for column in self.model_columns if column.is_numeric]

    @property
    def model_categorical(self) -> list[str]:
        """The categories the model reads: category features and bins."""
        return [column.name for column in self.model_columns if not column.is_numeric]

    def with_derived(self, table: pd.DataFrame) -> pd.DataFrame:
        """The table with the derived features added (computed as every predictor does)."""
        from .derived import derive

        added = derive({name: table[name] for name in self.names}, self.derived)
        return table.assign(**{feature.name: added[feature.name] for feature in self.derived})

    @property
    def nullable(self) -> list[str]:
        return [column.name for column in self.features if column.nullable]

    def column(self, name: str) -> Column:
        return next(column for column in self.features if column.name == name)

    def dataframe_schema(self, *, with_target: bool) -> pa.DataFrameSchema:
        """The pandera schema of the features, and of the target when asked."""
        import pandera.pandas as pa

        columns = [*self.features, self.target.as_column()] if with_target else self.features
        return pa.DataFrameSchema({column.name: column.to_pandera() for column in columns})

    def record_json_schema(self) -> dict[str, Any]:
        """One record: every feature, each may be null only where the schema allows it."""
        return {
            "type": "object",
            "properties": {column.name: column.json_schema() for column in self.features},
            "required": list(self.names),
            "additionalProperties": False,
        }

    def metadata(self) -> list[dict[str, Any]]:
        return [column.metadata() for column in self.features]


def check_inputs(feature: Derived, kinds: dict[str, Kind]) -> None:
    """A derived feature's inputs exist and hold what its formula computes with."""
    unknown = [name for name in feature.inputs if name not in kinds]
    if unknown:
        msg = f"derived feature {feature.name!r}: {unknown} are not features of the schema"
        raise ValueError(msg)
    given = [kinds[name] for name in feature.inputs]
    if feature.formula == "date_part":
        allowed, wanted = {"date"}, "a date column"
    elif feature.formula == "difference":
        allowed, wanted = ({"date"}, "two dates") if "date" in given else (NUMBERS, "two numbers")
    else:
        allowed, wanted = NUMBERS, "number columns"
    if not set(given) <= allowed:
        msg = f"derived feature {feature.name!r}: {feature.formula} takes {wanted}, not {given}"
        raise ValueError(msg)


NUMBERS = {"integer", "number"}


def derived_column(feature: Derived) -> Column:
    """A derived feature as the model reads it: a number, or a category (bins)."""
    return Column(
        feature.name,
        feature.kind,
        feature.description,
        categories=feature.categories,
        nullable=True,
    )
