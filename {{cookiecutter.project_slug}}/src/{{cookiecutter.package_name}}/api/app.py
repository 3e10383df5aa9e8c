"""The Flask app factory: configuration in, an app out, no globals.

Every response is JSON (errors too, never HTML or a traceback) and carries an `X-Request-ID`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from pathlib import Path

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from {{ cookiecutter.package_name }}.api import routes
from {{ cookiecutter.package_name }}.api.auth import MissingApiKeysError
from {{ cookiecutter.package_name }}.api.metrics import ServiceMetrics
from {{ cookiecutter.package_name }}.api.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.api.responses import error_response
from {{ cookiecutter.package_name }}.api.service import Service
from {{ cookiecutter.package_name }}.api.settings import ApiSettings
from {{ cookiecutter.package_name }}.artifacts import current_version
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings, get_settings
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
logger = logging.getLogger(__name__)


def check_keys(keys: list[str], api_settings: ApiSettings) -> None:
    if keys or api_settings.api_allow_anonymous:
        return
    msg = (
        f"no API key configured: set {ENV_PREFIX}API_KEYS (comma-separated) or "
        f"{ENV_PREFIX}API_KEYS_FILE (one key per line); to serve without authentication, "
        f"set {ENV_PREFIX}API_ALLOW_ANONYMOUS=true"
    )
    raise MissingApiKeysError(msg)


def prediction_buckets(models_dir: Path) -> list[float]:
    """The current model's reference deciles of its prediction; none before the first model.

    Prometheus fixes a histogram's buckets when the process starts: a later model keeps them.
    """
    try:
        profile = load_profile(models_dir, current_version(models_dir))
    except ProjectError:
        return []
    return profile.prediction.edges


def create_app(settings: Settings | None = None, api_settings: ApiSettings | None = None) -> Flask:
    """The service. Refuses to start without API keys unless anonymous access is enabled."""
    settings = settings or get_settings()
    api_settings = api_settings or ApiSettings()
    keys = api_settings.keys()
    check_keys(keys, api_settings)
    log = api_settings.prediction_log
    service = Service(
        models_dir=settings.models_dir,
        keys=keys,
        max_batch=api_settings.api_max_batch,
        prediction_log=PredictionLog(log, api_settings.prediction_log_sample_rate) if log else None,
        reload_seconds=api_settings.api_model_reload_seconds,
        metrics=ServiceMetrics(prediction_buckets(settings.models_dir)),
    )
    service.load()
    if service.model is None:
        logger.warning("starting without a model: %s", service.load_error)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = api_settings.api_max_body_bytes
    app.json.sort_keys = False  # keep schema order: columns as declared, errors as found
    app.extensions["service"] = service
    app.register_blueprint(routes.blueprint)

    @app.before_request
    def start() -> None:
        service.refresh()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        service.metrics.requests.labels(request.method, endpoint, response.status_code).inc()
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        service.metrics.latency.labels(endpoint).observe(elapsed)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, error.name, error.description or error.name)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        logger.exception("unhandled error in request %s", g.get("request_id"))
        return error_response(500, "Internal Server Error", "the server could not answer")

    return app
