"""The file the Azure Functions Python worker indexes: it finds the function app `app`.

In a bundle (`uv run python deploy/bundle.py azure-functions`), the package and the model sit next
to this file; the models folder defaults to that copy unless the setting says otherwise.
"""

import os
from pathlib import Path

from {{ cookiecutter.package_name }}.config import env_name

os.environ.setdefault(env_name("models", "dir"), str(Path(__file__).resolve().parent / "models"))

from {{ cookiecutter.package_name }}.api.azure_function import app

__all__ = ["app"]
