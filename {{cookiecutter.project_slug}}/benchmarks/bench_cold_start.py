"""The cold start of each way this project serves: import and model load in a fresh interpreter.

    uv run python benchmarks/bench_cold_start.py [--runs 5]

A serverless platform pays this on every new instance, before the first answer. Each entry point
the project has (the gunicorn app, and the Lambda, Cloud Functions, Azure Functions or Azure ML
adapter) is started as its platform starts it, `--runs` times after a first run that writes the
bytecode (platforms ship it compiled); the median is printed beside the import of the serving
libraries alone, the floor that no code of ours adds to.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, env_name, load_settings
from {{ cookiecutter.package_name }}.workflows.train import train

PACKAGE = "{{ cookiecutter.package_name }}"
TIMED = "import time\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"
ENTRY_POINTS = {
    "wsgi": f"import {PACKAGE}.api.wsgi",
    "lambda_handler": f"import {PACKAGE}.api.lambda_handler",
    "gcp_function": f"import {PACKAGE}.api.gcp_function",
    "azure_function": f"import {PACKAGE}.api.azure_function",
    "azureml_score": f"from {PACKAGE}.api import azureml_score\nazureml_score.init()",
}
LIBRARIES = "import flask, numpy, onnxruntime, orjson, prometheus_client, pydantic_settings"


def timed(code: str, env: dict[str, str], runs: int) -> float:
    """Median seconds of `code` in `runs` fresh interpreters, after one that writes bytecode."""
    command = [sys.executable, "-c", TIMED.format(code=code)]
    times = [
        float(subprocess.run(command, env=env, capture_output=True, check=True, text=True).stdout)
        for _ in range(runs + 1)
    ]
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    baked = [name for name in ENTRY_POINTS if importlib.util.find_spec(f"{PACKAGE}.api.{name}")]
    with tempfile.TemporaryDirectory() as work:
        models = Path(work) / "models"
        train(load_settings(**{"models.dir": models, "reports.dir": Path(work) / "reports"}))
        # Azure ML mounts the registered model folder under AZUREML_MODEL_DIR.
        shutil.copytree(models, Path(work) / "azureml" / "models")
        env = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {
            env_name("models", "dir"): str(models),
            env_name("api", "keys"): "benchmark-key",
            "AZUREML_MODEL_DIR": str(Path(work) / "azureml"),
        }
        floor = timed(LIBRARIES, env, args.runs)
        results = {name: timed(ENTRY_POINTS[name], env, args.runs) for name in baked}
    print(f"cold start (import + model load), median of {args.runs}, {os.cpu_count()} CPUs")
    print(f"{'serving libraries alone':24} {floor:6.2f} s")
    for name, seconds in results.items():
        print(f"{name:24} {seconds:6.2f} s  ({seconds - floor:+.2f} s over the libraries)")


if __name__ == "__main__":
    main()
