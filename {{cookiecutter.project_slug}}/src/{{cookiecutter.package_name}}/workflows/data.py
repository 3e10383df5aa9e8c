"""Workflow: write the embedded sample dataset (labelled, synthetic, offline) to a file."""

from __future__ import annotations

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import Settings


def write_sample(
    settings: Settings,
    destination: tables.Location,
    rows: int | None = None,
    *,
    drift: float = 0.0,
) -> int:
    """`rows` rows (default: data.sample_rows) drawn with training.seed; returns the row count.

    `drift` moves the features away from the training data by that many standard deviations.
    """
    tables.format_of(destination)
    table = make_dataset(rows or settings.data.sample_rows, settings.training.seed, drift=drift)
    tables.write_table(table, destination)
    return len(table)
