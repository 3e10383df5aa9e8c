"""The real thing: gunicorn with the project's gunicorn.conf.py, over HTTP on a free loopback port.

Run by `nox -s serve` (marker `serve`); the `tests` session leaves these out. The server is the
`server` fixture of conftest.py; test_hostile.py sends it what an attacker would.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.sample import make_dataset

if TYPE_CHECKING:
    from pathlib import Path

    from tests.api.conftest import Launch, Server

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


DRAIN_SECONDS = 3


def answer_to(connection: http.client.HTTPConnection, body: bytes, key: str) -> object:
    """POST /predict: the answer's status and Connection header, or the error the request met."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    try:
        connection.request("POST", "/predict", body, headers)
        response = connection.getresponse()
        response.read()
    except OSError as error:  # refused, reset, closed under a request
        connection.close()
        return type(error).__name__
    return (response.status, response.getheader("Connection"))


def keep_alive_client(server: Server, stop: threading.Event, answers: list[object]) -> None:
    """POST /predict on one keep-alive connection after another (http.client reconnects after
    an answer that closes its connection), until `stop`."""
    body = json.dumps(sample_records(2)).encode()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    while not stop.is_set():
        answers.append(answer_to(connection, body, server.key))
    connection.close()


def test_sigterm_drains_before_the_server_stops(
    server: Server, launch: Launch, tmp_path: Path
) -> None:
    """On SIGTERM the server goes on answering for GUNICORN_DRAIN_SECONDS: /ready answers 503 (a
    load balancer takes it out), every answer closes its connection, and keep-alive clients lose
    no request; then it stops with exit 0 (a second SIGTERM: at once)."""
    stop = threading.Event()
    answers: list[object] = []
    with launch(tmp_path, server.models, drain_seconds=DRAIN_SECONDS) as (running, process):
        clients = [
            threading.Thread(target=keep_alive_client, args=(running, stop, answers), daemon=True)
            for _ in range(4)
        ]
        try:
            for client in clients:
                client.start()
            time.sleep(0.5)
            before = len(answers)
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + DRAIN_SECONDS / 2
            while (status := running.call("/ready", key=None)[0]) == 200:
                assert time.monotonic() < deadline, "/ready still answers 200 after SIGTERM"
                time.sleep(0.05)
            time.sleep(0.5)  # clients go on through the drain
            assert process.poll() is None, "the server stopped before its drain ended"
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=30)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, running.log.read_text()
    assert status == 503
    errors = [answer for answer in answers if not isinstance(answer, tuple)]
    assert not errors, f"{len(errors)} of {len(answers)} requests failed: {errors[:5]}"
    assert all(answer[0] == 200 for answer in answers if isinstance(answer, tuple))
    assert (200, "close") not in answers[:before]
    assert (200, "close") in answers[before:], "no answer closed its connection in the drain"
    assert f"draining for {DRAIN_SECONDS} s" in running.log.read_text()
