"""How fast the API serves: against a bare endpoint under the same server, and against the ways
tutorials and MLflow serve a model.

    uv run --group bench python benchmarks/bench_api.py [--runs 3] [--seconds 12] [--connections 16]
    uv run --group bench --with "mlflow>=3.1" python benchmarks/bench_api.py   # adds MLflow's row

Each server runs 2 worker processes on a free loopback port. They all start first; then each run
loads each of them in turn with the same one-record POST (runs interleaved, so a machine that gets
busier slows every server alike), after a warm-up:
  (a) this project's API, POST /predict under gunicorn.conf.py (gevent workers, compiled JSON
      Schema validation, ONNX Runtime, API-key check, metrics, JSON access log to /dev/null)
  (b) the ceiling: a bare Flask endpoint (benchmarks/bare_app.py) under the same gunicorn settings
  (c) the peer: FastAPI + uvicorn, pydantic and the scikit-learn pipeline on a one-row DataFrame
      (benchmarks/peer_fastapi.py), without authentication, metrics or logs
  (d) with MLflow installed: `mlflow models serve` (FastAPI + uvicorn, 2 workers) on the same
      model saved as an MLflow pyfunc (benchmarks/peer_mlflow.py), the peer MLflow users pick
The load generator is wrk (`apt-get install wrk`), a native client, `--threads 2` and
`--connections` keep-alive connections for `--seconds` each: a Python client on the same cores
is itself the bottleneck and squeezes every ratio toward 1. Without wrk (or with
`--client python`) an asyncio client sends `--requests` requests instead, and says so.
Then the API's cold start (import and model load in a fresh interpreter with its bytecode
compiled, as in the image; median of 3) beside the import of its libraries alone, and the memory
(RSS) of each server's largest worker.
Targets on 2 cores: (a)/(b) >= 0.8 with p99 of (a) <= 1.5x that of (b), no errors, (a) ahead of
(c) and (d), cold start <= 0.5 s, RSS of an API worker <= 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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
MLFLOW_SERVE = [sys.executable, "-m", "mlflow", "models", "serve", "--model-uri", "{model}",
                "--env-manager", "local", "--workers", str(WORKERS),
                "--host", "127.0.0.1", "--port", "{port}"]  # fmt: skip
TIMED = "import time\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"
COLD_START = f"from {PACKAGE}.api.app import create_app\ncreate_app()"
LIBRARIES = "import flask, onnxruntime, prometheus_client, pydantic_settings"
WRK_SCRIPT = """wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass(frozen=True)
class Server:
    name: str
    command: list[str]
    path: str
    body: bytes
    share: int  # the Python client sends this server 1/share of --requests (the peers are slow)


@dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p99: float
    errors: int


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
    """The resident memory of the largest process under `pid` (a worker), from /proc (Linux)."""
    sizes = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
            status = Path(f"/proc/{parent}/status").read_text().splitlines()
        except OSError:  # gone meanwhile
            continue
        pending += [int(child) for child in children]
        if parent != pid:
            sizes += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")]
    return max(sizes, default=float("nan"))


@contextmanager
def running(server: Server, env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """The server on a free loopback port, until the block ends: its port and process id."""
    port = free_port()
    command = [part.format(port=port) for part in server.command]
    process = subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while not listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                msg = f"{server.name} did not start: {' '.join(command)}"
                raise RuntimeError(msg)
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def seconds(text: str) -> float:
    """wrk's durations: 812.00us, 3.52ms, 1.02s, 1.50m."""
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(port: int, server: Server, duration: int, connections: int, script: Path) -> Result:
    """wrk's figures for `duration` seconds of load: requests per second, the median and 99th
    percentile latencies, and every answer that was not a 2xx or never came."""
    script.write_text(
        WRK_SCRIPT.format(body=json.dumps(server.body.decode()), key=KEY), encoding="utf-8"
    )
    url = f"http://127.0.0.1:{port}{server.path}"
    command = ["wrk", "--threads", "2", "--connections", str(connections),
               "--duration", f"{duration}s", "--latency", "--script", str(script), url]  # fmt: skip
    report = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report)[1])  # type: ignore[index]
    quantiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", report, re.MULTILINE))
    if len(quantiles) < 2:
        msg = f"{server.name}: wrk measured no latencies (no answer in time?):\n{report}"
        raise RuntimeError(msg)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    broken = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       report)  # fmt: skip
    errors = int(failed[1]) if failed else 0
    errors += sum(int(count) for count in broken.groups()) if broken else 0
    return Result(rps, seconds(quantiles["50"]), seconds(quantiles["99"]), errors)


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


def python_client(port: int, server: Server, total: int, concurrency: int) -> Result:
    """The fallback without wrk: `total` requests from the asyncio client above."""
    started = time.perf_counter()
    latencies = load(port, server.path, server.body, total, concurrency)
    elapsed = time.perf_counter() - started
    answered = sorted(latency for latency in latencies if latency >= 0)
    quantiles = statistics.quantiles(answered, n=100)
    return Result(total / elapsed, quantiles[49], quantiles[98], len(latencies) - len(answered))


def timed_start(code: str, env: dict[str, str]) -> float:
    """Median seconds that `code` takes in 3 fresh interpreters, after a first run that writes
    the bytecode (the image compiles it at build time, UV_COMPILE_BYTECODE)."""
    env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, "-c", TIMED.format(code=code)]
    runs = [subprocess.run(command, env=env, capture_output=True, check=True) for _ in range(4)]
    return statistics.median(float(run.stdout) for run in runs[1:])


def servers(work: Path, record: bytes) -> list[Server]:
    """The servers to compare: (d) only where MLflow is installed."""
    found = [
        Server("(a) this API, POST /predict", [*GUNICORN, f"{PACKAGE}.api.wsgi:app"], "/predict",
               record, 1),
        Server("(b) bare Flask, same gunicorn", [*GUNICORN, "benchmarks.bare_app:app"], "/fixed",
               record, 1),
        Server("(c) FastAPI + scikit-learn", [*UVICORN, "benchmarks.peer_fastapi:app"],
               "/predict", record, 10),
    ]  # fmt: skip
    if importlib.util.find_spec("mlflow") is not None:
        from mlflow.pyfunc import save_model

        model = work / "mlflow-model"  # "models from code": MLflow keeps the file with the model
        code = PROJECT / "benchmarks" / "peer_mlflow.py"
        save_model(str(model), python_model=str(code))
        body = b'{"dataframe_records": [' + record + b"]}"
        command = [part.replace("{model}", str(model)) for part in MLFLOW_SERVE]
        found.append(Server("(d) mlflow models serve", command, "/invocations", body, 20))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs (default 3)")
    parser.add_argument("--seconds", type=int, default=12, help="wrk: load per server and run")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk")
    parser.add_argument("--requests", type=int, default=20_000, help="the Python client's load")
    args = parser.parse_args()
    native = args.client == "wrk" and shutil.which("wrk") is not None

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        settings = load_settings(**{"models.dir": work / "models", "reports.dir": work})
        train(settings)
        own = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
        env = {
            **own,
            f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir),
            f"{ENV_PREFIX}API_KEYS": KEY,
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_DRAIN_SECONDS": "0",  # each server stops at once when its runs are done
            "PYTHONPATH": str(PROJECT),  # the peers' modules under benchmarks/
        }
        record = json.dumps(api_records(make_dataset(1, seed=0))[0]).encode()
        compared = servers(work, record)

        def one_run(server: Server, port: int, warm_up: bool = False) -> Result:
            if native:
                duration = 2 if warm_up else args.seconds
                return wrk(port, server, duration, args.connections, work / "post.lua")
            total = min(args.requests, 1000) if warm_up else args.requests // server.share
            return python_client(port, server, total, args.connections)

        results: dict[str, list[Result]] = {server.name: [] for server in compared}
        memory: dict[str, float] = {}
        with ExitStack() as stack:
            ports = {server.name: stack.enter_context(running(server, env)) for server in compared}
            for server in compared:  # every worker, every code path
                one_run(server, ports[server.name][0], warm_up=True)
            for _ in range(args.runs):
                for server in compared:
                    port, pid = ports[server.name]
                    results[server.name].append(one_run(server, port))
                    memory[server.name] = largest_worker_rss_mb(pid)
        started = timed_start(COLD_START, env)
        floor = timed_start(LIBRARIES, env)

    if native:
        load_text = f"wrk, {args.seconds} s, 2 threads"
    else:
        load_text = (
            f"a Python asyncio client (wrk is not installed), {args.requests:,} requests (peers:"
            " a tenth, MLflow a twentieth)"
        )
    print(f"one-record POSTs from {load_text}, {args.connections} connections; {WORKERS} workers "
          f"per server; {args.runs} interleaved runs; {os.cpu_count()} CPUs")  # fmt: skip
    for run in range(args.runs):
        for name, runs in results.items():
            result = runs[run]
            print(
                f"run {run + 1}  {name:30} {result.rps:7.0f} req/s  p50 {result.p50 * 1000:6.2f} ms"
                f"  p99 {result.p99 * 1000:6.2f} ms  errors {result.errors}"
            )
        ours, bare, peer, *mlflow = (runs[run] for runs in results.values())
        versus_mlflow = f"; (a)/(d) {ours.rps / mlflow[0].rps:.1f}" if mlflow else ""
        print(
            f"run {run + 1}  (a)/(b) {ours.rps / bare.rps:.2f} (target >= 0.8); p99 (a)/(b) "
            f"{ours.p99 / bare.p99:.2f} (target <= 1.5); (a)/(c) {ours.rps / peer.rps:.1f}"
            f"{versus_mlflow} (target > 1)"
        )
    for name, rss in memory.items():
        print(f"{name:30} largest worker RSS {rss:5.0f} MB")
    print(f"API cold start (import + model load): {started:.2f} s (target <= 0.5); importing its "
          f"libraries alone ({LIBRARIES[7:]}): {floor:.2f} s")  # fmt: skip
    print(f"API worker RSS {memory[compared[0].name]:.0f} MB (target <= 100)")


if __name__ == "__main__":
    main()
