"""JSON error responses: the one shape every error of the API takes."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify


def error_response(
    status: int, title: str, message: str, details: list[dict[str, Any]] | None = None
) -> Response:
    error: dict[str, Any] = {"status": status, "title": title, "message": message}
    if details:
        error["details"] = details
    response = jsonify(error=error, request_id=g.get("request_id", ""))
    response.status_code = status
    return response
