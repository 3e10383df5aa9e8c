"""Data in a database, on DuckDB (embedded, no server): queries read like files, predictions
written back to a table in one swap, parameters bound, names and errors checked.

The same code against a real PostgreSQL server: tests/tables/test_postgres.py (`nox -s sql`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest
import sqlalchemy

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.config import env_name, masked
from {{ cookiecutter.package_name }}.errors import (
    DataError,
    DataValidationError,
    SettingsError,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.tables.sql import Table
from {{ cookiecutter.package_name }}.workflows.evaluate import evaluate_model
from {{ cookiecutter.package_name }}.workflows.predict import predict
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome, labelled_data

if TYPE_CHECKING:
    from pathlib import Path

    from {{ cookiecutter.package_name }}.columns import Column
    from {{ cookiecutter.package_name }}.config import Settings


def query_file(folder: Path, text: str, name: str = "query.sql") -> str:
    path = folder / "sql" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def in_database(settings: Settings, folder: Path, **params: object) -> Settings:
    """`settings` with a DuckDB file as data.database_url, and query parameters."""
    url = f"duckdb:///{folder / 'warehouse.duckdb'}"
    return settings.with_overrides(**{"data.database_url": url, "data.query_params": params})


def table_names(settings: Settings) -> set[str]:
    assert settings.data.database_url is not None
    engine = sqlalchemy.create_engine(settings.data.database_url.get_secret_value())
    try:
        return set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_query_over_a_local_file_reads_as_the_file_does(
    settings: Settings, sample: pd.DataFrame, tmp_path: Path
) -> None:
    """DuckDB in memory (no data.database_url) queries files by path, offline right after baking."""
    source = tables.write_table(sample, tmp_path / "labelled.parquet")
    query = query_file(tmp_path, "SELECT * FROM read_parquet(:path)")
    overrides = {"data.source": query, "data.query_params": {"path": source}}
    located = settings.with_overrides(**overrides)
    from_query = labelled_data(located)
    from_file = labelled_data(settings, source)
    assert from_query.location == f"{query} (path={source!r})"  # what the model records
    pd.testing.assert_frame_equal(from_query.table, from_file.table)


def test_a_model_is_evaluated_on_a_query_as_on_its_file(
    settings: Settings, trained: TrainingOutcome, sample: pd.DataFrame, tmp_path: Path
) -> None:
    source = tables.write_table(sample, tmp_path / "labelled.parquet")
    query = query_file(tmp_path, "SELECT * FROM read_parquet(:path)")
    located = settings.with_overrides(**{"data.query_params": {"path": source}})
    from_query = evaluate_model(located, query)
    assert from_query.rows == len(sample)
    assert from_query.metrics == pytest.approx(evaluate_model(settings, source).metrics)


def test_predictions_replace_a_table_in_one_swap_and_a_failed_run_keeps_the_old(
    settings: Settings, trained: TrainingOutcome, sample: pd.DataFrame, tmp_path: Path
) -> None:
    database = in_database(settings, tmp_path)
    features = sample[list(SCHEMA.names)]
    batch = tables.write_table(features, tmp_path / "batch.parquet")
    scored = predict(database, batch, "table:scored")
    by_file = predict(settings, batch, tmp_path / "scored.parquet")
    assert scored.rows == by_file.rows == len(sample)
    read = tables.read_table(tables.locate("table:scored", database.data))
    by_file_table = tables.read_table(tmp_path / "scored.parquet")
    # The same values; a date's unit may differ (DuckDB gives nanoseconds, Parquet microseconds).
    pd.testing.assert_frame_equal(read, by_file_table, rtol=1e-6, check_dtype=False)

    broken = features.astype(object)
    broken.iloc[-1, 0] = "not a value"  # the last chunk fails, after the first ones are written
    source = tables.write_table(broken, tmp_path / "broken.csv")
    with pytest.raises(DataValidationError):
        predict(database.with_overrides(**{"data.chunk_rows": 50}), source, "table:scored")
    pd.testing.assert_frame_equal(
        tables.read_table(tables.locate("table:scored", database.data)), read
    )
    assert table_names(database) == {"scored"}, "a staging table was left behind"


def test_parameters_are_bound_never_formatted_into_the_query(
    settings: Settings, sample: pd.DataFrame, categorical_column: Column, tmp_path: Path
) -> None:
    database = in_database(settings, tmp_path)
    tables.write_table(sample, tables.locate("table:customers", database.data))
    column = categorical_column.name.replace('"', '""')  # an identifier, quoted as SQL quotes it
    where = f'"{column}" = :value'  # the value is bound
    query = query_file(tmp_path, f"SELECT * FROM customers WHERE {where}")  # noqa: S608
    for hostile in ("x' OR '1'='1", "'; DROP TABLE customers; --"):
        hostile_settings = database.with_overrides(**{"data.query_params": {"value": hostile}})
        with pytest.raises(DataError, match="has no rows"):
            tables.read_table(tables.locate(query, hostile_settings.data))
    assert "customers" in table_names(database)
    first = categorical_column.categories[0]
    kept = database.with_overrides(**{"data.query_params": {"value": first}})
    chosen = tables.read_table(tables.locate(query, kept.data))
    assert set(chosen[categorical_column.name]) == {first}


@pytest.mark.parametrize(
    "name",
    ["x; DROP TABLE y", 'a"b', "a b", "1abc", "a.b.c", "", "a" * 64, "scored--"],
)
def test_a_table_name_that_is_not_a_plain_name_is_refused(
    name: str, settings: Settings, tmp_path: Path
) -> None:
    database = in_database(settings, tmp_path)
    with pytest.raises(DataError, match="is not a table name") as refused:
        tables.locate(f"table:{name}", database.data)
    assert "\n" not in str(refused.value)


def test_a_table_needs_a_database_that_keeps_it(settings: Settings) -> None:
    """DuckDB in memory (no data.database_url) would take predictions and forget them."""
    with pytest.raises(DataError, match="_DATA_DATABASE_URL names, and neither it nor"):
        tables.locate("table:scored", settings.data)


def test_database_errors_are_one_line_and_never_show_the_password(
    settings: Settings, tmp_path: Path
) -> None:
    unreachable = settings.with_overrides(
        **{"data.database_url": "postgresql+psycopg://ada:s3cret-pw@127.0.0.1:1/db"}
    )
    query = query_file(tmp_path, "SELECT 1 AS one")
    with pytest.raises(DataError) as refused:
        tables.read_table(tables.locate(query, unreachable.data))
    message = str(refused.value)
    assert "s3cret-pw" not in message
    assert "ada:***@127.0.0.1:1/db" in message
    assert "\n" not in message
    shown = masked(unreachable)
    assert shown[env_name("data", "database_url")] == "**********"

    for url, said in (
        ("postgres:/ada:s3cret-pw@", "not a SQLAlchemy URL"),
        ("oracle+nodriver://ada:s3cret-pw@host/db", "oracle+nodriver://ada:***@host/db"),
    ):
        wrong = settings.with_overrides(**{"data.database_url": url})
        with pytest.raises(DataError, match=r"\(data\.database_url\)") as refused:
            tables.read_table(tables.locate(query, wrong.data))
        assert said in str(refused.value)
        assert "s3cret-pw" not in str(refused.value)

    missing_table = query_file(tmp_path, "SELECT * FROM nowhere", name="missing.sql")
    with pytest.raises(DataError, match="nowhere") as refused:
        tables.read_table(tables.locate(missing_table, settings.data))
    assert "\n" not in str(refused.value)

    needs = query_file(tmp_path, "SELECT * FROM customers WHERE id = :id", name="param.sql")
    with pytest.raises(DataError, match=r"parameter\(s\) 'id' that data.query_params does not"):
        tables.read_table(tables.locate(needs, settings.data))


def test_the_url_may_come_from_a_mounted_secret_file(settings: Settings, tmp_path: Path) -> None:
    """A deployment mounts the URL as a file (Docker or Kubernetes secrets) instead of a
    variable that `env` or a crash dump would show."""
    secret = tmp_path / "database_url"
    secret.write_text(f"duckdb:///{tmp_path / 'warehouse.duckdb'}\n", encoding="utf-8")
    from_file = settings.with_overrides(**{"data.database_url_file": secret})
    table = tables.locate("table:scored", from_file.data)
    tables.write_table(pd.DataFrame({"score": [0.25, 0.75]}), table)
    assert tables.read_table(table)["score"].tolist() == [0.25, 0.75]

    variable = env_name("data", "database_url_file")
    with pytest.raises(SettingsError, match=f"{variable}: .*not both") as both:
        from_file.with_overrides(**{"data.database_url": "duckdb:///s3cret.duckdb"})
    assert "s3cret" not in str(both.value)
    for content, said in ((None, "No such file"), ("  \n", "is empty")):
        if content is None:
            secret.unlink()
        else:
            secret.write_text(content, encoding="utf-8")
        with pytest.raises(DataError, match=f"{variable} '{secret}'.*{said}") as refused:
            tables.locate("table:scored", from_file.data)
        assert "\n" not in str(refused.value)


def test_a_query_is_not_an_output_and_a_table_is_not_its_own_output(
    settings: Settings, tmp_path: Path
) -> None:
    database = in_database(settings, tmp_path)
    with pytest.raises(DataError, match="a query is read, not written"):
        tables.check_writable(tables.locate("sql/out.sql", database.data))
    table = tables.locate("table:scored", database.data)
    assert isinstance(table, Table)
    with pytest.raises(DataError, match="is the input"):
        tables.check_writable(table, source=tables.locate("table:scored", database.data))
