"""The production loop through a real PostgreSQL server (`nox -s sql`): train from a query, score
a query back into a table, monitor a table of new rows, retrain; and the server's faults."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest
import sqlalchemy

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.tables.sql import Table
from {{ cookiecutter.package_name }}.workflows.monitor import monitor
from {{ cookiecutter.package_name }}.workflows.predict import predict
from {{ cookiecutter.package_name }}.workflows.train import train

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tests.tables.conftest import Server

    from {{ cookiecutter.package_name }}.columns import Column
    from {{ cookiecutter.package_name }}.config import Settings

pytestmark = pytest.mark.sql


def on(server: Server, settings: Settings, **overrides: object) -> Settings:
    return settings.with_overrides(**{"data.database_url": server.url(), **overrides})


def query_file(folder: Path, name: str, text: str) -> str:
    path = folder / "sql" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def located(settings: Settings, text: str) -> tables.Location:
    return tables.locate(text, settings.data)


def test_train_score_monitor_and_retrain_through_postgresql(
    postgres: Server, settings: Settings, tmp_path: Path
) -> None:
    database = on(postgres, settings)
    labelled = make_dataset(2_000, seed=11)
    tables.write_table(labelled, located(database, "table:customers"))
    training = query_file(tmp_path, "training.sql", "SELECT * FROM customers LIMIT :limit")
    database = database.with_overrides(**{"data.query_params": {"limit": 1_500}})

    first = train(database, training)
    assert first.promoted
    recorded = open_store(database).load().metadata["training_data"]
    assert recorded["location"] == f"{training} (limit=1500)"
    assert recorded["rows"] == 1_500

    batch = query_file(tmp_path, "batch.sql", "SELECT * FROM customers ORDER BY 1 LIMIT :limit")
    scored = predict(database, batch, "table:scored")
    assert scored.rows == 1_500
    written = tables.read_table(located(database, "table:scored"))
    assert len(written) == 1_500
    assert set(SCHEMA.target.summary_columns) <= set(written.columns)

    new_rows = make_dataset(500, seed=12)[list(SCHEMA.names)]
    tables.write_table(new_rows, located(database, "table:new_rows"))
    report = monitor(database, "table:new_rows")
    assert report.result.rows == 500

    second = train(database.with_overrides(**{"data.query_params": {"limit": 2_000}}), training)
    assert second.version != first.version


def test_a_wrong_password_and_a_slow_query_are_one_line(
    postgres: Server, settings: Settings, tmp_path: Path
) -> None:
    query = query_file(tmp_path, "one.sql", "SELECT 1 AS one")
    wrong = settings.with_overrides(**{"data.database_url": postgres.url("not-the-password")})
    with pytest.raises(DataError, match="password authentication failed") as refused:
        tables.read_table(located(wrong, query))
    assert "not-the-password" not in str(refused.value)
    assert "\n" not in str(refused.value)

    slow = query_file(tmp_path, "slow.sql", "SELECT pg_sleep(5) AS slept")
    hurried = on(postgres, settings, **{"data.query_timeout_seconds": 0.5})
    with pytest.raises(DataError, match="statement timeout") as refused:
        tables.read_table(located(hurried, slow))
    assert "\n" not in str(refused.value)


def test_parameters_cannot_inject_sql(
    postgres: Server, settings: Settings, categorical_column: Column, tmp_path: Path
) -> None:
    database = on(postgres, settings)
    tables.write_table(make_dataset(200, seed=13), located(database, "table:people"))
    column = categorical_column.name.replace('"', '""')  # an identifier, quoted as SQL quotes it
    where = f'"{column}" = :value'  # the value is bound
    query = query_file(tmp_path, "where.sql", f"SELECT * FROM people WHERE {where}")  # noqa: S608
    for hostile in ("x' OR '1'='1", "'; DROP TABLE people; --", "\\'; SELECT pg_sleep(10); --"):
        bound = database.with_overrides(**{"data.query_params": {"value": hostile}})
        with pytest.raises(DataError, match="has no rows"):
            tables.read_table(located(bound, query))
    assert len(tables.read_table(located(database, "table:people"))) == 200


def write_through_a_crash(server: Server, target: Table) -> None:
    """A chunk written, the server killed (SIGKILL), then the next chunk."""
    with tables.chunk_writer(target) as sink:
        sink.write(make_dataset(100, seed=15))
        server.kill()
        sink.write(make_dataset(100, seed=16))


def test_a_server_killed_mid_write_leaves_the_old_table(
    own_postgres: Server, settings: Settings
) -> None:
    database = on(own_postgres, settings)
    target = located(database, "table:scored")
    assert isinstance(target, Table)
    old = make_dataset(100, seed=14)
    tables.write_table(old, target)
    with pytest.raises(DataError) as refused:
        write_through_a_crash(own_postgres, target)
    assert "\n" not in str(refused.value)
    own_postgres.start()
    kept = tables.read_table(target)
    pd.testing.assert_frame_equal(kept, tables.read_table(located(database, "table:scored")))
    assert len(kept) == len(old)
    engine = sqlalchemy.create_engine(own_postgres.url())
    try:
        left = sqlalchemy.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert left == ["scored"], "the crashed write left a table behind"


def test_a_server_killed_mid_read_is_one_line_and_scores_nothing(
    own_postgres: Server, settings: Settings, tmp_path: Path
) -> None:
    """The cursor streams chunks; the server dies after the first: the scoring run fails in one
    line, and its output, a file here, is never written (nor half written)."""
    database = on(own_postgres, settings, **{"data.chunk_rows": 100})
    train(database)
    tables.write_table(make_dataset(1_000, seed=17), located(database, "table:customers"))
    batch = query_file(tmp_path, "batch.sql", "SELECT * FROM customers")
    chunks = tables.read_chunks(located(database, batch), 100)
    next(chunks)
    own_postgres.kill()
    with pytest.raises(DataError) as refused:
        next(chunks)
    assert "\n" not in str(refused.value)
    assert "correct-horse" not in str(refused.value)

    output = tmp_path / "scored.csv"
    own_postgres.start()
    reader = tables.read_chunks

    def dies_after_one_chunk(
        location: tables.Location, rows: int, *, max_columns: int | None = None
    ) -> Iterator[pd.DataFrame]:
        for number, chunk in enumerate(reader(location, rows, max_columns=max_columns)):
            if number == 1:
                own_postgres.kill()
            yield chunk

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "read_chunks", dies_after_one_chunk)
        with pytest.raises(DataError) as refused:
            predict(database, batch, str(output))
    assert "\n" not in str(refused.value)
    assert not output.exists()
    assert list(tmp_path.glob("scored*")) == []
