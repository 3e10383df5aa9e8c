import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.config import DEFAULT_MIN_SCORE
from {{ cookiecutter.package_name }}.errors import SettingsError
from {{ cookiecutter.package_name }}.features import build_preprocessor
from {{ cookiecutter.package_name }}.modeling.evaluation import evaluate
from {{ cookiecutter.package_name }}.modeling.training import fit, make_estimator, split
from {{ cookiecutter.package_name }}.schema import SCHEMA


def test_preprocessing_imputes_encodes_and_scales(sample: pd.DataFrame) -> None:
    features, _ = split_target(validate(sample))
    transformed = build_preprocessor().fit_transform(features)
    assert not np.isnan(transformed).any()
    assert transformed.shape[0] == len(features)
    numeric = transformed[:, : len(SCHEMA.numeric)]
    np.testing.assert_allclose(numeric.mean(axis=0), 0, atol=1e-9)


def test_unseen_category_at_prediction_time_does_not_crash(
    sample: pd.DataFrame, categorical_column: Column
) -> None:
    features, _ = split_target(validate(sample))
    preprocessor = build_preprocessor().fit(features)
    unseen = features.head(3).assign(**{categorical_column.name: "never-seen-before"})
    assert preprocessor.transform(unseen).shape[0] == 3


def test_training_is_reproducible(sample: pd.DataFrame) -> None:
    table = validate(sample)
    training, holdout = split(table, 0.2, seed=11)
    first, second = fit(training, 11, {}), fit(training, 11, {})
    assert evaluate(first, holdout).metrics == pytest.approx(evaluate(second, holdout).metrics)
    pd.testing.assert_frame_equal(split(table, 0.2, seed=11)[1], holdout)


def test_another_seed_gives_another_split(sample: pd.DataFrame) -> None:
    table = validate(sample)
    first_training, first = split(table, 0.2, seed=1)
    _, second = split(table, 0.2, seed=2)
    assert not first.index.equals(second.index)
    assert len(first_training) == len(table) - len(first)


def test_model_learns_real_signal(sample: pd.DataFrame) -> None:
    training, holdout = split(validate(sample), 0.25, seed=0)
    metrics = evaluate(fit(training, 0, {}), holdout).metrics
    assert metrics[problem.PRIMARY_METRIC] >= DEFAULT_MIN_SCORE, metrics


def test_hyperparameters_reach_the_estimator() -> None:
    defaults = problem.make_estimator(0).get_params(deep=False)
    numeric = {
        name: value + 1
        for name, value in defaults.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    if not numeric:
        pytest.skip("the estimator has no numeric hyperparameter")
    name, value = next(iter(numeric.items()))
    assert make_estimator(0, {name: value}).get_params()[name] == value


def test_an_unknown_hyperparameter_names_the_setting_and_the_valid_ones() -> None:
    with pytest.raises(SettingsError, match=r"training.hyperparameters .* Its parameters are: "):
        make_estimator(0, {"no_such_parameter": 1})
