"""The real server for the `serve` tests: gunicorn with the project's gunicorn.conf.py, on a free
loopback port, trained on the sample data, stopped by its own process id."""

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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.config import (
    Settings,
    env_name,
    load_settings,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome, train

if TYPE_CHECKING:
    import pandas as pd

PROJECT = Path(__file__).resolve().parents[2]
WORKERS = 2
# The interpreter gunicorn runs under: this one, or the image's environment (`nox -s image`).
SERVE_PYTHON = os.environ.get("SERVE_PYTHON", sys.executable)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    key: str
    log: Path
    models: Path
    settings: dict[str, str]  # the API settings it runs with, by environment variable
    workers: int = WORKERS

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(
        self,
        path: str,
        body: Any = None,
        *,
        key: str | None = "",
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; `key=None` sends none. Returns status, headers and body."""
        sent = dict(headers or {})
        if key is not None:
            sent["Authorization"] = f"Bearer {key or self.key}"
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(f"{self.base}{path}", data=data, headers=sent)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def connect(self, timeout: float = 10) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def raw(self, request: bytes, timeout: float = 10) -> tuple[int, bytes]:
        """Send bytes as they are; the status and body of the answer (the server closes)."""
        with self.connect(timeout) as connection:
            connection.sendall(request)
            return self.answer(connection)

    @staticmethod
    def answer(connection: socket.socket) -> tuple[int, bytes]:
        """The status and body of the answer on a connection the server then closes."""
        received = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:  # it answered, then dropped a body it would not read
                break
            if not chunk:
                break
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body


def is_ready(server: Server) -> bool:
    try:
        return server.call("/ready", key=None)[0] == 200
    except OSError:  # not listening yet
        return False


@contextmanager
def launched(
    work: Path, models: Path, *, isolated_environment: dict[str, str], drain_seconds: float = 0
) -> Iterator[tuple[Server, subprocess.Popen[bytes]]]:
    """gunicorn with the project's gunicorn.conf.py on a free loopback port, serving the models in
    `models`, once it is ready; killed by its process id if it still runs after the block.
    `drain_seconds`: how long SIGTERM drains first (0: the stop begins at once)."""
    api = {
        env_name("api", "keys"): "serving-test-key",
        env_name("api", "max_batch"): "1000",
        env_name("api", "max_body_bytes"): "200000",
        env_name("api", "read_timeout_seconds"): "2",
        env_name("api", "model_reload_seconds"): "0.2",
    }
    port = free_port()
    # None of the user's settings (and no .env: the server runs in `work`).
    env = dict(isolated_environment)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env |= {
        **api,
        env_name("models", "dir"): str(models),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_DRAIN_SECONDS": str(drain_seconds),
        "TMPDIR": str(work),  # where gunicorn.conf.py makes (and removes) its metrics folder
    }
    log = work / "gunicorn.log"
    running = Server(port, api[env_name("api", "keys")], log, models, api)
    with log.open("w") as output:
        process = subprocess.Popen(
            [SERVE_PYTHON, "-m", "gunicorn", "--config", str(PROJECT / "gunicorn.conf.py"),
             "{{ cookiecutter.package_name }}.api.wsgi:app"],
            cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not is_ready(running):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
                time.sleep(0.2)
            yield running, process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


Launch = Callable[..., AbstractContextManager[tuple[Server, "subprocess.Popen[bytes]"]]]


@pytest.fixture
def launch(isolated_environment: dict[str, str]) -> Launch:
    """`launched`, with the environment of the tests' own settings."""
    return partial(launched, isolated_environment=isolated_environment)


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    settings_for_fixtures: Callable[[Path], Settings],
    isolated_environment: dict[str, str],
) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("serve")
    settings = settings_for_fixtures(work)
    train(settings)
    started = launched(work, settings.models.dir, isolated_environment=isolated_environment)
    with started as (running, process):
        try:
            yield running
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=60)
    log = running.log.read_text()
    assert returncode == 0, log
    assert "WORKER TIMEOUT" not in log, "a request held a worker until gunicorn killed it"
    assert not list(work.glob("prometheus-*")), "gunicorn left its metrics folder behind"


# The API's contract, as every adapter (a serverless function, a managed endpoint) must keep it:
# each call below gets the same status and the same JSON from the adapter as from the Flask app.
ADAPTER_KEY = "adapter-key"
ADAPTER_MAX_BODY = 4096


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = "application/json"
    key: str | None = ADAPTER_KEY

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        return headers | ({"Authorization": f"Bearer {self.key}"} if self.key else {})


Answer = tuple[int, Any]  # the status, and the JSON body without its request id
SameAsFlask = Callable[[Call, int, bytes], None]


@pytest.fixture
def contract_calls(sample: pd.DataFrame) -> list[Call]:
    rows = api_records(sample.head(3))
    wrong = {name: [1] for name in SCHEMA.names}  # a list is no column's type
    return [
        Call("health", "GET", "/health", content_type=None, key=None),
        Call("ready", "GET", "/ready", content_type=None, key=None),
        Call("metadata", "GET", "/metadata", content_type=None),
        Call("one record", "POST", "/predict", json.dumps(rows[0]).encode()),
        Call("a batch", "POST", "/predict", json.dumps(rows).encode()),
        Call("no key", "POST", "/predict", json.dumps(rows).encode(), key=None),
        Call("a wrong key", "POST", "/predict", json.dumps(rows).encode(), key="wrong"),
        Call("not JSON", "POST", "/predict", b'{"unfinished":'),
        Call("not UTF-8", "POST", "/predict", b"\xff\xfe["),
        Call("NaN", "POST", "/predict", b"[NaN]"),
        Call("an empty batch", "POST", "/predict", b"[]"),
        Call("wrong types", "POST", "/predict", json.dumps([wrong, rows[1]]).encode()),
        Call("not JSON typed", "POST", "/predict", b"a,b\n1,2\n", content_type="text/csv"),
        Call("too large", "POST", "/predict", b"[" + b" " * ADAPTER_MAX_BODY + b"]"),
        Call("an unknown path", "GET", "/nowhere", content_type=None),
        Call("a wrong method", "DELETE", "/predict", content_type=None),
    ]


@pytest.fixture
def adapter_settings(
    settings: Settings, trained: TrainingOutcome, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The environment an adapter reads at its cold start: the trained model, a key, a small
    body limit. (The autouse isolation has removed every variable of the user's.)"""
    monkeypatch.setenv(env_name("models", "dir"), str(settings.models.dir))
    monkeypatch.setenv(env_name("api", "keys"), ADAPTER_KEY)
    monkeypatch.setenv(env_name("api", "max_body_bytes"), str(ADAPTER_MAX_BODY))
    return load_settings()


@pytest.fixture
def loopback_port() -> int:
    return free_port()


@pytest.fixture
def adapter_env(adapter_settings: Settings, isolated_environment: dict[str, str]) -> dict[str, str]:
    """The environment of an adapter's real server: the adapter's settings, none of the user's."""
    return isolated_environment | {
        env_name("models", "dir"): str(adapter_settings.models.dir),
        env_name("api", "keys"): ADAPTER_KEY,
        env_name("api", "max_body_bytes"): str(ADAPTER_MAX_BODY),
    }


def normalised(status: int, body: bytes) -> Answer:
    document = json.loads(body)
    if isinstance(document, dict):
        document.pop("request_id", None)
        for prediction in document.get("predictions", []):  # floats: compared to 1e-6
            for name, value in prediction.items():
                if isinstance(value, float):
                    prediction[name] = round(value, 6)
    return status, document


@pytest.fixture
def same_as_flask(adapter_settings: Settings, contract_calls: list[Call]) -> SameAsFlask:
    """A check that an adapter answered a call as the Flask app answers it."""
    from {{ cookiecutter.package_name }}.api.app import create_app

    client = create_app(adapter_settings).test_client()
    expected: dict[str, Answer] = {}
    for call in contract_calls:
        response = client.open(call.path, method=call.method, data=call.body, headers=call.headers)
        expected[call.name] = normalised(response.status_code, response.data)

    def check(call: Call, status: int, body: bytes) -> None:
        assert normalised(status, body) == expected[call.name], call.name

    return check
