"""The peer row of bench_api.py: the same model served as most tutorials serve one.

FastAPI and uvicorn, a pydantic model of the record, and the scikit-learn pipeline called on a
one-row DataFrame; no authentication, metrics or logging (ours does all three and must still be
ahead). Reads the models folder from the same settings as the API.
"""

import datetime
from typing import Any

from fastapi import FastAPI
from pydantic import create_model

from {{ cookiecutter.package_name }}.columns import Column, Label
from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.modeling.scoring import SklearnPredictor
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store


def field(column: Column) -> tuple[Any, Any]:
    """A column as a pydantic field: its type, and whether it may be left out."""
    kind: Any = Label if column.categories else datetime.date if column.kind == "date" else float
    return (kind | None, None) if column.nullable else (kind, ...)


predictor = SklearnPredictor(open_store(load_settings()).load())
fields: dict[str, Any] = {column.name: field(column) for column in SCHEMA.features}
Record: Any = create_model("Record", **fields)
app = FastAPI()


@app.post("/predict")
def predict(record: Record) -> dict[str, Any]:
    return {"predictions": predictor.predict([record.model_dump(mode="json")])}
