from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.prediction import predict_frame
from {{ cookiecutter.package_name }}.problem_contract import Problem
from {{ cookiecutter.package_name }}.sample_data import make_dataset
from {{ cookiecutter.package_name }}.training import fit, split
from {{ cookiecutter.package_name }}.validation import split_target, validate


def test_the_problem_module_fulfils_the_contract() -> None:
    contract: Problem = problem  # the type checker checks every name and signature
    assert isinstance(contract, Problem)
    assert problem.MONITORED_PREDICTION in problem.PREDICTION_COLUMNS
    assert problem.PREDICTION_COLUMNS[0] == "prediction"


def test_churn_rate_is_realistic() -> None:
    churn_rate = make_dataset(20_000, seed=0)[problem.TARGET.name].mean()
    assert 0.15 < churn_rate < 0.45


def test_predictions_are_classes_with_probabilities(sample: pd.DataFrame) -> None:
    training, holdout = split(validate(sample), 0.2, seed=0)
    features, _ = split_target(holdout)
    predicted = predict_frame(fit(training, 0, {}), features)
    assert set(predicted["prediction"].unique()) <= {0, 1}
    assert predicted["probability"].between(0, 1).all()
    assert (predicted["prediction"] == (predicted["probability"] >= 0.5)).all()


def test_metrics_and_plots(tmp_path: Path) -> None:
    y_true = pd.Series([0, 0, 1, 1])
    predicted = pd.DataFrame({"prediction": [0, 1, 1, 1], "probability": [0.1, 0.6, 0.8, 0.9]})
    metrics = problem.score(y_true, predicted)
    assert metrics == pytest.approx(
        {"roc_auc": 1.0, "f1": 0.8, "precision": 2 / 3, "recall": 1.0, "accuracy": 0.75}
    )
    paths = problem.plot(y_true, predicted, tmp_path)
    assert [p.name for p in paths] == ["confusion_matrix.png", "roc_curve.png"]
    assert all(p.stat().st_size > 1_000 for p in paths)
