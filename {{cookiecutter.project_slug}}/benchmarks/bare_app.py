"""The ceiling of bench_api.py: a Flask endpoint that reads the body and returns fixed JSON."""

from flask import Flask, Response, jsonify, request

app = Flask(__name__)


@app.post("/fixed")
def fixed() -> Response:
    request.get_data()
    return jsonify(model_version="fixed", predictions=[{"prediction": 0}])
