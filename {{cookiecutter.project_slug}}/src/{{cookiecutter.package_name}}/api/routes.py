"""The endpoints. Each parses its input, calls the core through the service, and formats JSON."""

from __future__ import annotations

import json
from typing import Any, cast

from flask import Blueprint, Response, current_app, g, jsonify, request

from {{ cookiecutter.package_name }}.api.auth import is_authorised
from {{ cookiecutter.package_name }}.api.openapi import openapi_document
from {{ cookiecutter.package_name }}.api.responses import error_response
from {{ cookiecutter.package_name }}.api.service import Service

blueprint = Blueprint("api", __name__)
PROTECTED = {"api.predict", "api.invocations", "api.metadata"}


def service() -> Service:
    return cast(Service, current_app.extensions["service"])


@blueprint.before_request
def authenticate() -> Response | None:
    if request.endpoint not in PROTECTED or is_authorised(request, service().keys):
        return None
    if not service().keys:  # anonymous access was enabled explicitly
        return None
    response = error_response(
        401,
        "Unauthorized",
        "send a valid API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`",
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def no_model() -> Response:
    return error_response(503, "Service Unavailable", f"no model loaded: {service().load_error}")


@blueprint.get("/health")
def health() -> Response:
    return jsonify(status="alive")


@blueprint.get("/ready")
def ready() -> Response:
    model = service().model
    if model is None:
        return no_model()
    return jsonify(status="ready", model_version=model.version)


@blueprint.get("/ping")
def ping() -> Response:
    """SageMaker's health check: 200 once the model is loaded."""
    return ready()


def parse_records() -> list[dict[str, Any]] | Response:
    """The request's records, or the error response that explains why there are none."""
    if not request.is_json:
        message = f"send a JSON body with Content-Type: application/json, not {request.mimetype!r}"
        return error_response(415, "Unsupported Media Type", message)
    try:
        body = json.loads(request.get_data())
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        return error_response(400, "Bad Request", f"malformed JSON: {problem}")
    records = body if isinstance(body, list) else [body]
    limit = service().max_batch
    if not records or len(records) > limit:
        message = f"send 1 to {limit} records in one request, not {len(records)}"
        return error_response(422, "Unprocessable Content", message)
    problems = service().problems(records)
    if problems:
        message = f"{len(problems)} field(s) do not match the schema (see /openapi.json)"
        return error_response(422, "Unprocessable Content", message, problems)
    return records  # every record is an object: the schema says so


@blueprint.post("/predict")
def predict() -> Response:
    """One record (an object) or a batch (a list of objects)."""
    current = service()
    if current.model is None:
        return no_model()
    records = parse_records()
    if isinstance(records, Response):
        return records
    predictions = current.predict(records)
    current.metrics.predictions.labels(current.model.version).inc(len(predictions))
    if current.prediction_log is not None:
        current.prediction_log.write(g.request_id, current.model.version, records, predictions)
    return jsonify(model_version=current.model.version, predictions=predictions)


@blueprint.post("/invocations")
def invocations() -> Response:
    """SageMaker's inference route: the same contract as /predict."""
    return predict()


@blueprint.get("/metadata")
def metadata() -> Response:
    model = service().model
    if model is None:
        return no_model()
    return jsonify(model.metadata)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(service().max_batch))


@blueprint.get("/metrics")
def metrics() -> Response:
    body, content_type = service().metrics.exposition()
    return Response(body, content_type=content_type)
