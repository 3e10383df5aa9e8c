"""The real thing: gunicorn with the project's gunicorn.conf.py, over HTTP on a free loopback port.

Run by `nox -s serve` (marker `serve`); the `tests` session leaves these out. The server is the
`server` fixture of conftest.py; test_hostile.py sends it what an attacker would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.sample import make_dataset

if TYPE_CHECKING:
    from tests.api.conftest import Server

pytestmark = pytest.mark.serve


def sample_records(count: int) -> list[dict[str, Any]]:
    return api_records(make_dataset(count, seed=5))


def test_every_endpoint_over_http(server: Server) -> None:
    assert server.call("/health")[0] == 200
    assert server.call("/ping")[0] == 200
    status, headers, body = server.call("/predict", sample_records(3))
    assert status == 200, body
    assert len(json.loads(body)["predictions"]) == 3
    assert headers["X-Request-ID"]
    assert server.call("/invocations", sample_records(1))[0] == 200
    assert server.call("/predict", sample_records(1), key=None)[0] == 401
    metadata = json.loads(server.call("/metadata")[2])
    assert metadata["version"]
    assert metadata["runtime"] == "onnxruntime"
    assert json.loads(server.call("/openapi.json")[2])["openapi"].startswith("3.1")
    assert server.call("/nope")[0] == 404


def test_metrics_add_up_every_worker(server: Server) -> None:
    for _ in range(20):
        server.call("/predict", sample_records(1))
    text = server.call("/metrics")[2].decode()
    counts = [
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("model_predictions_total{")
    ]
    assert sum(counts) >= 20


def test_access_log_is_json_lines(server: Server) -> None:
    server.call("/health")
    lines = server.log.read_text().splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(entry["path"] == "/health" and entry["status"] == 200 for entry in entries)
    assert all(entry["request_id"] for entry in entries)


def test_schemathesis_finds_no_server_error_or_schema_violation(server: Server) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{server.base}/openapi.json",
         "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance",
         "--max-examples", "30", "--seed", "1", "--header", f"Authorization: Bearer {server.key}"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
