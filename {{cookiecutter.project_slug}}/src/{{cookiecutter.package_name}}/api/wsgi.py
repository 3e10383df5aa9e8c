"""The WSGI entry point for gunicorn: `{{ cookiecutter.package_name }}.api.wsgi:app`.

A setting that stops the service (no API key, a typo'd variable) ends the process with its
one-line message instead of a traceback.
"""

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.errors import SettingsError

try:
    app = create_app()
except SettingsError as error:
    raise SystemExit(f"error: {error}") from None
