"""Workflow: score a file of any size with a model (default: the current one) into a new file."""

from __future__ import annotations

from dataclasses import dataclass

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.modeling.scoring import score_file
from {{ cookiecutter.package_name }}.store import open_store


@dataclass(frozen=True)
class PredictionOutcome:
    version: str
    rows: int
    destination: str
    note: str = ""  # cells neutralised in a CSV, said to the user


def predict(
    settings: Settings,
    source: tables.Location,
    destination: tables.Location,
    version: str | None = None,
    *,
    progress: bool = False,
) -> PredictionOutcome:
    """Score `source` chunk by chunk (data.chunk_rows) into `destination`, written atomically;
    either may be a query or table of the data.database_url database (tables/sql.py)."""
    source = tables.locate(source, settings.data)
    destination = tables.locate(destination, settings.data)
    tables.check_writable(destination, source=source)  # before loading anything
    loaded = open_store(settings).load(version)
    scored = score_file(
        loaded.model,
        source,
        destination,
        chunk_rows=settings.data.chunk_rows,
        progress=progress,
    )
    return PredictionOutcome(loaded.version, scored.rows, str(destination), scored.note())
