"""The Flask app factory: settings in, an app out, no globals.

Every response the app makes is JSON (errors too, never HTML or a traceback) and carries an
`X-Request-ID`. What the server refuses before the app sees a request (a malformed request line,
a URL over 4 KB, over 100 headers) is gunicorn's own HTML answer; see the README.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Request, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from {{ cookiecutter.package_name }}.api import routes
from {{ cookiecutter.package_name }}.api.auth import (
    ApiKeyError,
    check_key,
    is_authorised,
    is_public,
)
from {{ cookiecutter.package_name }}.api.connection import close_after_answer
from {{ cookiecutter.package_name }}.api.metrics import ServiceMetrics
from {{ cookiecutter.package_name }}.api.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.api.responses import error_response
from {{ cookiecutter.package_name }}.api.settings import ApiSettings
from {{ cookiecutter.package_name }}.api.worker import ApiWorker
from {{ cookiecutter.package_name }}.config import Settings, env_name, load_settings
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.store import ModelStore, open_store

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # metric labels stay few
logger = logging.getLogger(__name__)


def configured_keys(api: ApiSettings) -> list[str]:
    """Every accepted key: from the api.keys setting and from the api.keys_file secrets file."""
    keys = [check_key(key.get_secret_value(), env_name("api", "keys")) for key in api.keys]
    if api.keys_file is not None:
        try:
            lines = api.keys_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            variable = env_name("api", "keys_file")
            msg = f"cannot read the API keys file {variable}='{api.keys_file}': {error}"
            raise ApiKeyError(msg) from None
        origin = str(api.keys_file)
        keys += [
            check_key(line.strip(), origin)
            for line in lines
            if line.strip() and not line.startswith("#")
        ]
    if keys or api.allow_anonymous:
        return keys
    msg = (
        f"no API key configured: set {env_name('api', 'keys')} (comma-separated) or "
        f"{env_name('api', 'keys_file')} (one key per line); to serve without authentication, "
        f"set {env_name('api', 'allow_anonymous')}=true"
    )
    raise ApiKeyError(msg)


def has_body(incoming: Request) -> bool:
    """Whether a request announces a body (a length above zero, or chunks)."""
    chunked = "chunked" in incoming.headers.get("Transfer-Encoding", "").lower()
    return bool(incoming.content_length) or chunked


def prediction_buckets(store: ModelStore) -> list[float]:
    """The current model's reference deciles of its prediction; none before the first model.

    Prometheus fixes a histogram's buckets when the process starts: a later model keeps them.
    """
    try:
        profile = load_profile(store, store.current())
    except ProjectError:
        return []
    return profile.prediction.edges


def create_app(settings: Settings | None = None) -> Flask:
    """The service. Refuses to start without API keys unless anonymous access is enabled."""
    settings = settings or load_settings()
    api = settings.api
    keys = configured_keys(api)
    store = open_store(settings)
    log = api.prediction_log
    worker = ApiWorker(
        store=store,
        keys=keys,
        max_batch=api.max_batch,
        prediction_log=PredictionLog(log, api.prediction_log_sample_rate) if log else None,
        reload_seconds=api.model_reload_seconds,
        metrics=ServiceMetrics(prediction_buckets(store)),
    )
    worker.load()

    app = Flask(__name__, static_folder=None)  # no /static route: the API serves no files
    app.config["MAX_CONTENT_LENGTH"] = api.max_body_bytes
    app.config["READ_TIMEOUT_SECONDS"] = api.read_timeout_seconds
    app.extensions["worker"] = worker
    app.register_blueprint(routes.blueprint)

    @app.before_request
    def start() -> Response | None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        connection = request.environ.get("gunicorn.socket")
        if connection is not None:  # a body that stalls gets 408, not a worker held for good
            connection.settimeout(api.read_timeout_seconds)
        g.model = worker.refresh()
        view = app.view_functions.get(request.endpoint or "")
        if view is None or is_public(view) or is_authorised(request, worker.keys):
            return None
        if not worker.keys:  # anonymous access was enabled explicitly
            return None
        response = error_response(
            401,
            "Unauthorized",
            "send a valid API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`",
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if has_body(request) and not g.get("body_read"):  # see api/connection.py
            close_after_answer()
            response.headers["Connection"] = "close"
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        method = request.method if request.method in METHODS else "other"
        worker.metrics.requests.labels(method, endpoint, response.status_code).inc()
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        worker.metrics.latency.labels(endpoint).observe(elapsed)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, error.name, error.description or error.name)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        logger.exception("unhandled error in request %s", g.get("request_id"))
        return error_response(500, "Internal Server Error", "the server could not answer")

    return app
