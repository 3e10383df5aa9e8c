import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from {{ cookiecutter.package_name }}.api.access_log import JsonAccessLogger


def test_access_log_line_is_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    config = Config()
    config.set("accesslog", "-")
    logger = JsonAccessLogger(config)
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "r1")], sent=17)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/health", "REMOTE_ADDR": "127.0.0.1"}
    logger.access(response, None, environ, timedelta(milliseconds=2))
    assert json.loads(capsys.readouterr().out) == {
        "request_id": "r1",
        "method": "GET",
        "path": "/health",
        "status": 200,
        "bytes": 17,
        "duration_ms": 2.0,
        "remote": "127.0.0.1",
        "user_agent": None,
    }
