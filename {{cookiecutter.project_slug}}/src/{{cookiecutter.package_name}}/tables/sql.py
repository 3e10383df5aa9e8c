"""Tables in SQL databases: a query file read in chunks, and a table written back atomically.

Two kinds of location name a database instead of a file (`tables.locate` makes them from text):

- `sql/<name>.sql`, a **query file** under the project, reviewed and tested like code. Its
  parameters (`:since`, `:limit`) are bound from the data.query_params setting, never formatted
  into the text. It runs against the database of the data.database_url setting (a SQLAlchemy URL:
  `postgresql+psycopg://user@host/db`, `duckdb:///warehouse.duckdb`, a warehouse's dialect);
  unset, DuckDB in memory, which queries local files by path (`SELECT * FROM 'data/x.parquet'`).
- `table:<name>` (or `table:<schema>.<name>`), a **table** of that database: read whole, or
  written from predictions. A write fills a staging table and swaps it in for the old one in one
  transaction: readers see the old table or the new one, never half of one, and a failed run
  leaves the old one as it was. A missing table is created from the first chunk's columns.

Rows are fetched `rows` at a time through a server-side cursor where the driver has one
(PostgreSQL), so memory is bounded by a chunk. Every error is one line that names the query or
table and the database without its password; the password is never shown.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from {{ cookiecutter.package_name }}.errors import DataError

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql.elements import TextClause

IN_MEMORY = "duckdb:///:memory:"
TABLE_PREFIX = "table:"
# A table's name: letters, digits and underscores, optionally after a schema's; nothing that
# needs quoting, so no name can carry SQL (it is quoted all the same).
TABLE_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}")


@dataclass(frozen=True)
class Database:
    """Where queries run: a SQLAlchemy URL (a secret: it may hold a password), a timeout for
    each statement, and the values bound to queries' parameters."""

    url: str | None = None
    timeout_seconds: float = 600
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        """The URL without its password, for messages (never the text of one that is not a URL:
        it may hold a password where SQLAlchemy cannot find it)."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(self.url or IN_MEMORY).render_as_string(hide_password=True)
        except ArgumentError:
            return "a data.database_url that is not a SQLAlchemy URL"

    def engine(self) -> Engine:
        import sqlalchemy
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            url = sqlalchemy.engine.make_url(self.url or IN_MEMORY)
            connect_args = self.connect_args(url.get_backend_name())
            return sqlalchemy.create_engine(url, connect_args=connect_args)
        except (ArgumentError, NoSuchModuleError, ImportError) as error:
            unparsed = isinstance(error, ArgumentError)
            reason = "not a SQLAlchemy URL" if unparsed else first_line(error)
            msg = (
                f"cannot use {self.shown} (data.database_url): {reason}; e.g."
                " postgresql+psycopg://user:password@host/db or duckdb:///data/warehouse.duckdb"
            )
            raise DataError(msg) from None

    def connect_args(self, backend: str) -> dict[str, Any]:
        milliseconds = int(self.timeout_seconds * 1000)
        if backend == "postgresql":
            return {"options": f"-c statement_timeout={milliseconds}", "connect_timeout": 10}
        return {}

    @contextmanager
    def connected(self, doing: str) -> Iterator[Connection]:
        """A connection; any database error while it is open is one line saying what failed."""
        from pandas.errors import DatabaseError
        from sqlalchemy.exc import SQLAlchemyError

        engine = self.engine()
        try:
            with engine.connect() as connection:
                yield connection
        except (SQLAlchemyError, DatabaseError) as error:  # pandas wraps what it runs
            msg = f"{doing} on {self.shown} failed: {database_error(error)}"
            raise DataError(msg) from None
        finally:
            engine.dispose()


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def database_error(error: BaseException) -> str:
    """The driver's own first line (SQLAlchemy adds the statement and a link after it, and pandas
    wraps SQLAlchemy's error in its own)."""
    while getattr(error, "orig", None) is None and error.__cause__ is not None:
        error = error.__cause__
    original = getattr(error, "orig", None)
    return first_line(original if original is not None else error)


def frames(
    connection: Connection, statement: TextClause, params: Mapping[str, Any], rows: int
) -> Iterator[pd.DataFrame]:
    """The statement's rows, `rows` at a time, through a server-side cursor where the driver has
    one; the cursor is closed however the read ends (a dead server's included). A statement
    with no rows is one empty frame with its columns."""
    import pandas as pd

    streamed = connection.execution_options(stream_results=True, max_row_buffer=rows)
    result = streamed.execute(statement, dict(params))
    try:
        columns = list(result.keys())
        empty = True
        for part in result.partitions(rows):
            empty = False
            rows_of_part = cast("list[tuple[Any, ...]]", part)  # SQLAlchemy's rows are tuples
            yield pd.DataFrame.from_records(rows_of_part, columns=columns, coerce_float=True)
        if empty:
            yield pd.DataFrame(columns=columns)
    finally:
        result.close()


@dataclass(frozen=True)
class Query:
    """A location: the rows a query file returns."""

    path: Path
    database: Database

    def __str__(self) -> str:
        return str(self.path)

    def text(self) -> str:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            msg = f"cannot read the query '{self.path}': {first_line(error)}"
            raise DataError(msg) from None
        if not text.strip():
            msg = f"the query '{self.path}' is empty"
            raise DataError(msg)
        return text

    def statement(self) -> tuple[TextClause, dict[str, Any]]:
        """The query, read once, and the values of its parameters; a parameter without one is
        refused."""
        from sqlalchemy import text

        statement = text(self.text())
        names = statement.compile().params
        missing = sorted(set(names) - set(self.database.params))
        if missing:
            msg = (
                f"the query '{self.path}' has parameter(s) {', '.join(map(repr, missing))} that"
                " data.query_params does not set"
            )
            raise DataError(msg)
        return statement, {name: self.database.params[name] for name in names}

    @property
    def described(self) -> str:
        """The file and the values bound to it: what a model records as its training data."""
        _, values = self.statement()
        shown = ", ".join(f"{name}={value!r}" for name, value in sorted(values.items()))
        return f"{self.path} ({shown})" if shown else str(self.path)

    def chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        statement, used = self.statement()
        with self.database.connected(f"the query '{self.path}'") as connection:
            yield from frames(connection, statement, used, rows)


@dataclass(frozen=True)
class Table:
    """A location: a table of the database."""

    name: str
    database: Database

    def __post_init__(self) -> None:
        if not TABLE_NAME.fullmatch(self.name):
            msg = (
                f"'{TABLE_PREFIX}{self.name}' is not a table name: letters, digits and underscores"
                " (up to 63), starting with a letter or underscore, optionally after a schema's"
                " name and a dot"
            )
            raise DataError(msg)

    def __str__(self) -> str:
        return f"{TABLE_PREFIX}{self.name}"

    @property
    def parts(self) -> tuple[str | None, str]:
        schema, _, name = self.name.rpartition(".")
        return (schema or None), name

    def quoted(self, connection: Connection, name: str | None = None) -> str:
        schema, table = self.parts
        preparer = connection.dialect.identifier_preparer
        quoted = preparer.quote(name or table)
        return f"{preparer.quote_schema(schema)}.{quoted}" if schema else quoted

    def chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        from sqlalchemy import text

        with self.database.connected(f"reading {self}") as connection:
            statement = text(f"SELECT * FROM {self.quoted(connection)}")  # noqa: S608 - a checked, quoted name
            yield from frames(connection, statement, {}, rows)

    @contextmanager
    def writer(self) -> Iterator[TableSink]:
        """A sink whose rows replace the table's once every chunk is written. One transaction
        holds it all (the staging table, its rows, the swap): an error or a crash at any point
        rolls back to the old table, with nothing left behind."""
        schema, name = self.parts
        staging = f"{name[:40]}__staging_{uuid.uuid4().hex[:12]}"
        with self.database.connected(f"writing {self}") as connection, connection.begin():
            sink = TableSink(connection, staging, schema)
            yield sink
            if sink.rows:
                self.swap(connection, staging)

    def swap(self, connection: Connection, staging: str) -> None:
        from sqlalchemy import inspect

        schema, name = self.parts
        if inspect(connection).has_table(name, schema=schema):
            connection.exec_driver_sql(f"DROP TABLE {self.quoted(connection)}")
        renamed = connection.dialect.identifier_preparer.quote(name)
        staged = self.quoted(connection, staging)
        connection.exec_driver_sql(f"ALTER TABLE {staged} RENAME TO {renamed}")


class TableSink:
    """Chunks appended to a staging table (the first one creates it from its columns), inside
    the writer's transaction."""

    neutralised = 0  # formulas are a spreadsheet's concern, not a table's

    def __init__(self, connection: Connection, staging: str, schema: str | None) -> None:
        self.connection = connection
        self.staging = staging
        self.schema = schema
        self.rows = 0

    def write(self, chunk: pd.DataFrame) -> None:
        copying = self.connection.dialect.name == "postgresql"
        chunk.to_sql(
            self.staging,
            self.connection,
            schema=self.schema,
            if_exists="append",
            index=False,
            chunksize=None if copying else 10_000,
            method=copy_rows if copying else None,
        )
        self.rows += len(chunk)


def copy_rows(
    table: Any, connection: Connection, columns: list[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """pandas' `to_sql` method for PostgreSQL: `COPY ... FROM STDIN`, ten times the rows per second
    of INSERTs. Names are quoted by psycopg, values sent as COPY data, never as SQL."""
    import psycopg
    from psycopg import sql

    target = sql.Identifier(*([table.schema] if table.schema else []), table.name)
    fields = sql.SQL(", ").join(map(sql.Identifier, columns))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(target, fields)
    count = 0
    raw = cast("psycopg.Connection[Any]", connection.connection.dbapi_connection)
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def is_query(text: str) -> bool:
    return text.lower().endswith(".sql") and "://" not in text


def is_table(text: str) -> bool:
    return text.startswith(TABLE_PREFIX)
