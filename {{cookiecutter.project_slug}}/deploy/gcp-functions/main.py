"""The source file Google Cloud Functions loads (`--entry-point=handle`).

In a bundle (`uv run python deploy/bundle.py gcp-functions`), the package and the model sit next
to this file; the models folder defaults to that copy unless the setting says otherwise.
"""

import os
from pathlib import Path

from {{ cookiecutter.package_name }}.config import env_name

os.environ.setdefault(env_name("models", "dir"), str(Path(__file__).resolve().parent / "models"))

from {{ cookiecutter.package_name }}.api.gcp_function import handle

__all__ = ["handle"]
