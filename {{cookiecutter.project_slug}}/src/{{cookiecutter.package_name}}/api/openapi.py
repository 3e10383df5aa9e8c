"""The API's OpenAPI document and its JSON Schemas, generated from the one input schema.

The same JSON Schema validates requests and documents them in the OpenAPI document, so the two
cannot disagree, and neither can disagree with the validation of files.
"""

from __future__ import annotations

from typing import Any

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.schema import SCHEMA

OPENAPI_RECORD = "#/components/schemas/Record"


def record_schema() -> dict[str, Any]:
    """One record, as `schema.py` declares it."""
    return SCHEMA.record_json_schema()


def request_schema(max_batch: int) -> dict[str, Any]:
    """A single record, or a list of 1 to `max_batch` records."""
    record = {"$ref": OPENAPI_RECORD}
    batch = {"type": "array", "items": record, "minItems": 1, "maxItems": max_batch}
    return {"oneOf": [record, batch]}


ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["status", "title", "message"],
        },
        "request_id": {"type": "string"},
    },
    "required": ["error", "request_id"],
}


def error_responses(*statuses: int) -> dict[str, Any]:
    descriptions = {
        400: "Malformed JSON",
        401: "Missing or wrong API key",
        413: "Request body too large",
        415: "Content type is not application/json",
        422: "The body does not match the schema",
        503: "No model is loaded",
    }
    ref = {"$ref": "#/components/schemas/Error"}
    return {
        str(status): {
            "description": descriptions[status],
            "content": {"application/json": {"schema": ref}},
        }
        for status in statuses
    }


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(max_batch: int) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the service."""
    predictions = {
        "type": "object",
        "properties": {
            "model_version": {"type": "string"},
            "predictions": {"type": "array", "items": {"$ref": "#/components/schemas/Prediction"}},
        },
        "required": ["model_version", "predictions"],
    }
    predict = {
        "security": [{"bearer": []}, {"apiKey": []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": request_schema(max_batch)}},
        },
        "responses": {
            "200": json_response("One prediction per record, in order", predictions),
            **error_responses(400, 401, 413, 415, 422, 503),
        },
    }
    status = {"type": "object", "properties": {"status": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "{{ cookiecutter.project_slug }}", "version": __version__},
        "paths": {
            "/health": {
                "get": {
                    "summary": "The process is alive",
                    "responses": {"200": json_response("Alive", status)},
                }
            },
            "/ready": {
                "get": {
                    "summary": "A valid model is loaded",
                    "responses": {"200": json_response("Ready", status), **error_responses(503)},
                }
            },
            "/ping": {
                "get": {
                    "summary": "SageMaker's health check: the same as /ready",
                    "responses": {"200": json_response("Ready", status), **error_responses(503)},
                }
            },
            "/predict": {"post": {"summary": "Predict one record or a batch", **predict}},
            "/invocations": {"post": {"summary": "SageMaker inference, as /predict", **predict}},
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": json_response("OpenAPI 3.1", {"type": "object"})},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics of every worker",
                    "responses": {
                        "200": {
                            "description": "Prometheus text format",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
            "/metadata": {
                "get": {
                    "summary": "The loaded model's version, metrics and schema",
                    "security": [{"bearer": []}, {"apiKey": []}],
                    "responses": {
                        "200": json_response("Model metadata", {"type": "object"}),
                        **error_responses(401, 503),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Record": record_schema(),
                "Prediction": SCHEMA.target.prediction_json_schema(),
                "Error": ERROR,
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }
