"""AWS Lambda entry point: the same Flask app behind API Gateway (HTTP API v2 or REST API v1).

Handler: `handler` in this module (`<package>.api.lambda_handler.handler`). The model is loaded
once per Lambda container, when this module is imported (the cold start). An event that is not
an API Gateway request (missing keys, a body that is not valid base64) gets a JSON 400, like any
malformed request, instead of an error of the function.
"""

from __future__ import annotations

import binascii
import json
import uuid
from typing import Any

from apig_wsgi import make_lambda_handler

from {{ cookiecutter.package_name }}.api.app import create_app

app_handler = make_lambda_handler(create_app())


def bad_event(error: Exception) -> dict[str, Any]:
    request_id = uuid.uuid4().hex
    message = f"not an API Gateway request event ({type(error).__name__}: {error})"
    body = {
        "error": {"status": 400, "title": "Bad Request", "message": message},
        "request_id": request_id,
    }
    return {
        "statusCode": 400,
        "headers": {"Content-Type": "application/json", "X-Request-ID": request_id},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def handler(event: Any, context: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        return bad_event(TypeError(f"the event is a {type(event).__name__}, not an object"))
    try:
        response: dict[str, Any] = app_handler(event, context)
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
        return bad_event(error)
    return response
