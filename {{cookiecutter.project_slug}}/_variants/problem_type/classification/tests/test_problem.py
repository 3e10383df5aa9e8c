"""The classification problem: two classes (one positive) or more, whatever labels schema.py
declares. The tests of metrics and plots declare the target they are about (two classes, or
three) in place of schema.py's, so that they hold whatever schema.py declares."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns import Schema, Target
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.modeling.contract import ProblemModule
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.modeling.training import fit, split
from {{ cookiecutter.package_name }}.schema import SCHEMA

TARGET = SCHEMA.target


def declare(
    monkeypatch: pytest.MonkeyPatch, classes: tuple[str, ...], positive: str | None = None
) -> Target:
    """`problem` sees a target of these classes in place of schema.py's."""
    name = "outcome"
    while name in SCHEMA.names:
        name += "_"
    target = Target(name, "category", classes=classes, positive=positive)
    monkeypatch.setattr(problem, "SCHEMA", Schema(SCHEMA.features, target, SCHEMA.derived))
    return target


@pytest.fixture
def two(monkeypatch: pytest.MonkeyPatch) -> Target:
    return declare(monkeypatch, ("no", "yes"), positive="yes")


@pytest.fixture
def three(monkeypatch: pytest.MonkeyPatch) -> Target:
    return declare(monkeypatch, ("a", "b", "c"))


def test_the_problem_module_fulfils_the_contract() -> None:
    contract: ProblemModule = problem  # the type checker checks every name and signature
    assert isinstance(contract, ProblemModule)
    assert problem.MONITORED_PREDICTION in problem.PREDICTION_COLUMNS
    assert TARGET.prediction_columns == problem.PREDICTION_COLUMNS
    assert TARGET.kind in problem.TARGET_KINDS


def test_every_class_is_common_in_the_sample() -> None:
    shares = make_dataset(20_000, seed=0)[TARGET.name].value_counts(normalize=True)
    assert set(shares.index) == set(TARGET.classes)
    assert shares.min() > min(0.1, 0.5 / len(TARGET.classes))


def test_predictions_are_classes_with_their_probabilities(sample: pd.DataFrame) -> None:
    training, holdout = split(validate(sample), 0.2, seed=0)
    features, _ = split_target(holdout)
    predicted = predict_frame(fit(training, 0, {}), features)
    assert list(predicted.columns) == list(problem.PREDICTION_COLUMNS)
    assert set(predicted["prediction"].unique()) <= set(TARGET.classes)
    assert predicted["probability"].between(0, 1).all()
    if TARGET.is_binary:
        chosen = predicted["probability"] >= TARGET.threshold
        assert ((predicted["prediction"] == TARGET.positive) == chosen).all()
    else:
        each = predicted[list(TARGET.probability_columns.values())]
        assert np.allclose(each.sum(axis=1), 1.0, atol=1e-6)
        assert np.allclose(predicted["probability"], each.max(axis=1))


def two_class_guesses() -> tuple[pd.Series, pd.DataFrame]:
    y_true = pd.Series(["no", "no", "yes", "yes"], dtype=object)
    predicted = pd.DataFrame(
        {
            "prediction": pd.Series(["no", "yes", "yes", "yes"], dtype=object),
            "probability": [0.1, 0.6, 0.8, 0.9],
        }
    )
    return y_true, predicted


def test_two_class_metrics_are_about_the_positive_class(two: Target, tmp_path: Path) -> None:
    y_true, predicted = two_class_guesses()
    metrics = problem.score(y_true, predicted)
    log_loss = -sum(map(math.log, [0.9, 0.4, 0.8, 0.9])) / 4
    assert metrics == pytest.approx(
        {
            "roc_auc": 1.0,
            "f1": 0.8,
            "precision": 2 / 3,
            "recall": 1.0,
            "accuracy": 0.75,
            "balanced_accuracy": 0.75,
            "log_loss": log_loss,
        }
    )
    paths = problem.plot(y_true, predicted, tmp_path)
    assert [p.name for p in paths] == ["confusion_matrix.png", "roc_curve.png"]
    assert all(p.stat().st_size > 1_000 for p in paths)


def three_class_guesses() -> tuple[pd.Series, pd.DataFrame]:
    """Six rows; the second (an "a") is taken for a "b"; every class is ranked perfectly."""
    y_true = pd.Series(["a", "a", "b", "b", "c", "c"], dtype=object)
    probabilities = np.array(
        [
            [0.8, 0.1, 0.1],
            [0.4, 0.5, 0.1],
            [0.1, 0.7, 0.2],
            [0.2, 0.6, 0.2],
            [0.1, 0.2, 0.7],
            [0.1, 0.1, 0.8],
        ]
    )
    predicted = pd.DataFrame(
        {
            "prediction": pd.Series(["a", "b", "b", "b", "c", "c"], dtype=object),
            "probability": probabilities.max(axis=1),
            "probability_a": probabilities[:, 0],
            "probability_b": probabilities[:, 1],
            "probability_c": probabilities[:, 2],
        }
    )
    return y_true, predicted


def test_three_class_metrics_average_over_the_classes(three: Target, tmp_path: Path) -> None:
    y_true, predicted = three_class_guesses()
    metrics = problem.score(y_true, predicted)
    f1 = {"a": 2 / 3, "b": 0.8, "c": 1.0}  # a: precision 1, recall 1/2; b: 2/3 and 1
    assert metrics == pytest.approx(
        {
            "roc_auc": 1.0,
            "f1_macro": sum(f1.values()) / 3,
            "f1_weighted": sum(f1.values()) / 3,  # two rows of each class
            "accuracy": 5 / 6,
            "balanced_accuracy": (0.5 + 1 + 1) / 3,
            "log_loss": -sum(map(math.log, [0.8, 0.4, 0.7, 0.6, 0.7, 0.8])) / 6,
        }
    )
    paths = problem.plot(y_true, predicted, tmp_path)
    assert [p.name for p in paths] == ["confusion_matrix.png", "roc_curve.png"]
    assert all(p.stat().st_size > 1_000 for p in paths)


def test_a_class_absent_from_the_rows_is_left_out_of_the_roc_auc(three: Target) -> None:
    y_true, predicted = three_class_guesses()
    present = y_true != "c"
    metrics = problem.score(y_true[present], predicted[present])
    assert metrics["roc_auc"] == pytest.approx(1.0)
    assert metrics["accuracy"] == pytest.approx(3 / 4)


def test_three_classes_predict_the_most_probable_with_each_probability(three: Target) -> None:
    rng = np.random.default_rng(0)
    features = pd.DataFrame({"x": rng.normal(size=300), "z": rng.normal(size=300)})
    labels = np.array(["a", "b", "c"])[np.digitize(features["x"], [-0.5, 0.5])]
    model = LogisticRegression().fit(features, labels)
    predicted = problem.predict_columns(model, features)
    assert list(predicted) == ["prediction", "probability", *three.probability_columns.values()]
    assert list(predicted["prediction"]) == list(model.predict(features))
    every = model.predict_proba(features)  # columns in the model's order, here a, b, c
    assert np.allclose(predicted["probability_b"], every[:, 1])
    assert np.allclose(predicted["probability"], every.max(axis=1))


def test_one_class_alone_cannot_be_scored(two: Target) -> None:
    _, predicted = two_class_guesses()
    with pytest.raises(DataError, match="hold one class"):
        problem.score(pd.Series(["yes"] * 4, dtype=object), predicted)


@pytest.mark.parametrize("target", ["two", "three"])
def test_the_response_schema_lists_the_classes(target: str, request: pytest.FixtureRequest) -> None:
    declared: Target = request.getfixturevalue(target)
    schema = declared.prediction_json_schema()
    assert schema["properties"]["prediction"]["enum"] == list(declared.classes)
    assert schema["required"] == list(declared.prediction_columns)
