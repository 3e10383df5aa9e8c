"""How long the command line takes to start, against importing typer alone, in fresh processes.

    uv run python benchmarks/bench_cli_start.py [--runs 7]

Each command is started `--runs` times; the median wall time is printed with its ratio to
`python -c "import typer"`, the floor of any typer command line. Targets: `--help` at most 0.5 s
and 4x the floor. `info` runs against a model trained first in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.workflows.train import train

CLI = [sys.executable, "-m", "{{ cookiecutter.package_name }}"]


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory() as work:
        models = Path(work) / "models"
        train(load_settings(**{"models.dir": models, "reports.dir": Path(work) / "reports"}))
        env = {**os.environ, f"{ENV_PREFIX}MODELS_DIR": str(models)}
        floor = median_seconds([sys.executable, "-c", "import typer"], env, runs)
        print(f"python -c 'import typer'   {floor:6.3f} s  (the floor)")
        for name, arguments in [("--help", ["--help"]), ("info", ["info"])]:
            seconds = median_seconds([*CLI, *arguments], env, runs)
            print(f"{name:26} {seconds:6.3f} s  {seconds / floor:4.1f}x the floor")
    print("target for --help: <= 0.5 s and <= 4x the floor")


if __name__ == "__main__":
    main()
