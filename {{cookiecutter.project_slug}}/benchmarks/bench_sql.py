"""Scoring from PostgreSQL back into PostgreSQL, against PostgreSQL's own COPY of the same rows.

    uv run python benchmarks/bench_sql.py --url postgresql+psycopg://user:pw@host/db [--rows N]

Loads `--rows` (1,000,000) rows of the embedded sample into a table, then measures, each in a
fresh process:
- the floor: `COPY (SELECT ...) TO STDOUT` of the rows, then `COPY ... FROM STDIN` of the same
  rows into a new table (psycopg, no pandas, no model);
- `predict sql/bench.sql table:bench_scored`: the rows read in chunks through a server-side
  cursor, validated, scored and written to a staging table swapped in at the end.
Prints rows per second and peak RSS of each, and the ratio. Target: memory flat in the rows (a
chunk, not the table). Use a server you can load: the tables it makes are `bench_*`. `nox -s sql`
starts a throwaway one for the tests; `docker run -e POSTGRES_PASSWORD=pw -p 5432:5432 postgres`
is another.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bench_batch_predict import measure
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.tables import locate, write_table
from {{ cookiecutter.package_name }}.workflows.train import train

PACKAGE = "{{ cookiecutter.package_name }}"
BATCH = 200_000
# The floor: PostgreSQL's COPY out and in, through psycopg, in a process of its own.
FLOOR = """
import io, sys
import psycopg
with psycopg.connect(sys.argv[1]) as connection:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.copy("COPY bench_input TO STDOUT") as copy:
            for data in copy:
                buffer.write(data)
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy (LIKE bench_input)")
        buffer.seek(0)
        with cursor.copy("COPY bench_copy FROM STDIN") as copy:
            while data := buffer.read(1 << 20):
                copy.write(data)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="A SQLAlchemy URL of a PostgreSQL database.")
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    url = make_url(options.url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        settings = load_settings(
            **{
                "models.dir": folder / "models",
                "reports.dir": folder,
                "data.database_url": options.url,
            }
        )
        train(settings)
        table = locate("table:bench_input", settings.data)
        started = time.perf_counter()
        write_table(make_dataset(options.rows, seed=1)[list(SCHEMA.names)], table)
        loaded = time.perf_counter() - started
        query = folder / "bench.sql"
        query.write_text("SELECT * FROM bench_input", encoding="utf-8")
        env = {
            **os.environ,
            f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir),
            f"{ENV_PREFIX}DATA_DATABASE_URL": options.url,
        }
        floor_time, floor_rss = measure([sys.executable, "-c", FLOOR, libpq], env)
        cli = [sys.executable, "-m", PACKAGE, "predict", "--no-progress"]
        ours_time, ours_rss = measure([*cli, str(query), "table:bench_scored"], env)
        engine = create_engine(options.url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS bench_input, bench_copy, bench_scored")
        engine.dispose()

    mib = 1024 * 1024
    rows = options.rows
    print(f"rows: {rows:,} (loading them through the table writer: {rows / loaded:,.0f} rows/s)")
    for name, seconds, rss in [
        ("floor: COPY out, then COPY in", floor_time, floor_rss),
        ("predict sql/... table:... (read, score, write)", ours_time, ours_rss),
    ]:
        speed = f"{rows / seconds:10,.0f} rows/s"
        print(f"{name:48} {seconds:7.2f} s, {speed}, peak RSS {rss / mib:5.0f} MiB")
    print(f"rows/s, predict / floor: {floor_time / ours_time:.2f}")


if __name__ == "__main__":
    main()
