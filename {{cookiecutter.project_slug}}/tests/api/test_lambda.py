import base64
import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.columns.records import api_records
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings

KEY = "lambda-key"


@pytest.fixture
def handler(settings: Settings, trained: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv(f"{ENV_PREFIX}MODELS_DIR", str(settings.models.dir))
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEYS", KEY)
    # The handler reads its settings from this environment when it is imported (the cold start).
    module = "{{ cookiecutter.package_name }}.api.lambda_handler"
    sys.modules.pop(module, None)
    yield importlib.import_module(module).handler
    sys.modules.pop(module, None)


def http_api_event(method: str, path: str, body: str | None = None) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event."""
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"authorization": f"Bearer {KEY}", "content-type": "application/json"},
        "requestContext": {
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.9",
            }
        },
        "body": body,
        "isBase64Encoded": False,
    }


def rest_api_event(method: str, path: str, body: str | None = None) -> dict[str, Any]:
    """An API Gateway REST API (payload format 1.0) event."""
    return {
        "httpMethod": method,
        "path": path,
        "headers": {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        "multiValueHeaders": {
            "Authorization": [f"Bearer {KEY}"],
            "Content-Type": ["application/json"],
        },
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {"identity": {"sourceIp": "203.0.113.9"}},
        "body": body,
        "isBase64Encoded": False,
    }


def body_of(response: dict[str, Any]) -> Any:
    body = response["body"]
    return json.loads(base64.b64decode(body) if response.get("isBase64Encoded") else body)


@pytest.mark.parametrize("make_event", [http_api_event, rest_api_event], ids=["v2", "v1"])
def test_lambda_serves_the_same_app(handler: Any, sample: pd.DataFrame, make_event: Any) -> None:
    health = handler(make_event("GET", "/health"), None)
    assert health["statusCode"] == 200
    records = json.dumps(api_records(sample.head(2)))
    response = handler(make_event("POST", "/predict", records), None)
    assert response["statusCode"] == 200, response
    assert len(body_of(response)["predictions"]) == 2


@pytest.mark.parametrize(
    "event",
    [
        {},
        [],
        {"httpMethod": "GET"},
        {"version": "2.0", "requestContext": {}},
        {**rest_api_event("POST", "/predict", "abc"), "isBase64Encoded": True},  # bad padding
    ],
    ids=["empty", "not an object", "no path", "no http context", "bad base64"],
)
def test_a_malformed_event_gets_a_json_400(handler: Any, event: Any) -> None:
    response = handler(event, None)
    assert response["statusCode"] == 400
    error = body_of(response)["error"]
    assert error["message"].startswith("not an API Gateway request event")
    assert response["headers"]["X-Request-ID"]
