"""Azure ML managed online endpoint: the project's Flask app behind Azure ML's inference server.

Azure ML loads `deploy/azureml/score.py`, which re-exports `init` and `run` from here. Its server
(azureml-inference-server-http, `azmlinfsrv`, gunicorn inside) calls `init()` once per worker
before the first request, then `run()` for each request to its `/score` route. `run` asks for the
raw request (the server's `rawhttp`), body unread, and passes it on to the project's app: a POST
as `/predict`, a GET as `/ready`. The app's answer goes back as it is, so the validation, the JSON
errors and their status codes are those of the Flask API, made by the same code.

Azure ML mounts the deployment's model at AZUREML_MODEL_DIR: the models folder (CURRENT and the
version it names) is that folder, or the one folder in it, as Azure ML mounts a model registered
from a folder. The endpoint authenticates callers itself (its keys or Microsoft Entra tokens), so
the app serves without API keys; keys set in the deployment's environment are still required, sent
as `X-API-Key` (the `Authorization` header carries the endpoint's own key).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import cast

from azureml_inference_server_http.api.aml_request import rawhttp  # type: ignore[import-untyped]
from flask import Flask, Request, Response, g, has_app_context

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.worker import ApiWorker
from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError, SettingMissingError
from {{ cookiecutter.package_name }}.store.files import CURRENT

MODEL_DIR = "AZUREML_MODEL_DIR"
# The app's route for a request to the server's /score, by method. The server passes on GET, POST
# and OPTIONS only (it answers other methods with its own 405); OPTIONS reaches /predict, which
# answers it as the Flask API does (the methods allowed).
ROUTES = {"POST": "/predict", "GET": "/ready", "HEAD": "/ready"}

app: Flask | None = None  # the project's app, made by init()


def init() -> None:
    """Load the model; the server calls this once per worker, before any request.

    Settings come from the deployment's environment like anywhere else, except the models folder
    (the mounted model) and anonymous access (the endpoint has checked the caller)."""
    global app
    settings = load_settings(**{"models.dir": models_folder(), "api.allow_anonymous": True})
    app = with_model(create_app(settings))


def run(request: Request) -> Response:
    """The app's answer to one request to the server's /score route."""
    if app is None:
        msg = "init() has not run: the inference server calls it before the first request"
        raise RuntimeError(msg)
    environ = {**request.environ, "PATH_INFO": ROUTES.get(request.method, "/predict")}
    # The server answers with its own request id header (a new one when the caller sent none);
    # the app takes it as the caller's, so that the body's request_id is the header's.
    server_id = g.get("request_id") if has_app_context() else None
    if isinstance(server_id, str) and server_id:
        environ.setdefault("HTTP_X_REQUEST_ID", server_id)
    with app.request_context(environ):
        return app.full_dispatch_request()


rawhttp(run)  # run() receives the server's Flask request itself (the server reads a global flag)


def models_folder() -> Path:
    """The models folder in what Azure ML mounted at AZUREML_MODEL_DIR."""
    value = os.environ.get(MODEL_DIR)
    if not value:
        msg = (
            f"{MODEL_DIR} is not set: Azure ML sets it to the deployment's model; to run the"
            " inference server yourself, give it the models folder with --model_dir"
        )
        raise SettingMissingError(msg)
    root = Path(value)
    if (root / CURRENT).is_file():
        return root
    found = sorted(path.parent for path in root.glob(f"*/{CURRENT}"))
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(path.name for path in found)
        msg = f"{MODEL_DIR}='{root}' holds {len(found)} models folders ({names}): deploy one"
    else:
        msg = (
            f"no models folder (one with a {CURRENT} file) in {MODEL_DIR}='{root}' or a folder"
            " in it: deploy the models folder that `deploy/bundle.py azureml` writes"
        )
    raise ModelNotFoundError(msg)


def with_model(made: Flask) -> Flask:
    """The app, once its model has loaded; otherwise the reason it did not, raised.

    Elsewhere the app starts without a model and answers 503 until one is promoted; a deployment's
    model never changes, so it fails to start instead, with the reason in its log, rather than
    take traffic it cannot serve."""
    cast(ApiWorker, made.extensions["worker"]).current.require()
    return made
