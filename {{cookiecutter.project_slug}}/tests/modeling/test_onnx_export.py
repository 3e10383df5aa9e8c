"""The ONNX export made at training: kept only when it predicts like the model; else said why."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ArtifactError, ModelNotFoundError
from {{ cookiecutter.package_name }}.modeling.families import KNOWN, Family
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.modeling.onnx_export import (
    ONNX_FILE,
    one_line,
    records,
    undecided,
)
from {{ cookiecutter.package_name }}.modeling.predictors import ONNX, OnnxPredictor
from {{ cookiecutter.package_name }}.modeling.scoring import (
    SklearnPredictor,
    predict_frame,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import ModelStore
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome, train

TOLERANCE = max(family.tolerance for family in KNOWN.values())  # any family's


def close(served: list[dict[str, Any]], expected: pd.DataFrame) -> None:
    """Served predictions equal the model's: numbers within the tolerance, labels exactly except
    where a difference within it may change the class (a probability at the threshold, or two
    classes that probable)."""
    near = undecided(expected, TOLERANCE) if "probability" in expected else None
    for number, (row, (_, want)) in enumerate(zip(served, expected.iterrows(), strict=True)):
        for name in problem.PREDICTION_COLUMNS:
            value, wanted = row[name], want[name]
            if isinstance(value, float):
                assert value == pytest.approx(float(wanted), rel=TOLERANCE, abs=TOLERANCE), name
            elif near is None or not near.iloc[number]:
                assert value == (wanted.item() if hasattr(wanted, "item") else wanted), name


def test_training_exports_a_model_that_predicts_like_the_original(
    store: ModelStore, trained: TrainingOutcome, sample: pd.DataFrame, family: str
) -> None:
    metadata = store.metadata()
    assert metadata["onnx"]["file"] == ONNX_FILE
    assert metadata["onnx"]["max_difference"] <= metadata["onnx"]["tolerance"] <= TOLERANCE
    assert metadata["family"] == family
    assert "ONNX Runtime" in trained.serving
    predictor = load_predictor(store)
    assert predictor.runtime == ONNX
    features = validate(sample, require_target=False).head(300)
    close(predictor.predict(records(features)), predict_frame(store.load().model, features))


def test_missing_values_are_served_like_the_model_serves_them(
    store: ModelStore, trained: TrainingOutcome, sample: pd.DataFrame
) -> None:
    features = validate(sample, require_target=False).head(50).copy()
    nullable = [column.name for column in SCHEMA.features if column.nullable]
    if not nullable:
        pytest.skip("schema.py declares no column that may be missing")
    for name in nullable:
        features[name] = features[name].astype(object)
        features.loc[features.index[:25], name] = None
    features = validate(features, require_target=False)
    served = load_predictor(store).predict(records(features))
    close(served, predict_frame(store.load().model, features))


def test_a_tampered_export_is_refused(store: ModelStore, trained: TrainingOutcome) -> None:
    path = store.root / trained.version / ONNX_FILE  # type: ignore[attr-defined]
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ArtifactError, match="does not match the SHA-256"):
        load_predictor(store)


def test_a_corrupt_export_with_a_matching_checksum_is_refused(
    store: ModelStore, trained: TrainingOutcome
) -> None:
    with pytest.raises(ArtifactError, match="its ONNX export does not load"):
        OnnxPredictor(b"not an onnx model", store.metadata())


ESTIMATORS = dict(problem.ESTIMATORS)


class Unconvertible(BaseEstimator):  # type: ignore[misc]
    """An estimator no converter knows: wraps the linear family's own."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def __sklearn_tags__(self) -> Any:
        return ESTIMATORS["linear"](self.seed).__sklearn_tags__()

    def fit(self, features: Any, target: Any) -> Unconvertible:
        self.inner_ = ESTIMATORS["linear"](self.seed).fit(features, target)
        if hasattr(self.inner_, "classes_"):
            self.classes_ = self.inner_.classes_
        return self

    def predict(self, features: Any) -> Any:
        return self.inner_.predict(features)

    def predict_proba(self, features: Any) -> Any:
        return self.inner_.predict_proba(features)


@pytest.fixture
def unconvertible(monkeypatch: pytest.MonkeyPatch) -> str:
    """A family of the team's own whose estimator has no ONNX converter."""
    monkeypatch.setitem(problem.ESTIMATORS, "own", Unconvertible)
    monkeypatch.setitem(KNOWN, "own", Family("own", scaled=True))  # a linear model inside
    return "own"


def test_a_model_without_an_export_is_not_promoted_where_the_image_serves_onnx(
    settings: Settings, unconvertible: str
) -> None:
    overrides = {"training.family": unconvertible, "training.require_onnx": True}
    outcome = train(settings.with_overrides(**overrides))
    assert outcome.gate.passed
    assert not outcome.promoted
    assert "MissingShapeCalculator" in outcome.unservable or "Unable to find" in outcome.unservable
    assert "register a converter" in outcome.unservable
    assert "TRAINING_REQUIRE_ONNX=false" in outcome.unservable
    assert "\n" not in outcome.unservable
    from {{ cookiecutter.package_name }}.store import open_store

    assert open_store(settings).versions() == [outcome.version]
    with pytest.raises(ModelNotFoundError):
        open_store(settings).current()


def test_a_model_that_cannot_be_exported_is_served_from_its_pickle_when_allowed(
    settings: Settings, unconvertible: str, sample: pd.DataFrame
) -> None:
    overrides = {"training.family": unconvertible, "training.require_onnx": False}
    outcome = train(settings.with_overrides(**overrides))
    assert outcome.promoted
    assert outcome.serving.startswith("not exported to ONNX (")
    assert "\n" not in outcome.serving
    from {{ cookiecutter.package_name }}.store import open_store

    store = open_store(settings)
    assert store.metadata()["onnx"]["file"] is None
    assert not (settings.models.dir / outcome.version / ONNX_FILE).exists()
    predictor = load_predictor(store)
    assert isinstance(predictor, SklearnPredictor)
    features = validate(sample, require_target=False).head(5)
    close(predictor.predict(records(features)), predict_frame(store.load().model, features))


def test_the_fallback_reason_is_the_innermost_cause() -> None:
    try:
        try:
            raise TypeError("Field onnx.AttributeProto.ints: Expected an int, got a boolean.")
        except TypeError as cause:
            raise ValueError(
                "Unable to create node 'TreeEnsembleClassifier' " + "x" * 5000
            ) from cause
    except ValueError as error:
        reason = one_line(error)
    assert reason == "TypeError: Field onnx.AttributeProto.ints: Expected an int, got a boolean."


def test_serving_needs_neither_pandas_nor_scikit_learn() -> None:
    """What the API process imports to serve an ONNX model (the Docker image has no more)."""
    code = (
        "import sys, json; import {{ cookiecutter.package_name }}.modeling.predictors, "
        "{{ cookiecutter.package_name }}.store.files, "
        "{{ cookiecutter.package_name }}.monitoring.profile; "
        "print(json.dumps(sorted({'pandas', 'sklearn', 'joblib', 'scipy', 'matplotlib', "
        "'pandera', 'pyarrow', 'fsspec'} & set(sys.modules))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
