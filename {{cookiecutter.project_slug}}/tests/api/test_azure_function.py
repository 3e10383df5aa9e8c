"""The Azure Functions entry point, called with the `azure.functions.HttpRequest` objects the
Python worker builds, after loading `function_app.py` as the worker indexes it."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from {{ cookiecutter.package_name }}.config import Settings, env_name

PROJECT = Path(__file__).resolve().parents[2]
FOLDER = PROJECT / "deploy" / "azure-functions"
MODULE = "{{ cookiecutter.package_name }}.api.azure_function"
Function = Callable[[func.HttpRequest], func.HttpResponse]


def index(function_app: Path) -> func.FunctionApp:
    """Load function_app.py and return its function app, as the Python worker does."""
    spec = importlib.util.spec_from_file_location("function_app", function_app)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app: func.FunctionApp = module.app
    return app


@pytest.fixture
def function_app(adapter_settings: Settings) -> Iterator[func.FunctionApp]:
    sys.modules.pop(MODULE, None)  # the model loads at import: a cold start per test
    yield index(FOLDER / "function_app.py")
    sys.modules.pop(MODULE, None)


@pytest.fixture
def function(function_app: func.FunctionApp) -> Function:
    (only,) = function_app.get_functions()
    user_function: Function = only.get_user_function()
    return user_function


def request(call: Any) -> func.HttpRequest:
    return func.HttpRequest(
        call.method,
        f"https://churn.azurewebsites.net{call.path}",
        headers=call.headers,
        body=call.body or b"",
    )


def test_one_anonymous_function_takes_every_path(function_app: func.FunctionApp) -> None:
    (only,) = function_app.get_functions()
    (trigger, _) = json.loads(only.get_function_json())["bindings"]
    assert trigger["route"] == "{*path}"
    assert trigger["authLevel"] == "ANONYMOUS"  # the app checks the project's keys
    assert {"GET", "POST", "DELETE"} <= set(trigger["methods"])
    host = json.loads((FOLDER / "host.json").read_text(encoding="utf-8"))
    assert host["extensions"]["http"]["routePrefix"] == "", "routes would start with /api"


def test_the_function_keeps_the_api_contract(
    function: Function, contract_calls: list[Any], same_as_flask: Any
) -> None:
    for call in contract_calls:
        response = function(request(call))
        same_as_flask(call, response.status_code, response.get_body())
        assert response.headers["X-Request-ID"], call.name
        assert response.mimetype == "application/json", call.name


def test_the_path_and_the_query_string_reach_the_app_apart(function: Function) -> None:
    request = func.HttpRequest("GET", "https://x.example/health?probe=1&b=%2F", body=b"")
    environ = sys.modules[MODULE].to_environ(request)
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == ("/health", "probe=1&b=%2F")
    assert function(request).status_code == 200


def test_no_model_is_a_json_503_not_an_error_of_the_function(
    adapter_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(env_name("models", "dir"), str(tmp_path / "empty"))
    sys.modules.pop(MODULE, None)
    try:
        (only,) = index(FOLDER / "function_app.py").get_functions()
        response = only.get_user_function()(func.HttpRequest("GET", "https://x/ready", body=b""))
    finally:
        sys.modules.pop(MODULE, None)
    assert response.status_code == 503
    assert json.loads(response.get_body())["error"]["message"].startswith("no model is loaded")


def test_a_body_that_came_in_chunks_reaches_the_app_whole(
    function: Function, contract_calls: list[Any], same_as_flask: Any
) -> None:
    """The host reads a chunked body before the function runs; its framing header stays behind."""
    (call,) = [call for call in contract_calls if call.name == "a batch"]
    chunked = {**call.headers, "Transfer-Encoding": "chunked"}
    response = function(
        func.HttpRequest("POST", "https://x/predict", headers=chunked, body=call.body)
    )
    same_as_flask(call, response.status_code, response.get_body())
