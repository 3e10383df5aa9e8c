import math

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.columns.validation import split_target, validate
from {{ cookiecutter.package_name }}.config import DEFAULT_MIN_SCORE
from {{ cookiecutter.package_name }}.errors import SettingsError
from {{ cookiecutter.package_name }}.features import build_preprocessor, model_input
from {{ cookiecutter.package_name }}.modeling.evaluation import evaluate
from {{ cookiecutter.package_name }}.modeling.training import build, fit, split
from {{ cookiecutter.package_name }}.schema import SCHEMA


def test_preprocessing_imputes_encodes_and_scales(sample: pd.DataFrame) -> None:
    features, _ = split_target(validate(sample))
    transformed = build_preprocessor().fit_transform(model_input(features))
    assert not np.isnan(transformed).any()
    assert transformed.shape[0] == len(features)
    numeric = transformed[:, : len(SCHEMA.model_numeric)]
    np.testing.assert_allclose(numeric.mean(axis=0), 0, atol=1e-9)


def test_unseen_category_at_prediction_time_does_not_crash(
    sample: pd.DataFrame, categorical_column: Column
) -> None:
    features, _ = split_target(validate(sample))
    preprocessor = build_preprocessor().fit(model_input(features))
    unseen = features.head(3).assign(**{categorical_column.name: "never-seen-before"})
    assert preprocessor.transform(model_input(unseen)).shape[0] == 3


def test_training_is_reproducible(sample: pd.DataFrame, family: str) -> None:
    table = validate(sample)
    training, holdout = split(table, 0.2, seed=11)
    first, second = fit(training, 11, {}, family), fit(training, 11, {}, family)
    assert evaluate(first, holdout).metrics == pytest.approx(evaluate(second, holdout).metrics)
    pd.testing.assert_frame_equal(split(table, 0.2, seed=11)[1], holdout)


def test_another_seed_gives_another_split(sample: pd.DataFrame) -> None:
    table = validate(sample)
    first_training, first = split(table, 0.2, seed=1)
    _, second = split(table, 0.2, seed=2)
    assert not first.index.equals(second.index)
    assert len(first_training) == len(table) - len(first)


def test_model_learns_real_signal(sample: pd.DataFrame, family: str) -> None:
    training, holdout = split(validate(sample), 0.25, seed=0)
    metrics = evaluate(fit(training, 0, {}, family), holdout).metrics
    assert metrics[problem.PRIMARY_METRIC] >= DEFAULT_MIN_SCORE, metrics


def test_hyperparameters_reach_the_estimator_and_the_pipeline(family: str) -> None:
    defaults = problem.ESTIMATORS[family](0).get_params(deep=False)
    numeric = {
        name: value + 1
        for name, value in defaults.items()
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    }
    if not numeric:
        pytest.skip("the estimator has no numeric hyperparameter")
    name, value = next(iter(numeric.items()))
    path = "features__numeric__impute__strategy"
    model = build(family, 0, {name: value, path: "mean"})
    assert model.get_params()[f"estimator__{name}"] == value
    assert model.get_params()[path] == "mean"


def test_a_misspelt_hyperparameter_is_refused_with_the_closest_name(family: str) -> None:
    name = next(iter(problem.ESTIMATORS[family](0).get_params(deep=False)))
    with pytest.raises(SettingsError, match=rf"not a parameter .* did you mean '{name}'\?"):
        build(family, 0, {name[:-1] + name[-1].upper() + "x": 1})


def test_an_unknown_hyperparameter_names_the_setting(family: str) -> None:
    with pytest.raises(SettingsError, match=r"training.hyperparameters setting names 'no_such_"):
        build(family, 0, {"no_such_parameter": 1})


def test_an_invalid_value_is_refused_in_one_line(sample: pd.DataFrame, family: str) -> None:
    """A value the estimator refuses when it fits (scikit-learn, LightGBM and XGBoost alike)."""
    negative = {
        "linear": next(iter(problem.ESTIMATORS["linear"](0).get_params(deep=False))),
        "hist_gradient_boosting": "max_iter",
        "lightgbm": "num_leaves",
        "xgboost": "max_depth",
    }
    if family not in negative:
        pytest.skip(f"no known invalid value for the {family!r} family")
    with pytest.raises(
        SettingsError, match=r"training.hyperparameters setting .* is refused"
    ) as caught:
        fit(validate(sample), 0, {negative[family]: -5}, family)
    assert "\n" not in str(caught.value)


def test_an_unknown_family_is_refused_with_the_closest_name() -> None:
    with pytest.raises(SettingsError, match="did you mean 'lightgbm'"):
        build("lightgmb", 0, {})
