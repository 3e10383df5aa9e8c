"""The one way in and out for tables: CSV, Parquet and JSON lines, at any path or fsspec URI.

Every module reads and writes tables through these functions, so a new format is one entry in
`FORMATS`, and a new place to keep data is a URI: local paths are the default, and `s3://`,
`gs://` or `abfs://` work once the matching fsspec extra (s3fs, gcsfs, adlfs) is installed.

Writes are atomic: a file is written under a temporary name beside its destination and renamed
into place when complete, so a reader never sees half a file and a failed run leaves nothing
(`fs/atomic.py`, which every other file the project writes goes through too).

Scored files pass the input's other columns through. In a CSV, a text cell that starts with `=`,
`+`, `-`, `@`, a tab or a carriage return is a formula to a spreadsheet (`=HYPERLINK(...)`), so
`chunk_writer(..., neutralise_except=...)` prefixes such cells of every column but the declared
ones with `'` (OWASP's advice; a spreadsheet shows the text) and counts them (`sink.neutralised`).
The schema's own columns are validated values and are written as they are.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import posixpath
from collections.abc import Callable, Collection, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.config import env_name
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.fs.atomic import Location as FileLocation
from {{ cookiecutter.package_name }}.fs.atomic import atomic_open, filesystem
from {{ cookiecutter.package_name }}.fs.json_objects import (
    DuplicateKeyError,
    once_each,
    repeated,
)
from {{ cookiecutter.package_name }}.tables.sql import (
    TABLE_PREFIX,
    Database,
    Query,
    Table,
    is_query,
    is_table,
)

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.config import DataSettings

Location = FileLocation | Query | Table  # a file, or a query or table of a database (sql.py)

SQL_ROWS = 100_000  # rows fetched at a time when a query or table is read whole
# What starts a formula in Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Sink(Protocol):
    """Where `chunk_writer` writes: a file (ChunkSink) or a table (sql.TableSink)."""

    rows: int
    neutralised: int

    def write(self, chunk: pd.DataFrame) -> None: ...


class ChunkSink:
    """Writes one table in several chunks into an open file."""

    def __init__(
        self,
        file: IO[bytes],
        write: Callable[[ChunkSink, pd.DataFrame], None],
        neutralise_except: Collection[str] | None = None,
    ) -> None:
        self.file = file
        self.rows = 0
        self._write = write
        self.parquet: pq.ParquetWriter | None = None
        self.neutralise_except = neutralise_except  # None: every cell as it is
        self.neutralised = 0  # cells that a spreadsheet would have run as formulas

    def write(self, chunk: pd.DataFrame) -> None:
        self._write(self, chunk)
        self.rows += len(chunk)

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()


def write_csv_chunk(sink: ChunkSink, chunk: pd.DataFrame) -> None:
    if sink.neutralise_except is not None:
        chunk, count = neutralised(chunk, sink.neutralise_except)
        sink.neutralised += count
    sink.file.write(chunk.to_csv(index=False, header=sink.rows == 0).encode("utf-8"))


def neutralised(table: pd.DataFrame, declared: Collection[str]) -> tuple[pd.DataFrame, int]:
    """`table` with each text cell of an undeclared column that starts a formula prefixed with
    `'`, and how many there were."""
    count = 0
    for name in table.columns:
        values = table[name]
        if name in declared or not (values.dtype == object or values.dtype == "string"):
            continue
        formula = values.map(
            lambda value: isinstance(value, str) and value.startswith(FORMULA_STARTS)
        )
        formula = formula.astype(bool)
        if formula.any():
            table = table.copy() if count == 0 else table
            table[name] = values.where(~formula, "'" + values.astype(str))
            count += int(formula.sum())
    return table, count


def write_parquet_chunk(sink: ChunkSink, chunk: pd.DataFrame) -> None:
    if sink.parquet is None:
        table = pa.Table.from_pandas(chunk, preserve_index=False)
        # Timestamps (dates) in microseconds, which Spark reads; pandas holds nanoseconds.
        sink.parquet = pq.ParquetWriter(
            sink.file, table.schema, coerce_timestamps="us", allow_truncated_timestamps=True
        )
    else:  # later chunks take the first chunk's types (a column all missing in one chunk, say)
        table = pa.Table.from_pandas(chunk, schema=sink.parquet.schema, preserve_index=False)
    sink.parquet.write_table(table)


def is_days(values: pd.Series) -> bool:
    """Whether timestamps are whole days (missing ones aside: NaT equals nothing)."""
    present = values.dropna()
    return bool((present.dt.normalize() == present).all())


def write_jsonl_chunk(sink: ChunkSink, chunk: pd.DataFrame) -> None:
    # Dates as ISO text, 2020-06-27 (as in CSV) rather than milliseconds since 1970.
    days = {
        str(name): values.dt.strftime("%Y-%m-%d")
        for name, values in chunk.items()
        if pd.api.types.is_datetime64_any_dtype(values) and is_days(values)
    }
    text = chunk.assign(**days).to_json(
        orient="records", lines=True, force_ascii=False, date_format="iso"
    )
    sink.file.write(text.encode("utf-8") + (b"" if text.endswith("\n") else b"\n"))


HEADER_BYTES = 16 * 1024 * 1024  # a CSV header longer than this is cut there for its checks


def check_width(columns: int, max_columns: int | None) -> None:
    """A table wider than the reader can use is refused before its rows are read."""
    if max_columns is not None and columns > max_columns:
        msg = f"{columns:,} columns, more than the {max_columns:,} this command reads"
        raise ValueError(msg)


def check_csv_header(file: IO[bytes], max_columns: int | None = None) -> None:
    """A column named twice is refused (pandas would rename the second `name.1` and pass it
    through): one rule with JSON, where a key given twice in a record is refused too."""
    head = file.read(HEADER_BYTES)  # the header, however long, from a bounded read
    file.seek(0)
    lines = io.StringIO(head.decode("utf-8-sig", errors="replace"), newline="")
    names = next(csv.reader(lines), [])  # pandas takes seconds to parse a header this way
    check_width(len(names), max_columns)
    twice = repeated(names)
    if twice:
        msg = f"the header names {', '.join(map(repr, twice))} more than once: each column once"
        raise ValueError(msg)


def read_csv(file: IO[bytes]) -> pd.DataFrame:
    check_csv_header(file)
    return pd.read_csv(file)


def read_csv_chunks(
    file: IO[bytes], rows: int, max_columns: int | None = None
) -> Iterator[pd.DataFrame]:
    check_csv_header(file, max_columns)
    yield from pd.read_csv(file, chunksize=rows)


def read_parquet_chunks(
    file: IO[bytes], rows: int, max_columns: int | None = None
) -> Iterator[pd.DataFrame]:
    parquet = pq.ParquetFile(file)
    check_width(len(parquet.schema_arrow), max_columns)
    for batch in parquet.iter_batches(batch_size=rows):
        yield batch.to_pandas()


def json_records(file: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-lines file; a line that is not a JSON object names its number."""
    for number, line in enumerate(file, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, object_pairs_hook=once_each)
        except DuplicateKeyError as error:
            msg = f"line {number} {error}"
            raise ValueError(msg) from None
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
            msg = f"line {number} is not JSON ({error})"
            raise ValueError(msg) from None
        if not isinstance(record, dict):
            msg = f"line {number} is not a JSON object"
            raise ValueError(msg)  # a parse error, reported like pandas' own
        yield record


def read_jsonl(file: IO[bytes]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(json_records(file)))


def read_jsonl_chunks(
    file: IO[bytes], rows: int, max_columns: int | None = None
) -> Iterator[pd.DataFrame]:
    records = json_records(file)
    while chunk := list(itertools.islice(records, rows)):
        for record in chunk:
            check_width(len(record), max_columns)
        yield pd.DataFrame.from_records(chunk)


@dataclass(frozen=True)
class Format:
    name: str
    read: Callable[[IO[bytes]], pd.DataFrame]
    read_chunks: Callable[[IO[bytes], int, int | None], Iterator[pd.DataFrame]]
    write_chunk: Callable[[ChunkSink, pd.DataFrame], None]
    count_rows: Callable[[IO[bytes]], int] | None = None  # without reading the rows


CSV = Format("CSV", read_csv, read_csv_chunks, write_csv_chunk)
PARQUET = Format(
    "Parquet",
    pd.read_parquet,
    read_parquet_chunks,
    write_parquet_chunk,
    count_rows=lambda file: pq.ParquetFile(file).metadata.num_rows,
)
JSON_LINES = Format("JSON lines", read_jsonl, read_jsonl_chunks, write_jsonl_chunk)
FORMATS: dict[str, Format] = {
    ".csv": CSV,
    ".parquet": PARQUET,
    ".pq": PARQUET,
    ".jsonl": JSON_LINES,
}


def suffix(location: Location) -> str:
    return posixpath.splitext(str(location).rstrip("/"))[1].lower()


def format_of(location: Location) -> Format:
    """The format of a location, from its suffix; refused when it is not one we read and write."""
    found = FORMATS.get(suffix(location))
    if found is None:
        allowed = ", ".join(FORMATS)
        ending = suffix(location) or "no suffix"
        msg = f"'{location}': unsupported file type ({ending}); use one of {allowed}"
        raise DataError(msg)
    return found


def join(base: Location, *parts: str) -> str:
    """A location inside a folder or URI (`s3://bucket/data` + `raw` -> `s3://bucket/data/raw`)."""
    return "/".join([str(base).rstrip("/"), *parts])


def locate(location: Location, data: DataSettings) -> Location:
    """`sql/NAME.sql` as a query and `table:NAME` as a table of the data.database_url database
    (sql.py); any other text as a file's path or URI."""
    if isinstance(location, Query | Table):
        return location
    text = str(location)
    if not (is_query(text) or is_table(text)):
        return location
    url = data.database_secret()
    database = Database(url, data.query_timeout_seconds, data.query_params)
    if is_table(text):
        if url is None:
            setting = env_name("data", "database_url")
            msg = (
                f"'{text}' is a table of the database that {setting} names, and neither it nor"
                f" {setting}_FILE is set (DuckDB in memory keeps no table): set one, e.g. to"
                " duckdb:///data/warehouse.duckdb"
            )
            raise DataError(msg)
        return Table(text.removeprefix(TABLE_PREFIX), database)
    return Query(Path(text), database)


def described(location: Location) -> str:
    """A location in words, as a model records its training data: a query with its parameters."""
    return location.described if isinstance(location, Query) else str(location)


def check_readable(location: Location) -> None:
    """Refuse a location that is of a type we cannot read, missing or empty, before opening it."""
    if isinstance(location, Query):
        location.text()
        return
    if isinstance(location, Table):
        return  # read by the database, which says so when the table is missing
    format_of(location)
    fs, path = filesystem(location)
    if not fs.isfile(path):
        msg = f"cannot read '{location}': no such file"
        raise DataError(msg)
    if fs.size(path) == 0:
        msg = f"cannot read '{location}': the file is empty"
        raise DataError(msg)


def check_writable(location: Location, *, source: Location | None = None) -> None:
    """Refuse an output that cannot be a new file: a folder, a path through a file, or the
    input itself (its predictions would replace it)."""
    if isinstance(location, Query):
        raise DataError(not_written(location))
    if isinstance(location, Table):
        if isinstance(source, Table) and source.name == location.name:
            msg = f"'{location}' is the input: its predictions would replace it; name another table"
            raise DataError(msg)
        return
    format_of(location)
    fs, path = filesystem(location)
    if fs.isdir(path):
        msg = f"cannot write '{location}': it is a folder; name a file in it"
        raise DataError(msg)
    parent = posixpath.dirname(path.rstrip("/"))
    if parent and fs.isfile(parent):
        shown = posixpath.dirname(str(location).rstrip("/")) or parent
        msg = f"cannot write '{location}': '{shown}' is a file, not a folder"
        raise DataError(msg)
    if source is not None and same_file(source, location):
        msg = f"'{location}' is the input: its predictions would replace it; name another file"
        raise DataError(msg)


def not_written(query: Query) -> str:
    return f"cannot write '{query}': a query is read, not written; name table:NAME or a file"


def same_file(first: Location, second: Location) -> bool:
    """Whether two locations name one file (a local file however it is written)."""
    if isinstance(first, Query | Table) or isinstance(second, Query | Table):
        return False
    fs_first, path_first = filesystem(first)
    fs_second, path_second = filesystem(second)
    if type(fs_first) is not type(fs_second):
        return False
    if getattr(fs_first, "local_file", False):  # fsspec's local files
        return Path(path_first).resolve() == Path(path_second).resolve()
    return bool(path_first.rstrip("/") == path_second.rstrip("/"))


@contextmanager
def opened(location: FileLocation) -> Iterator[IO[bytes]]:
    """A readable location, opened in binary mode; read errors become DataErrors."""
    check_readable(location)
    fs, path = filesystem(location)
    try:
        with fs.open(path, "rb") as file:
            yield file
    except (ValueError, OSError) as error:  # pandas' and pyarrow's parse errors are ValueErrors
        msg = f"cannot read '{location}' as {format_of(location).name}: {error}"
        raise DataError(msg) from error


def read_table(location: Location) -> pd.DataFrame:
    """A whole table; `read_chunks` streams one larger than memory instead."""
    if isinstance(location, Query | Table):
        chunks = list(location.chunks(SQL_ROWS))
        table = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    else:
        with opened(location) as file:
            table = format_of(location).read(file)
    if table.empty:
        msg = f"'{location}' has no rows"
        raise DataError(msg)
    return table


def read_chunks(
    location: Location, rows: int, *, max_columns: int | None = None
) -> Generator[pd.DataFrame]:
    """A table in chunks of at most `rows` rows, so memory is bounded by the chunk size; a table
    of more than `max_columns` columns is refused before any row is read."""
    if isinstance(location, Query | Table):
        for chunk in location.chunks(rows):
            try:
                check_width(len(chunk.columns), max_columns)
            except ValueError as error:
                raise DataError(f"cannot read '{location}': {error}") from None
            yield chunk
        return
    with opened(location) as file:
        yield from format_of(location).read_chunks(file, rows, max_columns)


def count_rows(location: Location) -> int | None:
    """Rows in a table when its format says so without reading it (Parquet); otherwise None."""
    if isinstance(location, Query | Table):
        return None
    counter = format_of(location).count_rows
    if counter is None:
        return None
    with opened(location) as file:
        return counter(file)


@contextmanager
def chunk_writer(
    location: Location, *, neutralise_except: Collection[str] | None = None
) -> Iterator[Sink]:
    """Write a table chunk by chunk; it appears at `location` only once every chunk is written.
    `neutralise_except`: the columns a CSV writes as they are; formulas in the others are
    neutralised (see the module's docstring). A table of a database is replaced in one
    transaction once every chunk is written (sql.py)."""
    if isinstance(location, Table):
        with location.writer() as table_sink:
            yield table_sink
        return
    if isinstance(location, Query):
        raise DataError(not_written(location))
    table_format = format_of(location)
    with atomic_open(location) as file:
        sink = ChunkSink(file, table_format.write_chunk, neutralise_except)
        try:
            yield sink
        finally:
            sink.close()


def write_table(table: pd.DataFrame, location: Location) -> str:
    """Write a whole table atomically (a retried task rewrites it whole); returns the location."""
    with chunk_writer(location) as sink:
        sink.write(table)
    return str(location)


def fingerprint(table: pd.DataFrame) -> str:
    """A SHA-256 of a table's values and column names: the same data, the same fingerprint."""
    digest = hashlib.sha256(",".join(map(str, table.columns)).encode())
    digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return digest.hexdigest()
