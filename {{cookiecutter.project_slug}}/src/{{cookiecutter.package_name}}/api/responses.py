"""JSON responses, encoded with orjson: the one shape every error of the API takes."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, g

from {{ cookiecutter.package_name }}.api.records import MAX_DETAILS

JSON = "application/json"


def json_response(document: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(document), status=status, mimetype=JSON)


def error_response(
    status: int,
    title: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    total: int | None = None,
) -> Response:
    """A JSON error; `details` lists at most MAX_DETAILS of the `total` problems (default: all)."""
    error: dict[str, Any] = {"status": status, "title": title, "message": message}
    if details:
        error["details"] = details[:MAX_DETAILS]
        omitted = (len(details) if total is None else total) - len(error["details"])
        if omitted:
            error["details_omitted"] = omitted
    return json_response({"error": error, "request_id": g.get("request_id", "")}, status)
