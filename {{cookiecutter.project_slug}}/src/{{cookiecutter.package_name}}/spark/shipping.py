"""The model as the executors receive it: broadcast once, loaded once per Python worker.

The driver loads the version from the model store (with its checks: checksums, library versions)
and broadcasts its ONNX export, or its scikit-learn pipeline when it has none. Each executor
fetches the broadcast once; each of its Python workers (Spark reuses them from task to task) builds
the ONNX Runtime session, or unpickles the pipeline, the first time it scores, and keeps it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.modeling.predictors import JOBLIB, ONNX, OnnxPredictor

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.store import ModelStore

Scorer = Callable[[pd.DataFrame], pd.DataFrame]  # validated features -> prediction columns

# The scorer this Python worker built last, by the identity of its model: one at a time.
LOADED: dict[tuple[str, str, str], Scorer] = {}


@dataclass(frozen=True)
class ShippedModel:
    version: str
    metadata: dict[str, Any] = field(repr=False)
    onnx: bytes | None = field(default=None, repr=False)
    pipeline: Any = field(default=None, repr=False)  # scikit-learn, when there is no ONNX export

    @property
    def runtime(self) -> str:
        return ONNX if self.onnx is not None else JOBLIB

    @property
    def identity(self) -> tuple[str, str, str]:
        """Version, runtime and the checksums of its files: two stores may hold the same version
        name, and a reused worker must not score one's data with the other's model."""
        checksums = json.dumps(self.metadata.get("files_sha256") or {}, sort_keys=True)
        return self.version, self.runtime, checksums

    def scorer(self) -> Scorer:
        """This worker's scorer for the model, built on first use."""
        key = self.identity
        if key not in LOADED:
            LOADED.clear()
            LOADED[key] = self.build_scorer()
        return LOADED[key]

    def build_scorer(self) -> Scorer:
        if self.onnx is None:
            from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame

            pipeline = self.pipeline
            return lambda features: predict_frame(pipeline, features)
        predictor = OnnxPredictor(self.onnx, self.metadata)
        names = [feature["name"] for feature in self.metadata["features"]]

        def score(features: pd.DataFrame) -> pd.DataFrame:
            columns = {name: features[name].to_numpy() for name in names}
            return pd.DataFrame(predictor.predict_columns(columns), index=features.index)

        return score


def ship(store: ModelStore, version: str | None = None) -> ShippedModel:
    """A version (default: the current one) ready to broadcast, loaded and checked as the API loads
    it: its ONNX export where there is one (a broken export is refused here, not on every
    executor), its scikit-learn pipeline otherwise."""
    from {{ cookiecutter.package_name }}.modeling.scoring import SklearnPredictor

    predictor = load_predictor(store, version)
    metadata = predictor.metadata
    if isinstance(predictor, OnnxPredictor):
        return ShippedModel(metadata["version"], metadata, onnx=predictor.model)
    assert isinstance(predictor, SklearnPredictor)  # noqa: S101 - load_predictor's only other kind
    return ShippedModel(metadata["version"], metadata, pipeline=predictor.model)
