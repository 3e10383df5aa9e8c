"""Score tables: a DataFrame in memory, or CSV/Parquet files of any size, chunk by chunk.

A file is read, validated, scored and written one chunk at a time, so memory stays bounded by the
chunk size, not the file size. The output is written to a temporary file and renamed into place at
the end: a failed run never leaves a half-written output behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.data import check_readable, validate
from {{ cookiecutter.package_name }}.errors import DataError, DataValidationError

PARQUET = {".parquet", ".pq"}


def predict_frame(model: Pipeline, features: pd.DataFrame) -> pd.DataFrame:
    """The problem's prediction columns (and probabilities for classification) for each row."""
    return pd.DataFrame(problem.predict_columns(model, features), index=features.index)


def read_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    if path.suffix.lower() in PARQUET:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
            yield batch.to_pandas()
    else:
        yield from pd.read_csv(path, chunksize=chunk_rows)


def count_rows(path: Path) -> int | None:
    """Rows in a Parquet file, from its footer; None for CSV (counting would read it twice)."""
    return pq.ParquetFile(path).metadata.num_rows if path.suffix.lower() in PARQUET else None


class ChunkWriter:
    """Append scored chunks to one CSV or Parquet file."""

    def __init__(self, path: Path, *, parquet: bool) -> None:
        self.path = path
        self.parquet = parquet
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, chunk: pd.DataFrame) -> None:
        if self.parquet:
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.path, table.schema)
            self.writer.write_table(table)
        else:
            chunk.to_csv(self.path, mode="a", header=self.rows == 0, index=False)
        self.rows += len(chunk)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def validate_chunk(chunk: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Validate one chunk like training data, without the target; problems name the row range."""
    try:
        return validate(chunk, require_target=False)
    except DataValidationError as error:
        rows = f"rows {first_row}-{first_row + len(chunk) - 1}"
        raise DataValidationError([f"{rows}: {problem}" for problem in error.problems]) from None


def predict_file(
    model: Pipeline, source: Path, destination: Path, *, chunk_rows: int, progress: bool = False
) -> int:
    """Score `source` into `destination` (input columns plus predictions); returns the row count."""
    check_readable(source)
    if destination.suffix.lower() not in {".csv", *PARQUET}:
        msg = f"cannot write '{destination}': use a .csv or .parquet output file"
        raise DataError(msg)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    writer = ChunkWriter(partial, parquet=destination.suffix.lower() in PARQUET)
    try:
        with ExitStack() as stack:
            stack.callback(writer.close)
            bar = stack.enter_context(
                tqdm(total=count_rows(source), unit="rows", disable=not progress, desc="predict")
            )
            for chunk in read_chunks(source, chunk_rows):
                features = validate_chunk(chunk, first_row=writer.rows + 1)
                scored = predict_frame(model, features)
                # Scoring an already scored file replaces its predictions instead of repeating them.
                kept = chunk.drop(columns=scored.columns, errors="ignore")
                writer.write(pd.concat([kept, scored], axis=1))
                bar.update(len(chunk))
        if writer.rows == 0:
            msg = f"'{source}' has no rows to score"
            raise DataError(msg)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)
    return writer.rows
