"""Derived features: columns the model reads that are computed from the input columns.

Declared once, in `schema.py`'s DERIVED, and computed by `derive` alone: with NumPy only, from
whatever holds the input columns (a pandas table for training and batches, Spark's Arrow batches,
the API's JSON records, the app's form). Each model records its derived features in its metadata,
so its predictors compute them as it was trained, even after `schema.py` changes; the ONNX export
takes them as inputs, computed by this step before the graph runs.

    ratio(name, numerator, denominator)       numerator / denominator (missing when it is 0)
    difference(name, left, right)             left - right; for two dates, the days between them
    log(name, column)                         log(1 + value) (missing below -1)
    bins(name, column, edges)                 a category per interval: "<30", "30-45", ">=60"
    date_part(name, column, part, since=None) year, month, day, weekday (Monday 0), day_of_year,
                                              or days_since the date `since` (ISO, 2020-01-01)

A value computed from a missing input is missing: the model imputes it like any other.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Formula = Literal["ratio", "difference", "log", "bins", "date_part"]
FORMULAS: tuple[Formula, ...] = ("ratio", "difference", "log", "bins", "date_part")
DatePart = Literal["year", "month", "day", "weekday", "day_of_year", "days_since"]
DATE_PARTS: tuple[DatePart, ...] = ("year", "month", "day", "weekday", "day_of_year", "days_since")
INPUTS = {"ratio": 2, "difference": 2, "log": 1, "bins": 1, "date_part": 1}
MISSING_BIN = None  # a bin of a missing value: the model's MISSING category
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Derived:
    """One derived feature: its name, how it is computed, and from which input columns."""

    name: str
    formula: Formula
    inputs: tuple[str, ...]
    edges: tuple[float, ...] = ()
    part: DatePart | None = None
    since: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        problems = []
        if self.formula not in FORMULAS:
            problems.append(f"formula must be one of {', '.join(FORMULAS)}, not {self.formula!r}")
        elif len(self.inputs) != INPUTS[self.formula]:
            problems.append(f"{self.formula} takes {INPUTS[self.formula]} column(s)")
        if self.formula == "bins" and (
            not self.edges or list(self.edges) != sorted(set(self.edges))
        ):
            problems.append(f"bins need increasing edges, not {self.edges}")
        if self.formula == "date_part":
            problems.extend(self.date_part_problems())
        if problems:
            msg = f"schema derived feature {self.name!r}: " + "; ".join(problems)
            raise ValueError(msg)

    def date_part_problems(self) -> list[str]:
        if self.part not in DATE_PARTS:
            return [f"part must be one of {', '.join(DATE_PARTS)}, not {self.part!r}"]
        if (self.part == "days_since") != (self.since is not None):
            return ["days_since needs `since` (an ISO date), and only days_since takes it"]
        if self.since is not None and not is_iso_date(self.since):
            return [f"since must be an ISO date (2020-01-01), not {self.since!r}"]
        return []

    @property
    def kind(self) -> Literal["number", "category"]:
        """How the model reads it: bins are categories, everything else a number."""
        return "category" if self.formula == "bins" else "number"

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """The bins' labels, in order (a derived number has none)."""
        if self.formula != "bins":
            return ()
        edges = [format_edge(edge) for edge in self.edges]
        inner = [f"{low}-{high}" for low, high in itertools.pairwise(edges)]
        return (f"<{edges[0]}", *inner, f">={edges[-1]}")

    def metadata(self) -> dict[str, Any]:
        """The declaration as plain data, recorded with each model (`from_metadata` reads it)."""
        described: dict[str, Any] = {
            "name": self.name,
            "formula": self.formula,
            "inputs": list(self.inputs),
            "kind": self.kind,
        }
        if self.edges:
            described.update(edges=list(self.edges), categories=list(self.categories))
        if self.part is not None:
            described["part"] = self.part
        if self.since is not None:
            described["since"] = self.since
        if self.description:
            described["description"] = self.description
        return described

    @classmethod
    def from_metadata(cls, described: Mapping[str, Any]) -> Derived:
        return cls(
            described["name"],
            described["formula"],
            tuple(described["inputs"]),
            edges=tuple(described.get("edges", ())),
            part=described.get("part"),
            since=described.get("since"),
            description=described.get("description", ""),
        )

    def compute(self, columns: Mapping[str, Any]) -> npt.NDArray[Any]:
        """The feature's values from the input columns: floats (missing: NaN), or a bin's label
        (missing: None)."""
        import numpy as np

        if self.formula == "date_part":
            return part_of(as_dates(columns[self.inputs[0]]), self.part, self.since)
        if self.formula == "difference" and is_dates(columns[self.inputs[0]]):
            left, right = (as_dates(columns[name]) for name in self.inputs)
            return days_between(left, right)
        values = [as_numbers(columns[name]) for name in self.inputs]
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.formula == "ratio":
                result = values[0] / values[1]
            elif self.formula == "difference":
                result = values[0] - values[1]
            elif self.formula == "log":
                result = np.log1p(values[0])
            else:
                return self.bin_labels(values[0])
        finite: npt.NDArray[np.float64] = np.where(np.isfinite(result), result, np.nan)
        return finite

    def bin_labels(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.object_]:
        import numpy as np

        labels, edges = self.bin_arrays
        index = np.digitize(values, edges)
        index[np.isnan(values)] = len(self.categories)
        picked: npt.NDArray[np.object_] = labels[index]
        return picked

    @cached_property
    def bin_arrays(self) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.float64]]:
        """The labels (the missing bin's last) and edges as arrays, built once: the API derives
        every request's features, and building them took a fifth of a record's derivation."""
        import numpy as np

        labels = np.array([*self.categories, MISSING_BIN], dtype=object)
        return labels, np.asarray(self.edges, dtype=np.float64)


def ratio(name: str, numerator: str, denominator: str, description: str = "") -> Derived:
    return Derived(name, "ratio", (numerator, denominator), description=description)


def difference(name: str, left: str, right: str, description: str = "") -> Derived:
    return Derived(name, "difference", (left, right), description=description)


def log(name: str, column: str, description: str = "") -> Derived:
    return Derived(name, "log", (column,), description=description)


def bins(name: str, column: str, edges: tuple[float, ...], description: str = "") -> Derived:
    return Derived(name, "bins", (column,), edges=tuple(edges), description=description)


def date_part(
    name: str, column: str, part: DatePart, since: str | None = None, description: str = ""
) -> Derived:
    return Derived(name, "date_part", (column,), part=part, since=since, description=description)


def derive(columns: Mapping[str, Any], derived: tuple[Derived, ...]) -> dict[str, Any]:
    """The input columns with every derived feature added (the inputs are not copied). Each input
    is converted once (to floats, or to days), however many features read it."""
    inputs = {name for feature in derived for name in feature.inputs}
    converted = {
        name: as_dates(columns[name]) if is_dates(columns[name]) else as_numbers(columns[name])
        for name in inputs
    }
    return {**columns, **{feature.name: feature.compute(converted) for feature in derived}}


def format_edge(edge: float) -> str:
    return str(int(edge)) if float(edge).is_integer() else repr(float(edge))


def is_iso_date(text: Any) -> bool:
    """Whether `text` is a calendar date written YYYY-MM-DD (what the API and files take)."""
    import datetime

    # fromisoformat alone also takes week dates (2024-W01-1) and 20240101, which NumPy does not
    if not isinstance(text, str) or not ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_missing(value: Any) -> bool:
    """None, NaN, or pandas' NaT / NA: a missing value, however the input holds it."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas' NA refuses to be a bool
        return True


def is_dates(values: Any) -> bool:
    """Whether a column holds dates: NumPy or pandas datetimes, or date objects or text."""
    kind = getattr(getattr(values, "dtype", None), "kind", "O")
    if kind != "O":
        return kind == "M"
    present = next((value for value in values if not is_missing(value)), None)
    return isinstance(present, str) or hasattr(present, "isoformat")


def as_dates(values: Any) -> npt.NDArray[np.datetime64]:
    """Days (datetime64[D], missing: NaT) from dates however they arrive: ISO text, Python or
    pandas dates and timestamps, NumPy datetimes."""
    import numpy as np

    try:  # NumPy converts ISO text, dates, timestamps and None itself
        days: npt.NDArray[np.datetime64] = np.asarray(values, dtype="datetime64[D]").reshape(-1)
    except (TypeError, ValueError):  # NaN or pandas' NA for a missing date, say
        listed = np.asarray(values, dtype=object).reshape(-1).tolist()
        days = np.array(
            [None if is_missing(value) else str(value)[:10] for value in listed],
            dtype="datetime64[D]",
        )
    return days


def as_numbers(values: Any) -> npt.NDArray[np.float64]:
    """Floats (missing: NaN) from numbers however they arrive: a list with None, an array."""
    import numpy as np

    try:  # NumPy reads None as NaN
        return np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):  # pandas' NA, say
        listed = np.asarray(values, dtype=object).reshape(-1).tolist()
        return np.array(
            [math.nan if is_missing(value) else float(value) for value in listed], dtype=np.float64
        )


def part_of(
    days: npt.NDArray[np.datetime64], part: DatePart | None, since: str | None
) -> npt.NDArray[np.float64]:
    """One part of each date, as a float (a missing date: NaN)."""
    import numpy as np

    if part == "days_since":
        return days_between(days, np.full(days.shape, np.datetime64(since, "D")))
    if part == "year":
        values = days.astype("datetime64[Y]").astype(np.int64) + 1970
    elif part == "month":
        values = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    elif part == "day":
        values = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    elif part == "weekday":  # 1970-01-01 was a Thursday: Monday is 0
        values = (days.astype(np.int64) + 3) % 7
    else:
        values = (days - days.astype("datetime64[Y]")).astype(np.int64) + 1
    parts: npt.NDArray[np.float64] = np.where(np.isnat(days), np.nan, values.astype(np.float64))
    return parts


def days_between(
    later: npt.NDArray[np.datetime64], earlier: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.float64]:
    import numpy as np

    missing = np.isnat(later) | np.isnat(earlier)
    days = (later - earlier).astype(np.int64).astype(np.float64)
    between: npt.NDArray[np.float64] = np.where(missing, np.nan, days)
    return between
