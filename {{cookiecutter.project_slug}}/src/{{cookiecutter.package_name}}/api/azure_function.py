"""Azure Functions entry point (Python v2 programming model): the same Flask app, one HTTP function.

`deploy/azure-functions/function_app.py` imports `app` from here; `deploy/bundle.py
azure-functions` assembles the folder that `func azure functionapp publish` uploads. One function
takes every path and method (host.json drops the `/api` prefix) and hands the request to the
project's app, which routes it: `/predict`, `/ready`, `/metadata`… answer as under gunicorn,
errors included. The model is loaded once per worker, when this module is imported.

Not `func.WsgiFunctionApp`: its middleware turns every answer of 500 or more into an exception of
the function, so a 503 "no model is loaded yet" would reach the caller as Azure's bare 500.
Azure's own function keys are off (`AuthLevel.ANONYMOUS`): the app checks the project's API keys,
and `/health` and `/ready` stay open to probes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import azure.functions as func
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from {{ cookiecutter.package_name }}.api.app import create_app

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]  # the app answers 405
# The host has read the whole body: its framing headers no longer describe what the app gets.
FRAMING = {"content-length", "transfer-encoding"}
flask_app = create_app()
app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def to_environ(request: func.HttpRequest) -> dict[str, object]:
    """The WSGI environment of an Azure Functions request: path, query, headers and body."""
    url = urlsplit(request.url)
    builder = EnvironBuilder(
        path=url.path or "/",
        base_url=f"{url.scheme or 'https'}://{url.netloc or 'localhost'}",
        query_string=url.query,
        method=request.method,
        headers=[(k, v) for k, v in request.headers.items() if k.lower() not in FRAMING],
        data=request.get_body() or b"",
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


@app.route(route="{*path}", methods=METHODS)
def api(req: func.HttpRequest) -> func.HttpResponse:
    response = Response.from_app(flask_app.wsgi_app, to_environ(req))
    return func.HttpResponse(
        response.get_data(),
        status_code=response.status_code,
        headers=dict(response.headers),
        mimetype=response.mimetype,
        charset=response.mimetype_params.get("charset", "utf-8"),
    )
