"""The API's /predict against a bare Flask endpoint, both under the same gunicorn settings.

    uv run --extra api python benchmarks/bench_api.py [--requests 20000] [--concurrency 16]

Starts gunicorn (gunicorn.conf.py) on a free loopback port twice: serving (a) POST /predict with one
record and (b) a bare Flask endpoint returning a fixed JSON document (benchmarks/bare_app.py). A
bounded load generator (threads with keep-alive connections) sends the same number of requests to
each. Prints req/s, p50/p99 latency and errors for both, and the ratio (a)/(b).
Targets on 2 cores: ratio >= 0.6, p99 <= 20 ms, zero errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.sample_data import make_dataset
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.train import train

PROJECT = Path(__file__).resolve().parents[1]
KEY = "benchmark-key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def start(app: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            app,
        ],
        cwd=PROJECT,
        env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if listening(port):
            return process, port
        time.sleep(0.2)
    process.kill()
    msg = f"gunicorn did not start for {app}"
    raise RuntimeError(msg)


def load(
    port: int, method: str, path: str, body: bytes | None, total: int, concurrency: int
) -> dict[str, float]:
    """Send `total` requests from `concurrency` keep-alive connections; latencies in seconds."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    share = [total // concurrency + (i < total % concurrency) for i in range(concurrency)]

    def worker(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed = [], 0
        for _ in range(count):
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                failed += response.status != 200
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(count,)) for count in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return {"rps": total / elapsed, "p50": quantiles[49], "p99": quantiles[98], "errors": errors[0]}


Request = tuple[str, str, bytes | None]  # method, path, body


def measure(
    app: str, env: dict[str, str], request: Request, total: int, concurrency: int
) -> dict[str, float]:
    process, port = start(app, env)
    try:
        load(port, *request, min(total, 500), concurrency)  # warm-up
        return load(port, *request, total, concurrency)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        settings = load_settings(**{"models.dir": Path(work) / "models", "reports.dir": Path(work)})
        train(settings)
        table = make_dataset(1, seed=0)
        record = json.loads(table[list(SCHEMA.names)].to_json(orient="records"))[0]
        env = {
            **os.environ,
            f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir),
            f"{ENV_PREFIX}API_KEYS": KEY,
        }
        body = json.dumps(record).encode()
        runs = {
            "(a) POST /predict, one record": measure(
                "{{ cookiecutter.package_name }}.api.wsgi:app",
                env,
                ("POST", "/predict", body),
                args.requests,
                args.concurrency,
            ),
            "(b) bare Flask, fixed JSON": measure(
                "benchmarks.bare_app:app",
                env,
                ("GET", "/fixed", None),
                args.requests,
                args.concurrency,
            ),
        }
    print(
        f"{args.requests:,} requests each, concurrency {args.concurrency}, same gunicorn settings"
    )
    for name, run in runs.items():
        print(
            f"{name:32} {run['rps']:8.0f} req/s  p50 {run['p50'] * 1000:6.2f} ms  "
            f"p99 {run['p99'] * 1000:6.2f} ms  errors {run['errors']}"
        )
    (a, b) = runs.values()
    print(f"ratio (a)/(b): {a['rps'] / b['rps']:.2f} (target >= 0.6); p99 target <= 20 ms")


if __name__ == "__main__":
    main()
