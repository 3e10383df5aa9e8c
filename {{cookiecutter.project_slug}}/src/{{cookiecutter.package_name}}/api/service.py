"""What the app holds while it runs: the loaded model, the keys, validators, metrics, the log."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, cast

from jsonschema import Draft202012Validator

from {{ cookiecutter.package_name }}.api.metrics import ServiceMetrics
from {{ cookiecutter.package_name }}.api.openapi import record_schema
from {{ cookiecutter.package_name }}.api.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.prediction import predict_frame
from {{ cookiecutter.package_name }}.problem import MONITORED_PREDICTION
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import LoadedModel, ModelStore
from {{ cookiecutter.package_name }}.validation import records_to_frame

logger = logging.getLogger(__name__)


def pointer(part: object) -> str:
    """A JSON Pointer token (RFC 6901): a column named `a/b` is `a~1b`."""
    return str(part).replace("~", "~0").replace("/", "~1")


@dataclass
class Service:
    store: ModelStore
    keys: list[str]
    max_batch: int
    prediction_log: PredictionLog | None = None
    reload_seconds: float = 5.0
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    record_validator: Draft202012Validator = field(
        default_factory=lambda: Draft202012Validator(record_schema())
    )
    model: LoadedModel | None = None
    load_error: str | None = None
    checked_at: float = float("-inf")

    def load(self) -> None:
        """Load the current model; on failure keep serving (/ready says why) rather than crash."""
        self.checked_at = time.monotonic()
        try:
            self.use(self.store.load())
        except ProjectError as error:
            self.model, self.load_error = None, str(error)

    def use(self, model: LoadedModel) -> None:
        self.model, self.load_error = model, None
        try:
            profile = load_profile(self.store, model.version)
        except ProjectError:
            return  # a model trained before monitoring existed: no reference to publish
        for name, column in profile.features.items():
            self.metrics.reference_missing_rate.labels(name).set(column.missing_rate)

    def refresh(self) -> None:
        """Serve the current model if CURRENT changed: promotions and rollbacks need no restart.

        Looks at CURRENT at most every `reload_seconds`, so each worker picks up a change on its
        own. A model that fails to load (checksum, libraries) is refused and the one in use stays.
        """
        if time.monotonic() - self.checked_at < self.reload_seconds:
            return
        self.checked_at = time.monotonic()
        try:
            version = self.store.current()
            if self.model is not None and version == self.model.version:
                return
            model = self.store.load(version)
        except ProjectError as error:
            if self.model is None:
                self.load_error = str(error)
            else:
                logger.error("still serving model %s: %s", self.model.version, error)
            return
        logger.info("now serving model %s", version)
        self.use(model)
        self.metrics.reloads.inc()

    def problems(self, records: list[Any]) -> list[dict[str, str]]:
        """Every schema violation in the records, with a JSON pointer to the field."""
        return [
            {
                "path": "".join(f"/{pointer(part)}" for part in [index, *error.absolute_path]),
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
        self.observe(records, predicted)
        return cast("list[dict[str, Any]]", predicted.to_dict(orient="records"))

    def observe(self, records: list[dict[str, Any]], predicted: Any) -> None:
        """Feed the drift metrics: the monitored prediction and the missing inputs."""
        for value in predicted[MONITORED_PREDICTION]:
            self.metrics.prediction_values.observe(float(value))
        for name in SCHEMA.names:
            missing = sum(record.get(name) is None for record in records)
            if missing:
                self.metrics.missing_inputs.labels(name).inc(missing)
