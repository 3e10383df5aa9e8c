"""How fast the API serves: against a bare endpoint under the same server, and against the way
most tutorials serve a model.

    uv run --group bench python benchmarks/bench_api.py [--requests 20000] [--concurrency 16]

Each server runs 2 worker processes on a free loopback port and gets the same load: `--requests`
one-record requests (a tenth for the slow peer) from `--concurrency` keep-alive connections, after
a warm-up.
  (a) this project's API, POST /predict under gunicorn.conf.py (gevent workers, compiled JSON
      Schema validation, ONNX Runtime, API-key check, metrics, JSON access log to /dev/null)
  (b) the ceiling: a bare Flask endpoint (benchmarks/bare_app.py) under the same gunicorn settings
  (c) the peer: FastAPI + uvicorn, pydantic and the scikit-learn pipeline on a one-row DataFrame
      (benchmarks/peer_fastapi.py), without authentication, metrics or logs
The load comes from one asyncio loop (a threaded client would add its own waits for the GIL to
every latency). Then the API's cold start (import and model load in a fresh interpreter with its
bytecode compiled, as in the image; median of 3) beside the import of its libraries alone, and
the memory (RSS) of each server's largest worker.
Targets on 2 cores: (a)/(b) >= 0.6, p99 of (a) <= 20 ms, no errors, (a) ahead of (c), cold start
<= 0.5 s, RSS of an API worker <= 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, load_settings
from {{ cookiecutter.package_name }}.workflows.train import train

PROJECT = Path(__file__).resolve().parents[1]
KEY = "benchmark-key"
WORKERS = 2
PACKAGE = "{{ cookiecutter.package_name }}"
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
            "--bind", "127.0.0.1:{port}", "--access-logfile", "/dev/null"]  # fmt: skip
UVICORN = [sys.executable, "-m", "uvicorn", "--workers", str(WORKERS), "--no-access-log",
           "--log-level", "warning", "--host", "127.0.0.1", "--port", "{port}"]  # fmt: skip
SERVERS = [
    # name, command, path, and the share of --requests it gets (the peer is that much slower)
    ("(a) this API, POST /predict", [*GUNICORN, f"{PACKAGE}.api.wsgi:app"], "/predict", 1),
    ("(b) bare Flask, same gunicorn", [*GUNICORN, "benchmarks.bare_app:app"], "/fixed", 1),
    ("(c) FastAPI + scikit-learn", [*UVICORN, "benchmarks.peer_fastapi:app"], "/predict", 10),
]
TIMED = "import time\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"
COLD_START = f"from {PACKAGE}.api.app import create_app\ncreate_app()"
LIBRARIES = "import flask, onnxruntime, prometheus_client, pydantic_settings"


@dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p99: float
    errors: int
    rss_mb: float


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


def largest_worker_rss_mb(pid: int) -> float:
    """The resident memory of the largest child process (a worker), from /proc (Linux)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    sizes = [
        int(line.split()[1]) / 1024
        for child in children
        for line in Path(f"/proc/{child}/status").read_text().splitlines()
        if line.startswith("VmRSS:")
    ]
    return max(sizes, default=float("nan"))


def load(port: int, path: str, body: bytes, total: int, concurrency: int) -> list[float]:
    """Send `total` requests from `concurrency` keep-alive connections; latencies in seconds,
    or -1 for an error. One asyncio loop on raw sockets: a threaded client on the same 2 CPUs
    would add its own GIL waits to every latency."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    share = [total // concurrency + (i < total % concurrency) for i in range(concurrency)]

    async def client(count: int) -> list[float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                await reader.readexactly(int(length[1]) if length else 0)
                ok = head.startswith(b"HTTP/1.1 200")
            except (OSError, asyncio.IncompleteReadError):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            mine.append(time.perf_counter() - started if ok else -1.0)
        writer.close()
        return mine

    async def everyone() -> list[float]:
        results = await asyncio.gather(*(client(count) for count in share))
        return [latency for latencies in results for latency in latencies]

    return asyncio.run(everyone())


def measure(
    command: list[str], path: str, env: dict[str, str], body: bytes, total: int, concurrency: int
) -> Result:
    port = free_port()
    process = subprocess.Popen(
        [part.format(port=port) for part in command],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                msg = f"the server did not start: {' '.join(command)}"
                raise RuntimeError(msg)
            time.sleep(0.2)
        load(port, path, body, min(total, 1000), concurrency)  # warm-up: every worker, every path
        started = time.perf_counter()
        latencies = load(port, path, body, total, concurrency)
        elapsed = time.perf_counter() - started
        rss = largest_worker_rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    answered = sorted(latency for latency in latencies if latency >= 0)
    quantiles = statistics.quantiles(answered, n=100)
    errors = len(latencies) - len(answered)
    return Result(total / elapsed, quantiles[49], quantiles[98], errors, rss)


def timed_start(code: str, env: dict[str, str]) -> float:
    """Median seconds that `code` takes in 3 fresh interpreters, after a first run that writes
    the bytecode (the image compiles it at build time, UV_COMPILE_BYTECODE)."""
    env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-c", TIMED.format(code=code)]
    runs = [subprocess.run(command, env=env, capture_output=True, check=True) for _ in range(4)]
    return statistics.median(float(run.stdout) for run in runs[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        settings = load_settings(**{"models.dir": Path(work) / "models", "reports.dir": Path(work)})
        train(settings)
        own = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
        env = {
            **own,
            f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir),
            f"{ENV_PREFIX}API_KEYS": KEY,
            "WEB_CONCURRENCY": str(WORKERS),
        }
        body = json.dumps(api_records(make_dataset(1, seed=0))[0]).encode()
        results = {
            name: measure(command, path, env, body, args.requests // share, args.concurrency)
            for name, command, path, share in SERVERS
        }
        started = timed_start(COLD_START, env)
        floor = timed_start(LIBRARIES, env)
    print(f"{args.requests:,} one-record requests per server ((c): a tenth), concurrency "
          f"{args.concurrency}, {WORKERS} workers each, {os.cpu_count()} CPUs")  # fmt: skip
    for name, result in results.items():
        print(
            f"{name:32} {result.rps:7.0f} req/s  p50 {result.p50 * 1000:6.2f} ms  "
            f"p99 {result.p99 * 1000:6.2f} ms  errors {result.errors}  "
            f"worker RSS {result.rss_mb:5.0f} MB"
        )
    ours, bare, peer = results.values()
    print(f"(a)/(b) {ours.rps / bare.rps:.2f} (target >= 0.6); (a)/(c) {ours.rps / peer.rps:.2f} "
          f"(target > 1); p99 of (a) {ours.p99 * 1000:.1f} ms (target <= 20)")  # fmt: skip
    print(f"API cold start (import + model load): {started:.2f} s (target <= 0.5); importing its "
          f"libraries alone ({LIBRARIES[7:]}): {floor:.2f} s")  # fmt: skip
    print(f"API worker RSS {ours.rss_mb:.0f} MB (target <= 100)")


if __name__ == "__main__":
    main()
