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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings, env_name
from {{ cookiecutter.package_name }}.workflows.train import train

PROJECT = Path(__file__).resolve().parents[2]
WORKERS = 2


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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("serve")
    settings = Settings().with_overrides(
        **{"models.dir": work / "models", "reports.dir": work / "reports", "data.sample_rows": 2000}
    )
    train(settings)
    api = {
        env_name("api", "keys"): "serving-test-key",
        env_name("api", "max_batch"): "1000",
        env_name("api", "max_body_bytes"): "200000",
        env_name("api", "read_timeout_seconds"): "2",
        env_name("api", "model_reload_seconds"): "0.2",
    }
    port = free_port()
    # None of the user's settings: no <PREFIX>_* variable, and no .env (the server runs in `work`).
    env = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env |= {
        **api,
        env_name("models", "dir"): str(settings.models.dir),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "TMPDIR": str(work),  # where gunicorn.conf.py makes (and removes) its metrics folder
    }
    log = work / "gunicorn.log"
    running = Server(port, api[env_name("api", "keys")], log, settings.models.dir, api)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(PROJECT / "gunicorn.conf.py"),
             "{{ cookiecutter.package_name }}.api.wsgi:app"],
            cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not is_ready(running):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not become ready in 60 s"
                time.sleep(0.2)
            yield running
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=60)
    assert returncode == 0, log.read_text()
    killed = "WORKER TIMEOUT" in log.read_text()
    assert not killed, "a request held a worker until gunicorn killed it"
    assert not list(work.glob("prometheus-*")), "gunicorn left its metrics folder behind"
