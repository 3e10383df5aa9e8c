"""What tracking with MLflow costs, against the models folder, in the same run.

    uv run python benchmarks/bench_tracking.py [--runs 3] [--checks 200]

- `train` from the command line in fresh processes (median of `--runs`): the models folder
  (`TRACKING_BACKEND=files`), MLflow on the local SQLite database, and MLflow through a real
  `mlflow server` on a loopback port (SQLite behind it, artifacts served by the server).
- The API's reload check, `store.current()`, which each worker makes at most every
  `api.model_reload_seconds`: the median of `--checks` calls on each store.
- Loading the model in use for serving (`load_predictor`: metadata, ONNX export, checksums).

Each MLflow figure is printed with its ratio to the models folder's.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.store import open_store

CLI = [sys.executable, "-m", "{{ cookiecutter.package_name }}"]
BACKENDS = ("files", "mlflow (SQLite)", "mlflow (server)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def mlflow_server(work: Path) -> Iterator[str]:
    """A real `mlflow server` on a free loopback port, stopped with its workers at the end."""
    url = f"http://127.0.0.1:{free_port()}"
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{work / 'server.db'}",
        "--artifacts-destination", str(work / "served-artifacts"),
        "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--workers", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("mlflow server did not start")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def environment(work: Path, backend: str, server: str) -> dict[str, str]:
    """The variables of one backend, and none of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith((ENV_PREFIX, "MLFLOW_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled imports, as an installed project has
    folder = work / backend.split()[0] / backend.split()[-1].strip("()")
    env |= {
        f"{ENV_PREFIX}MODELS_DIR": str(folder / "models"),
        f"{ENV_PREFIX}REPORTS_DIR": str(folder / "reports"),
        f"{ENV_PREFIX}TRACKING_DIR": str(folder / "mlruns"),
        f"{ENV_PREFIX}TRACKING_BACKEND": "files" if backend == "files" else "mlflow",
    }
    if backend == "mlflow (server)":
        env["MLFLOW_TRACKING_URI"] = server
    return env


def train_in(work: Path, env: dict[str, str]) -> None:
    subprocess.run([*CLI, "train"], env=env, cwd=work, check=True, capture_output=True)


def median_seconds(action: Callable[[], object], times: int) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


@contextmanager
def environ(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def row(name: str, figures: dict[str, float], unit: str, scale: float = 1.0) -> None:
    base = figures["files"]
    cells = [f"{figures[b] * scale:9.2f} {unit} ({figures[b] / base:4.1f}x)" for b in BACKENDS]
    print(f"{name:22}" + "".join(f"{cell:>26}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checks", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch, mlflow_server(Path(scratch)) as server:
        work = Path(scratch)
        envs = {backend: environment(work, backend, server) for backend in BACKENDS}
        train = {
            backend: median_seconds(partial(train_in, work, env), args.runs)
            for backend, env in envs.items()
        }
        checks, loads = {}, {}
        for backend, env in envs.items():
            with environ(env):
                store = open_store(load_settings())
                checks[backend] = median_seconds(store.current, args.checks)
                loads[backend] = median_seconds(partial(load_predictor, store), args.runs)
    print(f"{'':22}" + "".join(f"{backend:>26}" for backend in BACKENDS))
    row("train (CLI)", train, "s ")
    row("reload check", checks, "ms", 1000)
    row("load for serving", loads, "ms", 1000)


if __name__ == "__main__":
    main()
