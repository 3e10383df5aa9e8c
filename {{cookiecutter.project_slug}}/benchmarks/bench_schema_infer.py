"""`schema infer` and `schema infer --check` on a large CSV, against reading the file whole.

    uv run python benchmarks/bench_schema_infer.py [--rows 3000000]

Writes a CSV of the embedded sample's columns (about 68 bytes a row: 3,000,000 rows is 200 MB),
then runs, each in a fresh process:
- baseline: `pandas.read_csv` of the whole file, what any draft of the whole table pays first;
- `schema infer FILE --target ...`, which reads it in chunks (a uniform sample of 100,000 rows for
  the decisions that need values);
- `schema infer --check FILE`, which validates it chunk by chunk.
Prints wall time and peak RSS of each, and their ratios to the baseline. Target: both commands'
peak RSS flat in the number of rows (under 400 MiB whatever the file's size). Unix only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench_batch_predict import measure

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.schema import SCHEMA

PACKAGE = "{{ cookiecutter.package_name }}"
BATCH = 200_000
BASELINE = "import sys, pandas; pandas.read_csv(sys.argv[1])"


def write_csv(path: Path, rows: int) -> None:
    """`rows` rows of the embedded sample, written a batch at a time (bounded memory here too)."""
    with path.open("w", encoding="utf-8") as file:
        for seed, start in enumerate(range(0, rows, BATCH)):
            batch = make_dataset(min(BATCH, rows - start), seed=seed)
            file.write(batch.to_csv(index=False, header=start == 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    rows = parser.parse_args().rows

    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "table.csv"
        write_csv(source, rows)
        size = source.stat().st_size
        cli = [sys.executable, "-m", PACKAGE, "schema", "infer"]
        draft = [*cli, str(source), "--target", SCHEMA.target.name, "--output"]
        runs = [
            ("baseline (read the whole CSV)", [sys.executable, "-c", BASELINE, str(source)]),
            ("schema infer (chunks + sample)", [*draft, str(Path(work) / "schema.py")]),
            ("schema infer --check (chunks)", [*cli, "--check", str(source)]),
        ]
        measured = [(name, *measure(command, dict(os.environ))) for name, command in runs]

    mib = 1024 * 1024
    print(f"rows: {rows:,} ({size / mib:,.0f} MiB of CSV)")
    _, base_time, base_rss = measured[0]
    for name, seconds, rss in measured:
        ratios = f"time {seconds / base_time:4.2f}x, RSS {rss / base_rss:4.2f}x the baseline"
        print(f"{name:32} {seconds:7.2f} s, peak RSS {rss / mib:6.0f} MiB  ({ratios})")


if __name__ == "__main__":
    main()
