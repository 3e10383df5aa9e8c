"""Batch prediction through the CLI against the simplest possible baseline, on 1,000,000 rows.

    uv run python benchmarks/bench_batch_predict.py [--rows 1000000]

Both read the same Parquet file and write a Parquet file with the input columns and predictions,
each in a fresh process:
- CLI: `python -m <package> predict`, which validates and scores chunk by chunk;
- baseline: read the whole file, predict, write it in one go (no validation, no chunks).
Prints wall time and peak RSS of each and their ratios. Targets: time ratio <= 1.3; the CLI's peak
RSS <= half the baseline's. Unix only (peak RSS comes from `resource`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.train import train

PACKAGE = "{{ cookiecutter.package_name }}"
BASELINE = """
import sys
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.store.files import FileModelStore

models_dir, source, destination = map(Path, sys.argv[1:])
table = pd.read_parquet(source)
predicted = predict_frame(FileModelStore(models_dir).load().model, table)
pd.concat([table, predicted], axis=1).to_parquet(destination, index=False)
"""

# Runs a command as its only child, then prints the child's peak RSS (kB on Linux, bytes on macOS).
MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak * 1024 if sys.platform != "darwin" else peak)
"""


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak RSS in bytes of `command` in a fresh process."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, int(result.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        settings = load_settings(**{"models.dir": work_dir / "models", "reports.dir": work_dir})
        train(settings)
        source = work_dir / "input.parquet"
        make_dataset(rows, seed=1)[list(SCHEMA.names)].to_parquet(source, index=False)
        env = {**os.environ, f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir)}

        cli = [sys.executable, "-m", PACKAGE, "predict", "--no-progress"]
        cli_time, cli_rss = measure([*cli, str(source), str(work_dir / "cli.parquet")], env)
        baseline = [sys.executable, "-c", BASELINE, str(settings.models.dir), str(source)]
        base_time, base_rss = measure([*baseline, str(work_dir / "baseline.parquet")], env)

    mib = 1024 * 1024
    print(f"rows: {rows:,}")
    for name, seconds, rss in [
        ("baseline (read all, predict, write)", base_time, base_rss),
        ("CLI predict (validated, chunked)", cli_time, cli_rss),
    ]:
        print(f"{name:36} {seconds:6.2f} s, peak RSS {rss / mib:6.0f} MiB")
    print(f"time ratio CLI / baseline: {cli_time / base_time:.2f} (target <= 1.3)")
    print(f"peak RSS ratio CLI / baseline: {cli_rss / base_rss:.2f} (target <= 0.5)")


if __name__ == "__main__":
    main()
