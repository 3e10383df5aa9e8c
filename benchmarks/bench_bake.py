"""How fast is a bake, and how fast does a fresh project reach green tests?

    uv run python benchmarks/bench_bake.py [--runs 9] [ANSWER=VALUE ...]

Prints, from one run on this machine:
- the median wall time of `cookiecutter --no-input` (a whole bake, hooks included) against
  `cookiecutter --version` (the same process doing nothing: the start-up floor), and their ratio;
- the wall time from bake to a green `uv run nox -s tests` in the new project with a warm uv cache
  (one untimed bake-and-test first fills the cache), for the default answers or those given
  (`tracking=mlflow`, say).
Targets: bake <= 1.5x the start-up floor; bake-to-green <= 45 s on 2 cores for the default answers,
<= 60 s with any one option changed.
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

TEMPLATE = Path(__file__).resolve().parents[1]
COOKIECUTTER = (sys.executable, "-m", "cookiecutter")
# Not the variables that point uv at the benchmark's own environment.
SESSION_VARIABLES = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "CONDA_PREFIX"}
ENV = {key: value for key, value in os.environ.items() if key not in SESSION_VARIABLES}


def timed(command: tuple[str, ...], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def median_time(command: tuple[str, ...], runs: int) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            times.append(timed(command, Path(out)))
    return statistics.median(times)


def bake_to_green(workdir: Path, answers: list[str]) -> tuple[float, float]:
    """Seconds to bake, and seconds from the bake's start to a green `nox -s tests`."""
    start = time.perf_counter()
    timed((*COOKIECUTTER, "--no-input", str(TEMPLATE), *answers), workdir)
    baked = time.perf_counter() - start
    timed(("uv", "run", "nox", "-s", "tests"), workdir / "churn-forecast")
    return baked, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per median (default 9)")
    parser.add_argument("answers", nargs="*", help="answers for the bake-to-green (KEY=VALUE)")
    arguments = parser.parse_args()
    runs, answers = arguments.runs, arguments.answers

    floor = median_time((*COOKIECUTTER, "--version"), runs)
    bake = median_time((*COOKIECUTTER, "--no-input", str(TEMPLATE)), runs)
    print(f"cookiecutter --version (start-up floor): median {floor:.3f} s over {runs} runs")
    print(f"cookiecutter --no-input (whole bake):    median {bake:.3f} s over {runs} runs")
    print(f"bake / floor: {bake / floor:.2f}x (target <= 1.5x)")

    with tempfile.TemporaryDirectory() as warm, tempfile.TemporaryDirectory() as measured:
        bake_to_green(Path(warm), answers)  # fills the uv cache
        baked, green = bake_to_green(Path(measured), answers)
    shown = " ".join(answers) or "default answers"
    print(f"bake to green `nox -s tests` ({shown}, warm uv cache): {green:.1f} s", end=" ")
    print(f"(bake {baked:.2f} s)")
    print(f"target <= {60 if answers else 45} s on 2 cores")


if __name__ == "__main__":
    main()
