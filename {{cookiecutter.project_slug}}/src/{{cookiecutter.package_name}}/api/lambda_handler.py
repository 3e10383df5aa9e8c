"""AWS Lambda entry point: the same Flask app behind API Gateway (HTTP API v2 or REST API v1).

Handler: `handler` in this module (`<package>.api.lambda_handler.handler`). The model is loaded
once per Lambda container, when this module is imported (the cold start).
"""

from apig_wsgi import make_lambda_handler

from {{ cookiecutter.package_name }}.api.app import create_app

handler = make_lambda_handler(create_app())
