"""The classification problem: two classes, one positive, whatever labels schema.py declares."""

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.modeling.contract import ProblemModule
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.modeling.training import fit, split
from {{ cookiecutter.package_name }}.schema import SCHEMA

TARGET = SCHEMA.target
POSITIVE, NEGATIVE = TARGET.positive, TARGET.negative


def test_the_problem_module_fulfils_the_contract() -> None:
    contract: ProblemModule = problem  # the type checker checks every name and signature
    assert isinstance(contract, ProblemModule)
    assert problem.MONITORED_PREDICTION in problem.PREDICTION_COLUMNS
    assert problem.PREDICTION_COLUMNS[0] == "prediction"
    assert TARGET.kind in problem.TARGET_KINDS


def test_both_classes_are_common_in_the_sample() -> None:
    positive_rate = (make_dataset(20_000, seed=0)[TARGET.name] == POSITIVE).mean()
    assert 0.1 < positive_rate < 0.9


def test_predictions_are_classes_with_the_positive_probability(sample: pd.DataFrame) -> None:
    training, holdout = split(validate(sample), 0.2, seed=0)
    features, _ = split_target(holdout)
    predicted = predict_frame(fit(training, 0, {}), features)
    assert set(predicted["prediction"].unique()) <= set(TARGET.classes)
    assert predicted["probability"].between(0, 1).all()
    threshold = SCHEMA.target.threshold
    assert ((predicted["prediction"] == POSITIVE) == (predicted["probability"] >= threshold)).all()


def truth_and_guesses() -> tuple[pd.Series, pd.DataFrame]:
    y_true = pd.Series([NEGATIVE, NEGATIVE, POSITIVE, POSITIVE], dtype=object)
    predicted = pd.DataFrame(
        {
            "prediction": pd.Series([NEGATIVE, POSITIVE, POSITIVE, POSITIVE], dtype=object),
            "probability": [0.1, 0.6, 0.8, 0.9],
        }
    )
    return y_true, predicted


def test_metrics_are_about_the_positive_class(tmp_path: Path) -> None:
    y_true, predicted = truth_and_guesses()
    metrics = problem.score(y_true, predicted)
    assert metrics == pytest.approx(
        {"roc_auc": 1.0, "f1": 0.8, "precision": 2 / 3, "recall": 1.0, "accuracy": 0.75}
    )
    paths = problem.plot(y_true, predicted, tmp_path)
    assert [p.name for p in paths] == ["confusion_matrix.png", "roc_curve.png"]
    assert all(p.stat().st_size > 1_000 for p in paths)


def test_one_class_alone_cannot_be_scored() -> None:
    _, predicted = truth_and_guesses()
    with pytest.raises(DataError, match="hold one class"):
        problem.score(pd.Series([POSITIVE] * 4, dtype=object), predicted)


def test_the_response_schema_lists_the_classes() -> None:
    schema = TARGET.prediction_json_schema()
    assert schema["properties"]["prediction"]["enum"] == list(TARGET.classes)
