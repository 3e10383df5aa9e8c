"""Google Cloud Functions entry point: the same Flask app behind functions-framework.

Entry point: `handle` (`deploy/gcp-functions/main.py` imports it; `deploy/bundle.py gcp-functions`
assembles the folder that `gcloud functions deploy` uploads). functions-framework routes every
path to `handle`, and `handle` passes the request on to the project's app, which routes it:
`/predict`, `/ready`, `/metadata`… answer exactly as under gunicorn, errors included. The model is
loaded once per instance, when this module is imported (the cold start).
"""

from __future__ import annotations

import functions_framework
from flask import Request, Response

from {{ cookiecutter.package_name }}.api.app import create_app

app = create_app()


@functions_framework.http
def handle(request: Request) -> Response:
    # The app reads the body through functions-framework's own stream, which then reads what is
    # left of it once the answer is made (Cloud Functions caps bodies at 32 MB before that).
    with app.request_context({**request.environ, "wsgi.input": request.stream}):
        return app.full_dispatch_request()
