"""Batch scoring on Spark (local[2]) against the pandas chunked path, from 1M to 10M rows.

    uv run python benchmarks/bench_spark.py [--rows 1000000 2000000 5000000 10000000]

Each size is scored twice, from the same data, through the project's commands in fresh processes:
- pandas: `<cli> predict` on one Parquet file (validated and scored chunk by chunk, one core);
- Spark: `<cli> spark predict --master local[2]` on the same rows as a folder of Parquet files
  (validated and scored on two executor cores, written as Parquet), JVM start-up included.
Prints wall time of each, their ratio, and rows per second, so the crossover (the size from which
Spark is faster on this machine) can be read off. On a cluster, Spark's time divides by its cores;
the pandas path's does not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.workflows.train import train

PACKAGE = "{{ cookiecutter.package_name }}"
BLOCK = 1_000_000  # rows generated once, then written as many times as a size needs
FILE_ROWS = 500_000  # rows per file of the Spark input, as a data lake holds them


def write_inputs(block: pa.Table, rows: int, folder: Path) -> tuple[Path, Path]:
    """`rows` rows as one Parquet file (pandas) and as a folder of files (Spark)."""
    single, parts = folder / f"rows-{rows}.parquet", folder / f"rows-{rows}"
    parts.mkdir()
    with pq.ParquetWriter(single, block.schema) as writer:
        written = 0
        while written < rows:
            piece = block.slice(0, min(FILE_ROWS, rows - written))
            writer.write_table(piece, row_group_size=100_000)
            pq.write_table(piece, parts / f"part-{written // FILE_ROWS:05d}.parquet")
            written += len(piece)
    return single, parts


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def score_both(block: pa.Table, rows: int, root: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds that the pandas path and Spark take to score the same `rows` rows."""
    single, parts = write_inputs(block.slice(0, min(rows, BLOCK)), rows, root)
    cli = [sys.executable, "-m", PACKAGE]
    pandas = timed([*cli, "predict", str(single), str(root / "p.parquet")], env)
    master = ["--master", "local[2]"]
    spark = timed([*cli, "spark", "predict", str(parts), str(root / "s"), *master], env)
    for path in (single, root / "p.parquet"):
        path.unlink()
    for folder in (parts, root / "s"):
        shutil.rmtree(folder)
    return pandas, spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows", type=int, nargs="+", default=[1_000_000, 2_000_000, 5_000_000, 10_000_000]
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env = {
            **os.environ,
            f"{ENV_PREFIX}MODELS_DIR": str(root / "models"),
            f"{ENV_PREFIX}REPORTS_DIR": str(root / "reports"),
            f"{ENV_PREFIX}DATA_DIR": str(root / "data"),
            "PYSPARK_PYTHON": sys.executable,
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # imports must not be compiled anew each run
        os.environ.update(env)
        version = train(load_settings()).version
        block = pa.Table.from_pandas(make_dataset(BLOCK, seed=3), preserve_index=False)
        score_both(block, 10_000, root, env)  # a warm-up: compiled imports, a warm disk cache
        print(f"model {version}; Spark: local[2]; pandas: one process, chunks of 100,000 rows")
        header = ["rows", "pandas s", "spark s", "spark/pandas", "pandas rows/s", "spark rows/s"]
        print("".join(f"{name:>15}" for name in header))
        for rows in arguments.rows:
            pandas, spark = score_both(block, rows, root, env)
            figures = [f"{rows:,}", f"{pandas:.1f}", f"{spark:.1f}", f"{spark / pandas:.2f}"]
            figures += [f"{rows / pandas:,.0f}", f"{rows / spark:,.0f}"]
            print("".join(f"{figure:>15}" for figure in figures), flush=True)


if __name__ == "__main__":
    main()
