"""Every estimator family trains, exports to ONNX within its tolerance, and is served by it.

A family whose library is not installed here is skipped with the command that installs it; nox
installs the project's own family (the training.family setting), so `uv run nox` tests it.
"""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import SettingsError
from {{ cookiecutter.package_name }}.modeling.families import (
    KNOWN,
    family_of,
    new_estimator,
)
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.modeling.onnx_export import records
from {{ cookiecutter.package_name }}.modeling.predictors import ONNX
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.train import train


def installed(name: str) -> bool:
    group = KNOWN[name].group
    return group is None or importlib.util.find_spec(group) is not None


FAMILIES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            not installed(name), reason=f"not installed: uv sync --group {KNOWN[name].group}"
        ),
    )
    for name in KNOWN
]


@pytest.mark.parametrize("name", FAMILIES)
def test_each_family_is_served_by_onnx_runtime_like_the_model(
    settings: Settings, sample: pd.DataFrame, name: str
) -> None:
    outcome = train(settings.with_overrides(**{"training.family": name}))
    assert outcome.promoted, outcome.unservable or str(outcome.gate)
    store = open_store(settings)
    metadata = store.metadata()
    assert metadata["family"] == name
    assert metadata["onnx"]["max_difference"] <= family_of(name).tolerance
    predictor = load_predictor(store)
    assert predictor.runtime == ONNX
    features = validate(sample, require_target=False).head(200)
    served = pd.DataFrame(predictor.predict(records(features)), index=features.index)
    expected = predict_frame(store.load().model, features)
    for column in problem.PREDICTION_COLUMNS:
        if pd.api.types.is_float_dtype(expected[column]):
            difference = (served[column].astype(float) - expected[column]).abs()
            if column != "probability":  # a number: relative to its size
                difference /= expected[column].abs().clip(lower=1.0)
            assert difference.max() <= family_of(name).tolerance, column
    if "probability" in expected:
        threshold = metadata["target"]["threshold"]
        decided = (expected["probability"] - threshold).abs() > family_of(name).tolerance
        assert (served["prediction"] == expected["prediction"])[decided].all()


def test_a_family_whose_library_is_missing_names_its_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(seed: int) -> None:
        raise ModuleNotFoundError("No module named 'lightgbm'", name="lightgbm")

    monkeypatch.setitem(problem.ESTIMATORS, "lightgbm", missing)
    with pytest.raises(SettingsError, match=r"run `uv sync --group lightgbm`"):
        new_estimator("lightgbm", 0)
