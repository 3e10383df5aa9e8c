"""The endpoints. Each parses its input, calls the service, and formats JSON.

Every route needs an API key unless it is marked `@public`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any, cast

from flask import Blueprint, Response, current_app, g, request

from {{ cookiecutter.package_name }}.api.auth import public
from {{ cookiecutter.package_name }}.api.connection import draining
from {{ cookiecutter.package_name }}.api.openapi import openapi_document
from {{ cookiecutter.package_name }}.api.records import BodyError, parse
from {{ cookiecutter.package_name }}.api.responses import error_response, json_response
from {{ cookiecutter.package_name }}.api.worker import ApiWorker, ServedModel

blueprint = Blueprint("api", __name__)
READ_CHUNK = 64 * 1024


class BodyTooLargeError(Exception):
    pass


def worker() -> ApiWorker:
    return cast(ApiWorker, current_app.extensions["worker"])


def served_model() -> ServedModel | None:
    """The model this request is served with: read once per request (see `ApiWorker.refresh`)."""
    return cast("ServedModel | None", g.get("model"))


def no_model() -> Response:
    """503 without internal details (file paths stay in the service's log)."""
    return error_response(503, "Service Unavailable", "no model is loaded yet; see the service log")


@blueprint.get("/health")
@public
def health() -> Response:
    return json_response({"status": "alive"})


@blueprint.get("/ready")
@public
def ready() -> Response:
    if draining():
        message = "the server is stopping: it finishes the requests it has, send new ones elsewhere"
        return error_response(503, "Service Unavailable", message)
    model = served_model()
    if model is None:
        return no_model()
    status: dict[str, Any] = {"status": "ready", "model_version": model.version}
    if worker().refused:
        status["warning"] = "the current model failed its checks; an earlier one keeps serving"
    return json_response(status)


@blueprint.get("/ping")
@public
def ping() -> Response:
    """SageMaker's health check: 200 once the model is loaded."""
    return ready()


def read_chunk(stream: IO[bytes], size: int) -> bytes:
    try:
        return stream.read(size)
    except TimeoutError:
        raise
    except Exception as error:  # a reset, or the server's own parse errors (a bad chunk size)
        msg = f"the body could not be read ({type(error).__name__}: {error})"
        raise BodyError(msg) from None


def whole_body_timeout(seconds: float) -> AbstractContextManager[object]:
    """A timer on the whole body under gunicorn's gevent workers. The socket's read timeout
    bounds each wait, but a body dribbled a byte at a time never makes one wait long."""
    from gevent import Timeout, monkey

    if monkey.is_module_patched("socket"):
        return cast("AbstractContextManager[object]", Timeout(seconds, TimeoutError))
    return nullcontext()  # another server (the test client, Lambda): the socket timeout alone


def read_body(limit: int) -> bytes:
    """The body, at most `limit` bytes, whether it has a Content-Length or comes in chunks, within
    twice the read timeout.

    Read from the server's input stream itself: werkzeug's wrapper would report a read timeout as
    a disconnected client (400) rather than a 408.
    """
    length = request.content_length  # None when the body comes in chunks
    if length is not None and length > limit:
        raise BodyTooLargeError
    wanted = limit + 1 if length is None else length
    stream = request.environ["wsgi.input"]
    received = bytearray()
    with whole_body_timeout(2 * current_app.config["READ_TIMEOUT_SECONDS"]):
        while len(received) < wanted:
            chunk = read_chunk(stream, min(READ_CHUNK, wanted - len(received)))
            if not chunk:
                break
            received += chunk
    if len(received) > limit:
        raise BodyTooLargeError
    if length is not None and len(received) < length:
        msg = f"the body ended after {len(received):,} of its {length:,} bytes (Content-Length)"
        raise BodyError(msg)
    g.body_read = True
    return bytes(received)


def parse_records() -> list[dict[str, Any]] | Response:
    """The request's records, or the error response that explains why there are none."""
    if request.mimetype != "application/json":
        message = f"send a JSON body with Content-Type: application/json, not {request.mimetype!r}"
        return error_response(415, "Unsupported Media Type", message)
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding != "identity":
        message = f"send the body uncompressed, not with Content-Encoding: {encoding}"
        return error_response(415, "Unsupported Media Type", message)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    try:
        records = parse(read_body(limit))
    except BodyTooLargeError:
        return error_response(413, "Content Too Large", f"send at most {limit:,} bytes")
    except TimeoutError:
        response = error_response(408, "Request Timeout", "the body did not arrive in time")
        response.headers["Connection"] = "close"
        return response
    except BodyError as error:
        return error_response(400, "Bad Request", str(error))
    batch = worker().max_batch
    if not records or len(records) > batch:
        message = f"send 1 to {batch} records in one request, not {len(records)}"
        return error_response(422, "Unprocessable Content", message)
    problems = worker().validator.problems(records)
    if problems:
        message = f"{problems.total} field(s) do not match the schema (see /openapi.json)"
        details = [problem.to_dict() for problem in problems.listed]
        return error_response(422, "Unprocessable Content", message, details, problems.total)
    return records  # every record is an object: the schema says so


@blueprint.post("/predict")
def predict() -> Response:
    """One record (an object) or a batch (a list of objects)."""
    model = served_model()
    if model is None:
        return no_model()
    records = parse_records()
    if isinstance(records, Response):
        return records
    predictions = worker().predict(model, records)
    log = worker().prediction_log
    if log is not None:
        log.write(g.request_id, model.version, records, predictions)
    return json_response({"model_version": model.version, "predictions": predictions})


@blueprint.post("/invocations")
def invocations() -> Response:
    """SageMaker's inference route: the same contract as /predict."""
    return predict()


@blueprint.get("/metadata")
def metadata() -> Response:
    model = served_model()
    if model is None:
        return no_model()
    return json_response(model.metadata)


@blueprint.get("/openapi.json")
@public
def openapi() -> Response:
    return json_response(openapi_document(worker().max_batch))


@blueprint.get("/metrics")
@public
def metrics() -> Response:
    body, content_type = worker().metrics.exposition()
    return Response(body, content_type=content_type)
