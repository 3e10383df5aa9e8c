"""The Azure ML scoring script: `init()` and `run()` in process, and over HTTP with Azure ML's own
inference server (`azmlinfsrv`, the `serve` session). Every answer is the Flask API's."""

from __future__ import annotations

import importlib.util
import json
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask, Request, g
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from {{ cookiecutter.package_name }}.api import azureml_score
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.config import Settings, env_name
from {{ cookiecutter.package_name }}.errors import (
    ArtifactError,
    ModelNotFoundError,
    SettingMissingError,
)
from {{ cookiecutter.package_name }}.store.files import CURRENT
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

if TYPE_CHECKING:
    from tests.api.conftest import Call, SameAsFlask

PROJECT = Path(__file__).resolve().parents[2]
SCORE = PROJECT / "deploy" / "azureml" / "score.py"
# The calls of the API's contract that reach run(): the server answers every other path itself.
AT_SCORE = {("POST", "/predict"), ("GET", "/ready")}
JSON = {"Content-Type": "application/json"}
# azmlinfsrv binds 0.0.0.0 and has no option to change it: a gunicorn hook keeps it on loopback.
# (And no control socket in $HOME, which recent gunicorn opens for every server of a user.)
LOOPBACK = """
def on_starting(server):
    server.cfg.set("bind", [bind.replace("0.0.0.0", "127.0.0.1") for bind in server.cfg.bind])

control_socket_disable = True
"""


@pytest.fixture
def mounted(adapter_settings: Settings, tmp_path: Path) -> Path:
    """AZUREML_MODEL_DIR as Azure ML mounts version 1 of a model registered from the bundle's
    `models` folder: that folder inside it."""
    mount = tmp_path / "azureml-models" / "model" / "1"
    shutil.copytree(adapter_settings.models.dir, mount / "models")
    return mount


@pytest.fixture
def endpoint(mounted: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """init() as the inference server runs it, with the adapter's settings in the environment."""
    monkeypatch.setenv(azureml_score.MODEL_DIR, str(mounted))
    azureml_score.init()
    yield
    azureml_score.app = None


def score_request(
    method: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Request:
    """A request to the server's /score route, body unread, as the server passes it to run()."""
    builder = EnvironBuilder(
        path="/score", method=method, data=body, headers=list((headers or {}).items())
    )
    return Request(builder.get_environ())


def at_score(calls: list[Call]) -> list[Call]:
    reaching = [call for call in calls if (call.method, call.path) in AT_SCORE]
    assert len(reaching) >= 10, "the API's contract lost the calls this adapter is checked with"
    return reaching


def answer(response: Response) -> tuple[int, Any]:
    """The status and the JSON body without its request id."""
    document = json.loads(response.get_data())
    document.pop("request_id", None)
    return response.status_code, document


@pytest.mark.usefixtures("endpoint")
def test_run_keeps_the_api_contract(contract_calls: list[Call], same_as_flask: SameAsFlask) -> None:
    for call in at_score(contract_calls):
        response = azureml_score.run(score_request(call.method, call.body, call.headers))
        same_as_flask(call, response.status_code, response.get_data())
        assert response.headers["X-Request-ID"], call.name


@pytest.mark.usefixtures("endpoint")
def test_a_get_on_score_says_which_model_is_served(trained: TrainingOutcome) -> None:
    response = azureml_score.run(score_request("GET"))
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "model_version": trained.version}


@pytest.fixture
def keyed(contract_calls: list[Call]) -> dict[str, str]:
    """The headers of a JSON request with the adapter's API key, as the contract sends them."""
    return next(call for call in contract_calls if call.name == "a batch").headers


@pytest.mark.usefixtures("endpoint")
@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"[" + b" " * 1_000_000 + b"]", {}, 413),
        (json.dumps([{}] * 10_000).encode(), {}, 413),
        (json.dumps([{}] * 1_001).encode(), {}, 422),
        (b"[" * 2_000 + b"]" * 2_000, {}, 400),
        (b"\x1f\x8b\x08\x00", {"Content-Encoding": "gzip"}, 415),
        (b"[{}]", {"Content-Type": "text/plain"}, 415),
        (b"[{}]", {"Content-Type": ""}, 415),
    ],
    ids=[
        "a megabyte",
        "10,000 records",
        "one record too many",
        "nested 2,000 deep",
        "gzip",
        "text/plain",
        "no content type",
    ],
)
def test_hostile_bodies_get_the_flask_apis_answers(
    adapter_settings: Settings,
    keyed: dict[str, str],
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    sent = {**keyed, **headers}
    flask = create_app(adapter_settings).test_client().post("/predict", data=body, headers=sent)
    response = azureml_score.run(score_request("POST", body, sent))
    assert answer(response) == answer(flask)
    assert response.status_code == status, response.get_json()


@pytest.mark.usefixtures("endpoint")
@pytest.mark.parametrize("method", ["OPTIONS"])  # the server refuses PUT, DELETE… itself
def test_other_methods_are_answered_as_on_predict(
    adapter_settings: Settings, keyed: dict[str, str], method: str
) -> None:
    client = create_app(adapter_settings).test_client()
    flask = client.open("/predict", method=method, headers=keyed)
    response = azureml_score.run(score_request(method, None, keyed))
    assert response.status_code == flask.status_code
    assert response.headers["Allow"] == flask.headers["Allow"]
    assert "POST" in response.headers["Allow"]


@pytest.mark.usefixtures("endpoint")
def test_the_bodys_request_id_is_the_one_the_server_answers_with(keyed: dict[str, str]) -> None:
    server = Flask("azmlinfsrv")  # run() is called inside the server's request context
    with server.test_request_context("/score"):
        g.request_id = "made-by-the-server"
        response = azureml_score.run(score_request("POST", b"[]", keyed))
    assert response.status_code == 422
    assert response.get_json()["request_id"] == "made-by-the-server"
    assert response.headers["X-Request-ID"] == "made-by-the-server"


def test_callers_need_no_api_key_unless_the_deployment_sets_one(
    mounted: Path, contract_calls: list[Call], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The endpoint has authenticated the caller: the app serves anonymously."""
    monkeypatch.delenv(env_name("api", "keys"))
    monkeypatch.setenv(azureml_score.MODEL_DIR, str(mounted))
    azureml_score.init()
    try:
        batch = next(call for call in contract_calls if call.name == "a batch")
        response = azureml_score.run(score_request("POST", batch.body, JSON))
    finally:
        azureml_score.app = None
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["predictions"]) == 3


def test_the_models_folder_itself_may_be_mounted(
    adapter_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(azureml_score.MODEL_DIR, str(adapter_settings.models.dir))
    assert azureml_score.models_folder() == adapter_settings.models.dir


@pytest.mark.parametrize(
    ("folders", "says"),
    [([], "no models folder"), (["blue", "green"], r"holds 2 models folders \(blue, green\)")],
    ids=["none", "two"],
)
def test_a_mount_without_exactly_one_models_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folders: list[str], says: str
) -> None:
    for name in folders:
        (tmp_path / name).mkdir()
        (tmp_path / name / CURRENT).write_text("v1\n")
    monkeypatch.setenv(azureml_score.MODEL_DIR, str(tmp_path))
    with pytest.raises(ModelNotFoundError, match=says):
        azureml_score.init()


def test_init_without_a_model_dir_says_how_to_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(azureml_score.MODEL_DIR, raising=False)
    with pytest.raises(SettingMissingError, match="--model_dir"):
        azureml_score.init()


def test_a_model_that_does_not_load_fails_init_with_the_reason(
    mounted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment must not start without its model: Azure ML reports the failed start."""
    (mounted / "models" / CURRENT).write_text("../elsewhere\n")
    monkeypatch.setenv(azureml_score.MODEL_DIR, str(mounted))
    with pytest.raises(ArtifactError, match="does not hold a version name"):
        azureml_score.init()
    assert azureml_score.app is None


def test_run_before_init_is_refused() -> None:
    with pytest.raises(RuntimeError, match="init"):
        azureml_score.run(score_request("GET"))


def test_score_py_hands_the_server_init_and_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scoring script, loaded the way the inference server loads it."""
    monkeypatch.setattr(sys, "path", list(sys.path))  # score.py puts its folder first
    spec = importlib.util.spec_from_file_location("entry_module", SCORE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.init is azureml_score.init
    assert module.run is azureml_score.run


@pytest.mark.serve
def test_the_real_inference_server_answers_over_http(
    adapter_env: dict[str, str],
    mounted: Path,
    loopback_port: int,
    tmp_path: Path,
    contract_calls: list[Call],
    same_as_flask: SameAsFlask,
) -> None:
    port = loopback_port
    config = tmp_path / "loopback.conf.py"
    config.write_text(LOOPBACK)
    env = adapter_env | {
        azureml_score.MODEL_DIR: str(mounted),
        "GUNICORN_CMD_ARGS": f"--config {config}",
        env_name("api", "read_timeout_seconds"): "2",
    }
    command = [
        str(Path(sys.executable).with_name("azmlinfsrv")),
        "--entry_script", str(SCORE), "--port", str(port),
    ]  # fmt: skip
    log = tmp_path / "azmlinfsrv.log"
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            while not is_ready(port):
                assert process.poll() is None, log.read_text()
                assert time.perf_counter() - started < 60, "not ready in 60 s"
                time.sleep(0.1)
            print(f"azmlinfsrv: ready {time.perf_counter() - started:.2f} s after start")
            for call in at_score(contract_calls):
                status, _, body = score(port, call.method, call.body, call.headers)
                same_as_flask(call, status, body)
            empty = next(call for call in contract_calls if call.name == "an empty batch")
            check_request_ids(port, empty.headers)
            check_hostile_requests(port, empty.headers)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert f"Listening at: http://127.0.0.1:{port}" in log.read_text()


def check_request_ids(port: int, headers: dict[str, str]) -> None:
    """The body's request_id is the one the server answers with, made by it or sent."""
    for sent in ({}, {"X-Request-ID": "sent-by-the-caller"}):
        status, answered, body = score(port, "POST", b"[]", headers | sent)
        assert status == 422, body
        assert json.loads(body)["request_id"] == answered["x-request-id"]
        assert answered["x-request-id"] == sent.get("X-Request-ID", answered["x-request-id"])


def check_hostile_requests(port: int, headers: dict[str, str]) -> None:
    """What an attacker sends gets the API's JSON 4xx through the server, quickly."""
    lines = ["POST /score HTTP/1.1", "Host: 127.0.0.1"]
    head = "\r\n".join(lines + [f"{name}: {value}" for name, value in headers.items()]) + "\r\n"

    def whole(body: bytes) -> bytes:
        return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    chunk = b" " * 5_000
    sends = [
        ("2 MB", whole(b"[" + b" " * 2_000_000 + b"]"), 413),
        ("10,000 records", whole(json.dumps([{}] * 10_000).encode()), 413),
        ("5 MB announced", (head + "Content-Length: 5000000\r\n\r\n").encode(), 413),
        (
            "chunked over the limit",
            (head + "Transfer-Encoding: chunked\r\n\r\n").encode()
            + b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk),
            413,
        ),
        ("a stalled body", (head + "Content-Length: 1000\r\n\r\n[{").encode(), 408),
    ]
    for name, request, expected in sends:
        started = time.monotonic()
        status, body = raw_call(port, request)
        assert status == expected, (name, body[:300])
        assert json.loads(body)["error"]["status"] == status, name
        assert time.monotonic() - started < 10, name  # the read timeout (2 s), not gunicorn's
    assert is_ready(port)


def score(
    port: int, method: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request to /score: the status, the headers (lower-case names) and the body."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/score", data=body, headers=headers or {}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, lower(error.headers), error.read()


def is_ready(port: int) -> bool:
    """The server listens, and a worker has finished init(): GET /score is the app's /ready."""
    try:
        return score(port, "GET")[0] == 200
    except OSError:
        return False


def lower(headers: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def raw_call(port: int, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are; the status and body of the answer (the server then closes)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        connection.sendall(request)
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
