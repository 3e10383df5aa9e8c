"""The Google Cloud Functions entry point: in process with functions-framework's own app, and over
HTTP with its real server (the `serve` session)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import functions_framework
import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.package_name }}.config import Settings, env_name

PROJECT = Path(__file__).resolve().parents[2]
MAIN = PROJECT / "deploy" / "gcp-functions" / "main.py"
MODULE = "{{ cookiecutter.package_name }}.api.gcp_function"
# functions-framework's app for a function in a source file (its own signature is untyped).
create_app: Callable[..., Flask] = functions_framework.create_app


@pytest.fixture
def function(adapter_settings: Settings) -> Iterator[FlaskClient]:
    """functions-framework's app for `handle`, loaded from main.py as Cloud Functions loads it."""
    sys.modules.pop(MODULE, None)  # the model loads at import: a cold start per test
    yield create_app(target="handle", source=str(MAIN)).test_client()
    sys.modules.pop(MODULE, None)


def test_the_function_keeps_the_api_contract(
    function: FlaskClient, contract_calls: list[Any], same_as_flask: Any
) -> None:
    for call in contract_calls:
        response = function.open(
            call.path, method=call.method, data=call.body, headers=call.headers
        )
        same_as_flask(call, response.status_code, response.data)
        assert response.headers["X-Request-ID"], call.name


def test_main_serves_the_model_next_to_it_when_no_folder_is_set(
    adapter_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a bundle, the models folder sits beside main.py; the setting still wins when set."""
    monkeypatch.delenv(env_name("models", "dir"))
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "main.py").write_bytes(MAIN.read_bytes())
    (bundle / "models").symlink_to(adapter_settings.models.dir)
    sys.modules.pop(MODULE, None)
    try:
        client = create_app(target="handle", source=str(bundle / "main.py"))
        ready = client.test_client().get("/ready")
    finally:
        sys.modules.pop(MODULE, None)
    assert ready.status_code == 200, ready.json
    assert os.environ[env_name("models", "dir")] == str(bundle / "models")


@pytest.mark.serve
def test_the_real_functions_framework_server_answers_over_http(
    adapter_env: dict[str, str],
    loopback_port: int,
    tmp_path: Path,
    same_as_flask: Any,
    contract_calls: list[Any],
) -> None:
    port = loopback_port
    log = tmp_path / "functions-framework.log"
    command = [
        str(Path(sys.executable).with_name("functions-framework")),
        f"--source={MAIN}", "--target=handle", "--host=127.0.0.1", f"--port={port}",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=adapter_env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            while not is_ready(base):
                assert process.poll() is None, log.read_text()
                assert time.perf_counter() - started < 60, "not ready in 60 s"
                time.sleep(0.1)
            print(f"functions-framework: ready {time.perf_counter() - started:.2f} s after start")
            for call in contract_calls:
                same_as_flask(call, *http_call(base, call))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def http_call(base: str, call: Any) -> tuple[int, bytes]:
    """One call of the contract over HTTP: the status and the body."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}{call.path}", data=call.body, headers=call.headers, method=call.method
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def is_ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/ready", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.HTTPError):
        return False
