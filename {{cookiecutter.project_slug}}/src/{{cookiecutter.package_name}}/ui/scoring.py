"""Scoring for the pages: one record from the form, or an uploaded file, with the core's checks.

A record is validated like a row of a file (`validation.validate`), and an upload is scored by
the very function behind the CLI's `predict` (`prediction.score_file`), so the app refuses what
the CLI refuses, with the same messages. An upload is written to a temporary folder first: the
core reads and writes locations, and the folder's name is left out of the messages.

Memory: an upload is copied to disk from Streamlit's buffer (not copied again in memory), its
predictions stay on disk until the session lets go of them (the download reads them when it is
clicked), and the memory a scoring freed is given back to the system, so large uploads do not
leave the app larger for good.
"""

from __future__ import annotations

import ctypes
import math
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import pandas as pd

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataError, ModelNotFoundError
from {{ cookiecutter.package_name }}.modeling.scoring import (
    FileScored,
    plain,
    predict_frame,
    score_file,
)
from {{ cookiecutter.package_name }}.store import LoadedModel
from {{ cookiecutter.package_name }}.store.current import InUse

PREVIEW_ROWS = 20
MIME_TYPES = {
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".pq": "application/vnd.apache.parquet",
    ".jsonl": "application/jsonl",
}


@dataclass(frozen=True)
class Scored:
    """The predictions for one record, and the model that made them."""

    version: str
    predictions: dict[str, Any]


def give_back_memory() -> None:
    """Return the heap memory a scoring freed to the system. glibc keeps freed memory for reuse
    (a 90 MB upload left the app hundreds of MB larger for good); elsewhere, nothing to do."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: macOS, musl
        return
    trim(0)


def forget(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    give_back_memory()


@dataclass(frozen=True)
class ScoredFile:
    """An upload's predictions, on disk in the upload's own format until this object is dropped
    (a new upload, or the session's end, removes them)."""

    name: str
    path: Path
    rows: int
    version: str
    preview: pd.DataFrame
    note: str = ""  # formulas neutralised in a CSV, said on the page

    def __post_init__(self) -> None:
        weakref.finalize(self, forget, self.path.parent)

    def data(self) -> bytes:
        """The file's bytes, read when the download is clicked."""
        return self.path.read_bytes()

    @property
    def mime(self) -> str:
        return MIME_TYPES.get(tables.suffix(self.name), "application/octet-stream")


class Scorer(Protocol):
    """How the pages score: in the app (`LocalScorer`), or through the API."""

    @property
    def where(self) -> str:
        """Where the scoring happens, in words, for the page."""
        ...

    @property
    def problem(self) -> str | None:
        """Why scoring cannot happen, or why the model in use was not replaced: for the page."""
        ...

    def score_record(self, record: dict[str, Any]) -> Scored: ...

    def score_file(self, name: str, data: IO[bytes]) -> ScoredFile: ...

    def metadata(self) -> dict[str, Any]:
        """The metadata of the model that scores (what `info` prints)."""
        ...


def record_frame(record: dict[str, Any]) -> pd.DataFrame:
    """One record from the form, checked like a row of a file (DataValidationError if not).

    An empty field is NaN, as an empty cell of a file is: the messages are the same.
    """
    row = {name: math.nan if value is None else value for name, value in record.items()}
    return validate(pd.DataFrame([row]), require_target=False)


def upload_name(name: str) -> str:
    """The upload's file name alone: a browser may send a path, or nothing."""
    name = Path(name.replace("\\", "/")).name
    return "upload" if name in ("", ".", "..") else name


def output_name(name: str) -> str:
    path = Path(name)
    return f"{path.stem}-predictions{path.suffix}"


@dataclass(frozen=True)
class Upload:
    """An upload written to a temporary folder, and where its predictions are to go."""

    source: Path
    destination: Path

    def scored(self, scored: FileScored, version: str) -> ScoredFile:
        """The predictions, moved to a folder of their own that outlives the upload's."""
        with closing(tables.read_chunks(self.destination, PREVIEW_ROWS)) as chunks:
            preview = next(chunks)
        kept = Path(tempfile.mkdtemp(prefix="scored-")) / self.destination.name
        shutil.move(self.destination, kept)
        return ScoredFile(kept.name, kept, scored.rows, version, preview, scored.note())


@contextmanager
def uploaded(name: str, data: IO[bytes]) -> Iterator[Upload]:
    """The upload as a file, for the core to read; its DataErrors name the file, not the folder."""
    name = upload_name(name)
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        source = Path(folder) / name
        data.seek(0)
        with source.open("wb") as file:
            shutil.copyfileobj(data, file)
        try:
            tables.format_of(name)
            yield Upload(source, Path(folder) / output_name(name))
        except DataError as error:
            raise DataError(str(error).replace(str(source), name)) from None


class LocalScorer:
    """Scores with the model in the app, the one the holder gave this interaction."""

    def __init__(self, settings: Settings, in_use: InUse[LoadedModel]) -> None:
        self.settings = settings
        self.in_use = in_use

    @property
    def where(self) -> str:
        version = self.in_use.version
        return "no model loaded" if version is None else f"model {version}, loaded in the app"

    @property
    def problem(self) -> str | None:
        """Why there is no model, or why the version the store names now was refused."""
        state = self.in_use
        if state.error is None or state.model is None:
            return state.error
        return f"{state.error}; the app keeps using model {state.version}"

    def model(self) -> LoadedModel:
        if self.in_use.model is None:
            raise ModelNotFoundError(self.problem or "no model is loaded")
        return self.in_use.model

    def score_record(self, record: dict[str, Any]) -> Scored:
        loaded = self.model()
        predicted = predict_frame(loaded.model, record_frame(record))
        values = {str(name): plain(value) for name, value in predicted.iloc[0].items()}
        return Scored(loaded.version, values)

    def score_file(self, name: str, data: IO[bytes]) -> ScoredFile:
        loaded = self.model()
        with uploaded(name, data) as upload:
            scored = score_file(
                loaded.model,
                upload.source,
                upload.destination,
                chunk_rows=self.settings.data.chunk_rows,
            )
            return upload.scored(scored, loaded.version)

    def metadata(self) -> dict[str, Any]:
        return self.model().metadata
