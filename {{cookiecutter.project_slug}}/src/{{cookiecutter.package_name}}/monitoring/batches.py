"""The batch that drift monitoring compares: a table (CSV, Parquet, JSON lines), or the API's
prediction log.

A table is data someone prepared: one bad row refuses the whole table, with every problem listed.
A prediction log is what the service received: a line that holds no valid record (cut short by a
full disk, written by an older schema) is skipped and counted, and the rest is monitored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import pandas as pd

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.validation import invalid_rows, validate
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.fs.atomic import Location as FileLocation
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.tables import Location

EXAMPLES = 3  # skipped lines named in the report


@dataclass(frozen=True)
class Batch:
    features: pd.DataFrame
    skipped: int = 0  # prediction-log lines that hold no valid record
    examples: tuple[str, ...] = ()  # the first few, and why
    sampled_from: int | None = None  # a random sample of a dataset of this many rows (Spark)

    def to_dict(self) -> dict[str, Any]:
        return {
            "skipped_lines": self.skipped,
            "skipped_examples": list(self.examples),
            "sampled_from_rows": self.sampled_from,
        }


def load_batch(location: Location) -> Batch:
    """The features of a batch, checked by the schema."""
    if is_prediction_log(location):
        return read_prediction_log(location)
    table = tables.read_table(location)
    return Batch(validate(table, require_target=False)[list(SCHEMA.names)])


def parse_line(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return None


def is_prediction_log(location: Location) -> TypeGuard[FileLocation]:
    """A JSON-lines file whose first entry holds a record under `features`, as the API logs it."""
    if not isinstance(location, str | Path) or tables.suffix(location) != ".jsonl":
        return False
    with tables.opened(location) as file:
        first = next((line for line in file if line.strip()), b"")
    entry = parse_line(first)
    return isinstance(entry, dict) and "features" in entry and entry.keys().isdisjoint(SCHEMA.names)


def read_prediction_log(location: FileLocation) -> Batch:
    """The valid records of a prediction log; the other lines are skipped and counted."""
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    skipped: dict[int, str] = {}
    with tables.opened(location) as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            entry = parse_line(line)
            features = entry.get("features") if isinstance(entry, dict) else None
            if isinstance(features, dict):
                records.append(features)
                numbers.append(number)
            else:
                skipped[number] = "not JSON" if entry is None else "no `features` object"
    total = len(records) + len(skipped)
    table = pd.DataFrame.from_records(records, index=numbers)
    bad = invalid_rows(table) if records else {}
    skipped |= bad
    examples = tuple(f"line {number}: {why}" for number, why in sorted(skipped.items())[:EXAMPLES])
    if len(skipped) == total:
        msg = f"'{location}' holds no valid record in its {total} line(s): {'; '.join(examples)}"
        raise DataError(msg)
    features = validate(table.drop(index=list(bad)), require_target=False)[list(SCHEMA.names)]
    return Batch(features.reset_index(drop=True), len(skipped), examples)
