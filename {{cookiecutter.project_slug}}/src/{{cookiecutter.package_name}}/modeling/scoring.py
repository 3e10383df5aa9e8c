"""Score tables: a DataFrame in memory, or CSV/Parquet/JSON-lines files of any size, in chunks.

A file is read, validated, scored and written one chunk at a time, so memory stays bounded by the
chunk size, not the file size. The output appears only when every chunk is written (`tables`
writes atomically): a failed run never leaves a half-written output behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm import tqdm

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.columns.validation import records_to_frame, validate
from {{ cookiecutter.package_name }}.errors import DataError, DataValidationError
from {{ cookiecutter.package_name }}.features import model_input
from {{ cookiecutter.package_name }}.modeling.predictors import JOBLIB, Record
from {{ cookiecutter.package_name }}.schema import SCHEMA

# The columns a scored CSV writes as they are: validated values and the model's own. Any other
# column is passed through, and a formula in it is neutralised (`tables`).
DECLARED = frozenset([SCHEMA.target.name, *SCHEMA.names, *problem.PREDICTION_COLUMNS])
# The other columns a scored file may pass through: a wider file is refused from its header, before
# a chunk of it fills memory (100,000 columns of 10,000 rows would take gigabytes).
MAX_PASSED_THROUGH = 1_000
MAX_COLUMNS = len(DECLARED) + MAX_PASSED_THROUGH

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.store import LoadedModel


def predict_frame(model: Any, features: pd.DataFrame) -> pd.DataFrame:
    """The problem's prediction columns (and probabilities for classification) for each row."""
    columns = problem.predict_columns(model, model_input(features))
    return pd.DataFrame(columns, index=features.index)


class SklearnPredictor:
    """A model served from its pickle: what the API falls back to without an ONNX export."""

    runtime = JOBLIB

    def __init__(self, loaded: LoadedModel) -> None:
        self.model = loaded.model
        self.metadata = loaded.metadata

    def predict(self, records: Sequence[Record]) -> list[dict[str, Any]]:
        """The records were checked against the schema already (the API's JSON Schema does)."""
        predicted = predict_frame(self.model, records_to_frame(records))
        return [
            {str(name): plain(value) for name, value in row.items()}
            for row in predicted.to_dict(orient="records")
        ]


def plain(value: Any) -> Any:
    """A NumPy scalar as a plain Python value (what JSON can hold)."""
    return value.item() if hasattr(value, "item") else value


def validate_chunk(chunk: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Validate one chunk like training data, without the target; problems name the row range."""
    try:
        return validate(chunk, require_target=False)
    except DataValidationError as error:
        rows = f"rows {first_row}-{first_row + len(chunk) - 1}"
        raise DataValidationError([f"{rows}: {message}" for message in error.problems]) from None


@dataclass(frozen=True)
class FileScored:
    """How many rows a file scoring wrote, and how many cells it neutralised (formulas in a CSV's
    passed-through columns)."""

    rows: int
    neutralised: int = 0

    def note(self) -> str:
        """What to tell the user about neutralised cells ('' when there were none)."""
        if not self.neutralised:
            return ""
        return (
            f"prefixed {self.neutralised:,} cell(s) of passed-through columns with ' : they"
            " began with =, +, -, @ or a tab, which a spreadsheet would run as a formula"
        )


def score_file(
    model: Any,
    source: tables.Location,
    destination: tables.Location,
    *,
    chunk_rows: int,
    progress: bool = False,
) -> FileScored:
    """Score `source` into `destination` (input columns plus predictions)."""
    tables.check_readable(source)
    tables.check_writable(destination, source=source)
    with ExitStack() as stack:
        sink = stack.enter_context(tables.chunk_writer(destination, neutralise_except=DECLARED))
        bar = stack.enter_context(
            tqdm(total=tables.count_rows(source), unit="rows", disable=not progress, desc="predict")
        )
        for chunk in tables.read_chunks(source, chunk_rows, max_columns=MAX_COLUMNS):
            if chunk.empty:  # a header and no rows: nothing to score (said below)
                continue
            features = validate_chunk(chunk, first_row=sink.rows + 1)
            scored = predict_frame(model, features)
            # Scoring an already scored file replaces its predictions instead of repeating them.
            kept = chunk.drop(columns=scored.columns, errors="ignore")
            sink.write(pd.concat([kept, scored], axis=1))
            bar.update(len(chunk))
        if sink.rows == 0:
            msg = f"'{source}' has no rows to score"
            raise DataError(msg)
    return FileScored(sink.rows, sink.neutralised)
