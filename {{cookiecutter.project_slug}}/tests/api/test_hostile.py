"""What an attacker sends, against the real server: each answer is a quick 4xx, never a held or
killed worker, and the service keeps answering everyone else meanwhile.

Run by `nox -s serve`. The server (conftest.py) reads a stalled body for 2 s at most and looks
for a newly promoted model every 0.2 s.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store.files import CURRENT

if TYPE_CHECKING:
    from tests.api.conftest import Server

pytestmark = pytest.mark.serve
# A column the hostile bodies put numbers in (the first one, whatever its kind: they are refused).
NUMERIC = next((c.name for c in SCHEMA.features if c.is_numeric), SCHEMA.names[0])


def record() -> dict[str, Any]:
    return api_records(make_dataset(1, seed=9))[0]


def post(server: Server, body: bytes, *headers: str) -> bytes:
    """A POST /predict with a key, these extra header lines, and this body, as bytes."""
    lines = [
        "POST /predict HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        f"Authorization: Bearer {server.key}",
        "Content-Type: application/json",
        "Connection: close",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def error_of(body: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(body)["error"]
    return error


@pytest.fixture
def dribblers(server: Server) -> Iterator[list[socket.socket]]:
    """Eight times as many connections as workers, without a key, sending headers byte by byte."""
    connections = [server.connect() for _ in range(8 * server.workers)]
    stop = threading.Event()

    def dribble() -> None:
        header = b"GET /predict HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000
        for position in range(len(header)):
            for connection in connections:
                with contextlib.suppress(OSError):  # the server may have given up on it
                    connection.send(header[position : position + 1])
            if stop.wait(0.05):
                return

    thread = threading.Thread(target=dribble, daemon=True)
    thread.start()
    yield connections
    stop.set()
    thread.join()
    for connection in connections:
        connection.close()


def test_slow_clients_do_not_starve_the_service(
    server: Server, dribblers: list[socket.socket]
) -> None:
    time.sleep(1)  # every dribbler is connected and mid-headers
    for _ in range(10):
        started = time.monotonic()
        status, _, _ = server.call("/health", key=None, timeout=1)  # a timeout fails the test
        assert status == 200
        status, _, body = server.call("/predict", record(), timeout=1)
        assert status == 200, body
        time.sleep(max(0.0, 0.2 - (time.monotonic() - started)))


def flood(server: Server, method: str, path: str, stop: threading.Event) -> str:
    """Announce a body of 100 GB without a key and stream junk until told to stop; what ended it:
    "closed" when the server closed the connection."""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000000000\r\n\r\n"
    )
    junk = b"x" * 65_536
    with server.connect(timeout=5) as connection:
        try:
            connection.sendall(head.encode())
            while not stop.is_set():
                connection.sendall(junk)
        except TimeoutError:  # the server stopped reading, and kept the connection
            return "held"
        except OSError:  # reset or broken pipe: the server closed it
            return "closed"
    return "still open"


def test_an_unread_body_closes_its_connection_and_never_holds_a_worker(server: Server) -> None:
    """A 401 (no key) or a /health answer leaves the announced body unread: reading it all
    before the next request would take the worker for good."""
    stop = threading.Event()
    outcomes: list[str] = []
    attackers = [("POST", "/predict"), ("GET", "/health")] * server.workers
    threads = [
        threading.Thread(target=lambda m=m, p=p: outcomes.append(flood(server, m, p, stop)))
        for m, p in attackers
    ]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            status, _, _ = server.call("/health", key=None, timeout=1)  # a timeout fails
            assert status == 200
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert outcomes == ["closed"] * len(attackers)


@pytest.mark.parametrize(
    ("headers", "sent"),
    [
        (["Content-Length: 1000"], b'[{"a": 1'),
        (["Transfer-Encoding: chunked"], b"5\r\n[{}, \r\n"),
    ],
    ids=["shorter than its length", "chunked without an end"],
)
def test_a_stalled_body_gets_408_within_seconds(
    server: Server, headers: list[str], sent: bytes
) -> None:
    started = time.monotonic()
    with server.connect(timeout=15) as connection:
        connection.sendall(post(server, sent, *headers))
        status, body = server.answer(connection)
    assert status == 408
    assert error_of(body)["title"] == "Request Timeout"
    assert time.monotonic() - started < 10  # the read timeout (2 s), not gunicorn's kill (30 s)
    assert server.call("/health")[0] == 200


def test_a_body_dribbled_byte_by_byte_is_cut_off(server: Server) -> None:
    """Each byte comes before the read timeout (2 s) runs out; the whole body gets it twice."""
    started = time.monotonic()
    with server.connect(timeout=15) as connection:
        connection.sendall(post(server, b"[", "Content-Length: 1000"))
        while time.monotonic() - started < 12:
            answered, _, _ = select.select([connection], [], [], 0.5)
            if answered:
                break
            connection.sendall(b" ")
        status, body = server.answer(connection)
    assert status == 408
    assert error_of(body)["title"] == "Request Timeout"
    assert time.monotonic() - started < 10  # twice the read timeout, not 500 s of dribbling


def chunked(body: bytes, size: int = 4096) -> bytes:
    parts = [body[start : start + size] for start in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"


def with_length(body: bytes) -> list[str]:
    return [f"Content-Length: {len(body)}"]


def with_number(value: float) -> bytes:
    """A record whose number is `value`, as Python writes it (NaN, Infinity: not JSON)."""
    return json.dumps([{**record(), NUMERIC: value}]).encode()


@pytest.mark.parametrize(
    ("body", "headers", "status", "says"),
    [
        (b"[" * 10_000 + b"]" * 10_000, None, 400, "malformed JSON"),
        (b'[{"' + NUMERIC.encode() + b'": ' + b"9" * 5_000 + b"}]", None, 400, "malformed JSON"),
        (with_number(float("nan")), None, 400, "malformed JSON"),
        (with_number(float("inf")), None, 400, "malformed JSON"),
        (b"zz\r\n[{}]\r\n0\r\n\r\n", ["Transfer-Encoding: chunked"], 400, "could not be read"),
        (chunked(b"[" + b"1," * 150_000 + b"1]"), ["Transfer-Encoding: chunked"], 413, "at most"),
        (b"\x1f\x8b\x08\x00", ["Content-Encoding: gzip", "Content-Length: 4"], 415, "gzip"),
        (json.dumps([{}] * 1000).encode(), None, 422, "do not match the schema"),
    ],
    ids=[
        "nested 10,000 deep",
        "5,000-digit integer",
        "NaN",
        "Infinity",
        "bad chunk size",
        "chunked over the limit",
        "gzip",
        "1,000 empty records",
    ],
)
def test_hostile_bodies_get_a_json_4xx(
    server: Server, body: bytes, headers: list[str] | None, status: int, says: str
) -> None:
    answer_status, answer = server.raw(post(server, body, *(headers or with_length(body))))
    assert answer_status == status, answer[:500]
    error = error_of(answer)
    assert says in error["message"]
    assert len(error.get("details", [])) <= 50  # 1,000 empty records: a capped list, not 8,000
    assert server.call("/health")[0] == 200


def test_unknown_methods_share_one_metric_label(server: Server) -> None:
    for method in ("FROB", "XYZZY", "BREW"):
        request = f"{method} /predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        status, body = server.raw(request.encode())
        assert status == 405, body
        assert error_of(body)["title"] == "Method Not Allowed"
    metrics = server.call("/metrics")[2].decode()
    assert 'method="other"' in metrics
    for method in ("FROB", "XYZZY", "BREW"):
        assert method not in metrics


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: \x00\x01\r\n\r\n",
    ],
    ids=["URL over 4 KB", "150 headers", "bad header bytes"],
)
def test_what_the_server_refuses_before_the_app_is_a_400(
    server: Server, request_bytes: bytes
) -> None:
    """gunicorn answers these itself, in its own HTML (the README says so): a 4xx, never a 500."""
    status, _ = server.raw(request_bytes)
    assert status in {400, 414, 431}
    assert server.call("/health")[0] == 200


@pytest.mark.parametrize(
    "pointer",
    [b"../../etc", b"/abs/dir", b"x" * 300, b"\xff\xfe", b"missing-version"],
    ids=["relative path", "absolute path", "300 bytes", "not UTF-8", "unknown version"],
)
def test_a_bad_current_pointer_is_refused_and_the_old_model_keeps_serving(
    server: Server, pointer: bytes
) -> None:
    current = server.models / CURRENT
    serving = current.read_bytes()
    try:
        current.write_bytes(pointer)
        time.sleep(0.6)  # every worker looks again (model_reload_seconds is 0.2 here)
        for _ in range(2 * server.workers):
            status, _, body = server.call("/predict", record())
            assert status == 200, body
            assert json.loads(body)["model_version"] == serving.decode().strip()
            assert server.call("/health")[0] == 200
        status, _, body = server.call("/ready", key=None)
        assert status == 200
        assert "warning" in json.loads(body)
        assert str(server.models) not in body.decode()
        assert refused(server) == 1
    finally:
        current.write_bytes(serving)
    deadline = time.monotonic() + 10
    while refused(server) != 0:  # the gauge is 0 again once every worker has looked
        assert time.monotonic() < deadline, "a worker still reports the refused model"
        server.call("/predict", record())


def test_a_malformed_model_version_is_refused_like_a_bad_pointer(server: Server) -> None:
    current = server.models / CURRENT
    serving = current.read_bytes()
    broken = server.models / "broken-version"
    broken.mkdir()
    (broken / "metadata.json").write_text("[1, 2, 3]")
    try:
        current.write_text("broken-version\n")
        time.sleep(0.6)
        for _ in range(2 * server.workers):
            status, _, body = server.call("/predict", record())
            assert status == 200, body
        assert server.call("/health")[0] == 200
        assert refused(server) == 1
    finally:
        current.write_bytes(serving)
        for path in broken.iterdir():
            path.unlink()
        broken.rmdir()


def refused(server: Server) -> float:
    """The `model_current_refused` gauge: 1 while CURRENT names a model that failed its checks."""
    metrics = server.call("/metrics")[2].decode()
    values = [
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("model_current_refused")
    ]
    return max(values)
