"""The regression problem: a number, whatever target schema.py declares."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.modeling.contract import ProblemModule
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.modeling.training import fit, split
from {{ cookiecutter.package_name }}.schema import SCHEMA


def test_the_problem_module_fulfils_the_contract() -> None:
    contract: ProblemModule = problem  # the type checker checks every name and signature
    assert isinstance(contract, ProblemModule)
    assert problem.MONITORED_PREDICTION in problem.PREDICTION_COLUMNS
    assert problem.PREDICTION_COLUMNS[0] == "prediction"
    assert SCHEMA.target.kind in problem.TARGET_KINDS


def test_the_sample_target_varies_within_its_range() -> None:
    target = make_dataset(20_000, seed=0)[SCHEMA.target.name]
    if SCHEMA.target.minimum is not None:
        assert target.min() >= SCHEMA.target.minimum
    if SCHEMA.target.maximum is not None:
        assert target.max() <= SCHEMA.target.maximum
    # Many values: as many as the whole numbers of its typical spread allow.
    _, spread = SCHEMA.target.as_column().typical()
    whole = SCHEMA.target.kind == "integer"
    assert target.nunique() >= (min(100, max(2, int(4 * spread))) if whole else 100)


def test_predictions_are_numbers(sample: pd.DataFrame) -> None:
    training, holdout = split(validate(sample), 0.2, seed=0)
    features, _ = split_target(holdout)
    predicted = predict_frame(fit(training, 0, {}), features)
    assert list(predicted.columns) == ["prediction"]
    assert np.isfinite(predicted["prediction"]).all()


def test_metrics_and_plots(tmp_path: Path) -> None:
    y_true = pd.Series([100.0, 200.0, 300.0, 400.0])
    predicted = pd.DataFrame({"prediction": [110.0, 190.0, 310.0, 390.0]})
    metrics = problem.score(y_true, predicted)
    assert metrics["rmse"] == pytest.approx(10.0)
    assert metrics["mae"] == pytest.approx(10.0)
    assert metrics["r2"] == pytest.approx(1 - 400 / 50_000)
    paths = problem.plot(y_true, predicted, tmp_path)
    assert [p.name for p in paths] == ["residuals.png", "predicted_vs_actual.png"]
    assert all(p.stat().st_size > 1_000 for p in paths)
