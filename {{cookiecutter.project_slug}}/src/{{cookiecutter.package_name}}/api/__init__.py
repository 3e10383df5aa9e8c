"""The HTTP adapter: a Flask app that serves the current model. Production runs it under gunicorn.

gunicorn --config gunicorn.conf.py {{ cookiecutter.package_name }}.api.wsgi:app
"""

from {{ cookiecutter.package_name }}.api.app import create_app

__all__ = ["create_app"]
