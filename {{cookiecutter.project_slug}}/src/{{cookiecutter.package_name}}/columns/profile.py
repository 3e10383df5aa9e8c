"""What drafting a schema needs to know about each column of a table, gathered chunk by chunk.

`schema infer` reads a team's table in chunks, so that a table larger than memory can be drafted.
Each column's whole-table facts (rows present, numeric range, mean and spread, distinct values up to
a bound, date range and the values that are not dates) are merged chunk by chunk; a uniform sample
of rows (seeded: the same file drafts the same schema) answers what needs the values themselves
(what dates look like, identifiers, free text). Memory holds one chunk, the sample and at most
`distinct_limit` values per column, whatever the table's length. A table that fits in the sample
is its own sample: drafting it in memory and from a file decide alike.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.columns.dates import parse_dates

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy.typing as npt

    from {{ cookiecutter.package_name }}.columns import Label

DISTINCT_LIMIT = 1_000  # distinct values counted per column; beyond it, "more than 1,000"
SAMPLE_CELLS = 5_000_000  # the sample's bound: 100,000 rows of 50 columns
SAMPLE_ROWS = 100_000
CHUNK_CELLS = 2_000_000  # one chunk's bound: 50,000 rows of 40 columns
CHUNK_ROWS = (1_000, 50_000)
EXAMPLES = 3
# What a date looks like: 2021-03-04 (and a time after it), 04/03/2021, 4.3.21, Mar 4 2021,
# 4 March 2021. Text that only pandas' lenient parser reads as a date ("T0001", "3", "may") is not.
DATE_SHAPE = (
    r"\d{4}-\d{1,2}-\d{1,2}([T ].*)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}( .*)?"
    r"|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}( .*)?"
    r"|\d{1,2} [A-Za-z]{3,9}\.? \d{4}( .*)?"
)


def label(value: Any) -> Label:
    """A plain Python label: `1`, not `np.int64(1)`."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return str(value)


def looks_like_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return False
    sample = values.dropna().astype(str).str.strip().head(200)
    if not sample.str.fullmatch(DATE_SHAPE).mean() > 0.9:
        return False
    return bool(parse_dates(sample).notna().mean() > 0.9)


def first_distinct(values: pd.Series, count: int = EXAMPLES) -> tuple[str, ...]:
    return tuple(pd.unique(values.astype(str))[:count])


@dataclass(frozen=True)
class Numbers:
    """Count, range, mean and spread of a column's numbers; merged exactly across chunks."""

    count: int
    low: float
    high: float
    mean: float
    squares: float  # the sum of squared deviations from the mean
    whole: bool

    @classmethod
    def of(cls, present: pd.Series) -> Numbers:
        values = present.to_numpy(dtype="float64")
        mean = float(values.mean())
        return cls(
            len(values),
            float(values.min()),
            float(values.max()),
            mean,
            float(((values - mean) ** 2).sum()),
            bool((values % 1 == 0).all()),
        )

    def merged(self, other: Numbers) -> Numbers:
        count = self.count + other.count
        delta = other.mean - self.mean
        return Numbers(
            count,
            min(self.low, other.low),
            max(self.high, other.high),
            self.mean + delta * other.count / count,
            self.squares + other.squares + delta**2 * self.count * other.count / count,
            self.whole and other.whole,
        )

    @property
    def std(self) -> float:
        return math.sqrt(self.squares / self.count)


@dataclass(frozen=True)
class Dates:
    """A column's date range, and its values that are not dates (with a few of them)."""

    earliest: pd.Timestamp | None = None
    latest: pd.Timestamp | None = None
    wrong: int = 0
    examples: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: pd.Series) -> Dates:
        if not looks_like_dates(values):  # none of this chunk is a date
            present = values.dropna()
            return cls(wrong=len(present), examples=first_distinct(present.head(50)))
        parsed = parse_dates(values)
        wrong = values[values.notna() & parsed.isna()]
        days = parsed.dropna()
        if days.empty:
            return cls(wrong=len(wrong), examples=first_distinct(wrong))
        return cls(days.min(), days.max(), len(wrong), first_distinct(wrong))

    def merged(self, other: Dates) -> Dates:
        def pick(choose: Any, first: Any, second: Any) -> Any:
            return second if first is None else first if second is None else choose(first, second)

        examples = tuple(dict.fromkeys(self.examples + other.examples))[:EXAMPLES]
        return Dates(
            pick(min, self.earliest, other.earliest),
            pick(max, self.latest, other.latest),
            self.wrong + other.wrong,
            examples,
        )


@dataclass(frozen=True)
class Facts:
    """One column's whole-table facts, and its values in the sample."""

    present: int
    numbers: Numbers | None  # None when some values are not numbers (or are booleans)
    counts: Counter[Label] | None  # each distinct value's rows; None beyond the limit
    dates: Dates
    boolean: bool
    limit: int
    not_numbers: tuple[str, ...] = ()  # a few values that are not numbers
    rows: int = 0  # the table's rows (set with the sample)
    sample: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))

    @classmethod
    def of(cls, values: pd.Series, limit: int) -> Facts:
        present = values.dropna()
        boolean = pd.api.types.is_bool_dtype(present)
        numeric = pd.api.types.is_numeric_dtype(present) and not boolean
        return cls(
            len(present),
            Numbers.of(present) if numeric and len(present) else None,
            counted(present, limit),
            Dates.of(values),
            boolean,
            limit,
            () if numeric else not_numbers(present),
        )

    def merged(self, other: Facts) -> Facts:
        if not self.present or not other.present:  # a chunk without values says nothing more
            kept = other if not self.present else self
            return replace(kept, present=self.present + other.present)
        numbers = self.numbers.merged(other.numbers) if self.numbers and other.numbers else None
        counts = None
        if self.counts is not None and other.counts is not None:
            counts = self.counts + other.counts
            counts = counts if len(counts) <= self.limit else None
        return Facts(
            self.present + other.present,
            numbers,
            counts,
            self.dates.merged(other.dates),
            self.boolean and other.boolean,
            self.limit,
            tuple(dict.fromkeys(self.not_numbers + other.not_numbers))[:EXAMPLES],
        )

    @property
    def missing(self) -> int:
        return self.rows - self.present

    @property
    def distinct(self) -> int | None:
        """How many distinct values; None when more than the limit."""
        return None if self.counts is None else len(self.counts)

    @property
    def distinct_text(self) -> str:
        return f"more than {self.limit:,}" if self.counts is None else str(len(self.counts))


def not_numbers(present: pd.Series) -> tuple[str, ...]:
    """A few of the values that are not numbers, among the first distinct ones."""
    distinct = pd.Series(pd.unique(present)[:2_000])
    return first_distinct(distinct[pd.to_numeric(distinct, errors="coerce").isna()])


def counted(present: pd.Series, limit: int) -> Counter[Label] | None:
    counts = present.value_counts(sort=False)
    if len(counts) > limit:
        return None
    merged: Counter[Label] = Counter()
    for value, rows in counts.items():
        merged[label(value)] += int(rows)
    return merged


@dataclass
class TableProfile:
    """Every column's facts, the rows read, and a uniform sample of rows."""

    rows: int = 0
    columns: dict[str, Facts] = field(default_factory=dict)
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    keys: npt.NDArray[np.float64] = field(default_factory=lambda: np.empty(0))

    def add(self, chunk: pd.DataFrame, *, limit: int, sample_rows: int, rng: Any) -> None:
        chunk = chunk.set_axis(pd.RangeIndex(self.rows, self.rows + len(chunk)))
        for name, values in chunk.items():
            facts = Facts.of(values, limit)
            known = self.columns.get(str(name))
            self.columns[str(name)] = facts if known is None else known.merged(facts)
        self.rows += len(chunk)
        self.keep_sample(chunk, rng.random(len(chunk)), sample_rows)

    def keep_sample(self, chunk: pd.DataFrame, keys: npt.NDArray[np.float64], rows: int) -> None:
        """The `rows` rows with the smallest random keys so far: a uniform sample (bottom-k)."""
        if len(self.keys) >= rows:
            wanted = keys < self.keys.max()
            chunk, keys = chunk[wanted], keys[wanted]
            if chunk.empty:
                return
        table = pd.concat([self.sample, chunk]) if len(self.sample) else chunk
        keys = np.concatenate([self.keys, keys])
        if len(keys) > rows:
            kept = np.sort(np.argpartition(keys, rows - 1)[:rows])  # in the table's order
            table, keys = table.iloc[kept], keys[kept]
        self.sample, self.keys = table, keys

    def facts(self, name: str) -> Facts:
        """A column's facts with its values in the sample."""
        if name in self.sample:
            values = self.sample[name]
        else:  # every row of it fell outside the sample
            values = pd.Series(np.nan, index=self.sample.index, dtype=object)
        return replace(self.columns[name], rows=self.rows, sample=values)


def profile(
    chunks: Iterable[pd.DataFrame],
    *,
    limit: int = DISTINCT_LIMIT,
    sample_rows: int = SAMPLE_ROWS,
    seed: int = 0,
) -> TableProfile:
    """The profile of a table read in `chunks`."""
    rng = np.random.default_rng(seed)
    table = TableProfile()
    for chunk in chunks:
        table.add(chunk, limit=limit, sample_rows=sample_rows, rng=rng)
    table.sample = table.sample.sort_index()
    return table


def chunk_rows(columns: int) -> int:
    """Rows per chunk for a table of `columns` columns: about CHUNK_CELLS cells."""
    low, high = CHUNK_ROWS
    return max(low, min(high, CHUNK_CELLS // max(columns, 1)))


def sample_rows(columns: int) -> int:
    return max(CHUNK_ROWS[0], min(SAMPLE_ROWS, SAMPLE_CELLS // max(columns, 1)))
