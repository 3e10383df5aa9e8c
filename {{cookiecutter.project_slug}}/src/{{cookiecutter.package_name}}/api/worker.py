"""What the app holds while it runs: the model in use, the keys, the validator, metrics, the log.

The model in use is one immutable object (`ServedModel`), replaced whole when a newer one is
promoted (`store.current.CurrentModel`, the rule the web app follows too): a request reads it once,
so a reload between two lines of a request cannot mix two versions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from {{ cookiecutter.package_name }}.api.metrics import ServiceMetrics
from {{ cookiecutter.package_name }}.api.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.api.records import RecordValidator
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.modeling.predictors import Predictor
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import ModelStore
from {{ cookiecutter.package_name }}.store.current import CurrentModel, InUse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServedModel:
    """A loaded model: its predictor, version and the prediction drift monitoring watches."""

    predictor: Predictor
    version: str
    monitored: str

    @property
    def metadata(self) -> dict[str, Any]:
        return {**self.predictor.metadata, "runtime": self.predictor.runtime}


@dataclass
class ApiWorker:
    """One worker's state: the model in use (held by `CurrentModel`, the app's rule too), the
    keys, the request validator, its metrics and the prediction log."""

    store: ModelStore
    keys: list[str]
    max_batch: int
    prediction_log: PredictionLog | None = None
    reload_seconds: float = 5.0
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    validator: RecordValidator = field(default_factory=RecordValidator)
    current: CurrentModel[ServedModel] = field(init=False)
    reported: InUse[ServedModel] = field(default_factory=InUse)  # what metrics and log show

    def __post_init__(self) -> None:
        self.current = CurrentModel(self.store, self.prepare, self.reload_seconds)

    def load(self) -> None:
        """Load the current model at start; on failure keep running (/ready says so)."""
        state = self.current.get()
        self.reported = state
        self.metrics.current_refused.set(0)
        if state.model is None:
            logger.error("no model loaded: %s", state.error)

    def prepare(self, version: str) -> ServedModel:
        predictor = load_predictor(self.store, version)
        try:
            profile = load_profile(self.store, version)
        except ProjectError:  # a model trained before monitoring existed: nothing to publish
            return ServedModel(predictor, version, monitored="")
        for name, column in profile.features.items():
            self.metrics.reference_missing_rate.labels(name).set(column.missing_rate)
        return ServedModel(predictor, version, monitored=profile.prediction_column)

    @property
    def refused(self) -> str | None:
        """A version the store names that could not be loaded (an earlier one keeps serving)."""
        return self.current.in_use.refused

    def refresh(self) -> ServedModel | None:
        """The model to serve this request with: a newly promoted or rolled-back one once the
        store names it (looked at most every `reload_seconds`), else the one in use."""
        state = self.current.get()
        if state.generation != self.reported.generation:
            self.report(state)
        return state.model

    def report(self, state: InUse[ServedModel]) -> None:
        """A change of state, in the metrics and the log."""
        before, self.reported = self.reported, state
        self.metrics.current_refused.set(1 if state.refused else 0)
        if state.model is not None and state.version != before.version:
            logger.info("now serving model %s", state.version)
            self.metrics.reloads.inc()
        if state.refused is None:
            return
        if state.model is None:
            logger.error("no model loaded: %s", state.error)
        else:
            logger.error(
                "still serving model %s, refused %s: %s", state.version, state.refused, state.error
            )

    def predict(self, model: ServedModel, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        predictions = model.predictor.predict(records)
        self.observe(model, records, predictions)
        return predictions

    def observe(
        self, model: ServedModel, records: list[dict[str, Any]], predictions: list[dict[str, Any]]
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
