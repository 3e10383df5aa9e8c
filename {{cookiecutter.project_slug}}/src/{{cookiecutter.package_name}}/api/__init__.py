"""The HTTP adapter: a Flask app that serves the current model. Production runs it under gunicorn.

    gunicorn --config gunicorn.conf.py {{ cookiecutter.package_name }}.api.wsgi:app

app.py        the app factory (`create_app`): settings, the model holder, error handlers
routes.py     the endpoints; auth.py the API keys; records.py and openapi.py the request schema
worker.py     what a worker holds while it runs: the model in use, metrics, the prediction log
settings.py   the `api` group of the settings tree

Importing this package loads nothing: the settings tree reads `settings.py` without Flask.
"""
