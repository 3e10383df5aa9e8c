"""What the app holds while it runs: the model in use, the keys, the validator, metrics, the log.

The model in use is one immutable object (`Serving`), replaced whole when a newer one is promoted:
a request reads it once, so a reload between two lines of a request cannot mix two versions.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from {{ cookiecutter.package_name }}.api.metrics import ServiceMetrics
from {{ cookiecutter.package_name }}.api.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.api.records import RecordValidator
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.serving import Predictor, load_predictor
from {{ cookiecutter.package_name }}.store import ModelStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Serving:
    """A loaded model: its predictor, version and the prediction drift monitoring watches."""

    predictor: Predictor
    version: str
    monitored: str

    @property
    def metadata(self) -> dict[str, Any]:
        return {**self.predictor.metadata, "runtime": self.predictor.runtime}


@dataclass
class Service:
    store: ModelStore
    keys: list[str]
    max_batch: int
    prediction_log: PredictionLog | None = None
    reload_seconds: float = 5.0
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    validator: RecordValidator = field(default_factory=RecordValidator)
    model: Serving | None = None
    refused: str | None = None  # a version CURRENT names that could not be loaded
    checked_at: float = float("-inf")

    def load(self) -> None:
        """Load the current model; on failure keep serving (/ready says so) rather than crash."""
        self.checked_at = time.monotonic()
        try:
            self.use(self.prepare(self.store.current()))
        except ProjectError as error:
            self.model = None
            logger.error("no model loaded: %s", error)

    def prepare(self, version: str) -> Serving:
        predictor = load_predictor(self.store, version)
        try:
            profile = load_profile(self.store, version)
        except ProjectError:  # a model trained before monitoring existed: nothing to publish
            return Serving(predictor, version, monitored="")
        for name, column in profile.features.items():
            self.metrics.reference_missing_rate.labels(name).set(column.missing_rate)
        return Serving(predictor, version, monitored=profile.prediction_column)

    def use(self, model: Serving) -> None:
        self.model = model
        self.accept()

    def accept(self) -> None:
        """CURRENT names a model that loads (again): nothing is refused any more."""
        self.refused = None
        self.metrics.current_refused.set(0)

    def refresh(self) -> Serving | None:
        """The model to serve this request with: a newly promoted or rolled-back one when
        CURRENT changed (looked at most every `reload_seconds`), else the one in use. A model
        that fails to load is refused, logged and exposed; the one in use stays."""
        if time.monotonic() - self.checked_at < self.reload_seconds:
            return self.model
        self.checked_at = time.monotonic()
        try:
            version = self.store.current()
        except ProjectError as error:
            self.refuse(error, "(unreadable CURRENT)")
            return self.model
        if self.model is not None and version == self.model.version:
            self.accept()  # e.g. CURRENT put back after naming a refused version
            return self.model
        if version == self.refused:
            return self.model
        try:
            model = self.prepare(version)
        except ProjectError as error:
            self.refuse(error, version)
            return self.model
        logger.info("now serving model %s", version)
        self.use(model)
        self.metrics.reloads.inc()
        return model

    def refuse(self, error: ProjectError, version: str) -> None:
        self.metrics.current_refused.set(1)
        self.refused = version
        if self.model is None:
            logger.error("no model loaded: %s", error)
        else:
            logger.error(
                "still serving model %s, refused %s: %s", self.model.version, self.refused, error
            )

    def predict(self, model: Serving, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        predictions = model.predictor.predict(records)
        self.observe(model, records, predictions)
        return predictions

    def observe(
        self, model: Serving, records: list[dict[str, Any]], predictions: list[dict[str, Any]]
    ) -> None:
        """Feed the drift metrics: the monitored prediction and the missing inputs."""
        self.metrics.predictions.labels(model.version).inc(len(predictions))
        if model.monitored:
            for prediction in predictions:
                self.metrics.prediction_values.observe(float(prediction[model.monitored]))
        for name in SCHEMA.names:
            missing = sum(record.get(name) is None for record in records)
            if missing:
                self.metrics.missing_inputs.labels(name).inc(missing)
