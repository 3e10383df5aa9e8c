"""The WSGI entry point for gunicorn: `{{ cookiecutter.package_name }}.api.wsgi:app`."""

from {{ cookiecutter.package_name }}.api.app import create_app

app = create_app()
