"""The real thing: gunicorn with the project's gunicorn.conf.py, over HTTP on a free loopback port.

Run by `nox -s serve` (marker `serve`); the `tests` session leaves these out.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings
from {{ cookiecutter.package_name }}.sample_data import make_dataset
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.train import train

pytestmark = pytest.mark.serve
PROJECT = Path(__file__).resolve().parents[2]
KEY = "serving-test-key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(
    url: str, body: Any = None, key: str | None = KEY, method: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def is_ready(base: str) -> bool:
    try:
        return call(f"{base}/ready")[0] == 200
    except urllib.error.URLError:  # not listening yet
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    work = tmp_path_factory.mktemp("serve")
    settings = Settings().with_overrides(
        **{"models.dir": work / "models", "reports.dir": work / "reports", "data.sample_rows": 2000}
    )
    train(settings)
    port = free_port()
    log = work / "gunicorn.log"
    # None of the user's settings: no <PREFIX>_* variable, and no .env (the server runs in `work`).
    user = {name: value for name, value in os.environ.items() if name.startswith(ENV_PREFIX)}
    env = {
        **{name: value for name, value in os.environ.items() if name not in user},
        f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir),
        f"{ENV_PREFIX}API_KEYS": KEY,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(PROJECT / "gunicorn.conf.py"),
             "{{ cookiecutter.package_name }}.api.wsgi:app"],
            cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not is_ready(base):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
            time.sleep(0.2)
        yield base, log
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, log.read_text()


def sample_records(count: int) -> list[dict[str, Any]]:
    table = make_dataset(count, seed=5)
    records: list[dict[str, Any]] = json.loads(table[list(SCHEMA.names)].to_json(orient="records"))
    return records


def test_every_endpoint_over_http(server: tuple[str, Path]) -> None:
    base, _ = server
    assert call(f"{base}/health")[0] == 200
    assert call(f"{base}/ping")[0] == 200
    status, headers, body = call(f"{base}/predict", sample_records(3))
    assert status == 200, body
    assert len(json.loads(body)["predictions"]) == 3
    assert headers["X-Request-ID"]
    assert call(f"{base}/invocations", sample_records(1))[0] == 200
    assert call(f"{base}/predict", sample_records(1), key=None)[0] == 401
    assert json.loads(call(f"{base}/metadata")[2])["version"]
    assert json.loads(call(f"{base}/openapi.json")[2])["openapi"].startswith("3.1")
    assert call(f"{base}/nope")[0] == 404


def test_metrics_add_up_every_worker(server: tuple[str, Path]) -> None:
    base, _ = server
    for _ in range(20):
        call(f"{base}/predict", sample_records(1))
    text = call(f"{base}/metrics")[2].decode()
    counts = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("model_predictions_total{")
    ]
    assert sum(counts) >= 20


def test_access_log_is_json_lines(server: tuple[str, Path]) -> None:
    base, log = server
    call(f"{base}/health")
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert any(entry["path"] == "/health" and entry["status"] == 200 for entry in entries)
    assert all(entry["request_id"] for entry in entries)


def test_schemathesis_finds_no_server_error_or_schema_violation(server: tuple[str, Path]) -> None:
    base, _ = server
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance",
         "--max-examples", "30", "--seed", "1", "--header", f"Authorization: Bearer {KEY}"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
