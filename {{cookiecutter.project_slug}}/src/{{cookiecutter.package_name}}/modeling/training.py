"""Fit a model: a seeded holdout split, then one fit of the whole pipeline.

The same data, seed, family and hyperparameters give the same model and metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.validation import split_target
from {{ cookiecutter.package_name }}.errors import DataError, SchemaError, SettingsError
from {{ cookiecutter.package_name }}.features import build_model, model_input
from {{ cookiecutter.package_name }}.modeling.families import (
    check_parameters,
    family_of,
    new_estimator,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA


def split(table: pd.DataFrame, test_size: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training rows and the holdout rows of a validated table."""
    stratify = table[SCHEMA.target.name] if problem.STRATIFY else None
    training, holdout = train_test_split(
        table, test_size=test_size, random_state=seed, stratify=stratify
    )
    return training, holdout


def build(family: str, seed: int, hyperparameters: Mapping[str, Any]) -> Pipeline:
    """The unfitted pipeline of `family`, with the `training.hyperparameters` setting applied:
    an estimator's parameter by its name (`C`), the pipeline's by its path (`features__...`)."""
    estimator = new_estimator(family, seed)
    model = build_model(estimator, scaled=family_of(family).scaled)
    check_parameters(family, estimator, model, hyperparameters)
    on_estimator = {n: v for n, v in hyperparameters.items() if "__" not in n}
    on_pipeline = {n: v for n, v in hyperparameters.items() if "__" in n}
    try:
        estimator.set_params(**on_estimator)
        model.set_params(**on_pipeline)
    except (ValueError, TypeError) as error:
        raise SettingsError(hyperparameter_error(hyperparameters, error)) from None
    return model


def hyperparameter_error(hyperparameters: Mapping[str, Any], error: BaseException) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the training.hyperparameters setting {dict(hyperparameters)} is refused: {first}"


def is_parameter_error(error: BaseException) -> bool:
    """An error that a fit raises for a parameter's value: scikit-learn's parameter validation,
    LightGBM's and XGBoost's own."""
    kind = type(error)
    return kind.__name__ in {"InvalidParameterError", "LightGBMError", "XGBoostError"} or (
        kind.__module__.startswith(("lightgbm", "xgboost")) and isinstance(error, ValueError)
    )


def check_target(table: pd.DataFrame) -> None:
    """Refuse a target this problem cannot learn, before anything is fitted or saved."""
    target = SCHEMA.target
    if target.kind not in problem.TARGET_KINDS:
        kinds = " or ".join(problem.TARGET_KINDS)
        msg = (
            f"schema.py declares the target {target.name!r} as {target.kind}, but this project"
            f" predicts {problem.PROBLEM_TYPE} ({kinds} targets): declare it as {kinds}"
        )
        raise SchemaError(msg)
    if target.is_classes:
        present = set(table[target.name].unique())
        absent = [label for label in target.classes if label not in present]
        if absent:
            msg = (
                f"the training rows hold no {target.name!r} of class {absent[0]!r}: the model"
                " needs examples of every class declared in schema.py (remove a class that"
                " never occurs, or add rows of it)"
            )
            raise DataError(msg)


def fit(
    table: pd.DataFrame, seed: int, hyperparameters: Mapping[str, Any], family: str = "linear"
) -> Pipeline:
    """A new model of `family` fitted on every row of a validated table.

    Raises SettingsError (one line) for a family or a hyperparameter its estimator refuses.
    """
    check_target(table)
    model = build(family, seed, hyperparameters)
    features, target = split_target(table)
    try:
        model.fit(model_input(features), target)
    except Exception as error:
        if hyperparameters and is_parameter_error(error):
            raise SettingsError(hyperparameter_error(hyperparameters, error)) from None
        raise
    return model
