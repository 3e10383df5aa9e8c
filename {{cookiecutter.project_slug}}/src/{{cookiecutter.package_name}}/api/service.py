"""What the app holds while it runs: the loaded model, the keys, validators, metrics, the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from {{ cookiecutter.package_name }}.api.metrics import ServiceMetrics
from {{ cookiecutter.package_name }}.api.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.api.schemas import record_schema
from {{ cookiecutter.package_name }}.artifacts import LoadedModel, load_model
from {{ cookiecutter.package_name }}.data import records_to_frame
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.predict import predict_frame


@dataclass
class Service:
    models_dir: Path
    keys: list[str]
    max_batch: int
    prediction_log: PredictionLog | None = None
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    record_validator: Draft202012Validator = field(
        default_factory=lambda: Draft202012Validator(record_schema())
    )
    model: LoadedModel | None = None
    load_error: str | None = None

    def load(self) -> None:
        """Load the current model; on failure keep serving (/ready says why) rather than crash."""
        try:
            self.model = load_model(self.models_dir)
            self.load_error = None
        except ProjectError as error:
            self.model, self.load_error = None, str(error)

    def problems(self, records: list[Any]) -> list[dict[str, str]]:
        """Every schema violation in the records, with a JSON pointer to the field."""
        return [
            {
                "path": "/" + "/".join(map(str, [index, *error.absolute_path])),
                "message": error.message,
            }
            for index, record in enumerate(records)
            for error in self.record_validator.iter_errors(record)
        ]

    def predict(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.model is None:  # the routes answer 503 before getting here
            msg = f"no model loaded: {self.load_error}"
            raise RuntimeError(msg)
        # The records passed the JSON Schema generated from the same schema.py as `validate`.
        predicted = predict_frame(self.model.model, records_to_frame(records))
        return predicted.to_dict(orient="records")
