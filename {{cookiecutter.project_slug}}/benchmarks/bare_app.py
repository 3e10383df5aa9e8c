"""The baseline of bench_api.py: a Flask endpoint that returns a fixed JSON document."""

from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.get("/fixed")
def fixed() -> Response:
    return jsonify(status="ok", predictions=[{"prediction": 0}])
