"""Fit a model: a seeded holdout split, then one fit of the whole pipeline.

The same data, seed and hyperparameters give the same model and metrics.
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
from {{ cookiecutter.package_name }}.schema import SCHEMA


def split(table: pd.DataFrame, test_size: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training rows and the holdout rows of a validated table."""
    stratify = table[SCHEMA.target.name] if problem.STRATIFY else None
    training, holdout = train_test_split(
        table, test_size=test_size, random_state=seed, stratify=stratify
    )
    return training, holdout


def make_estimator(seed: int, hyperparameters: Mapping[str, Any]) -> Any:
    """The problem's estimator with the `training.hyperparameters` setting applied."""
    estimator = problem.make_estimator(seed)
    try:
        return estimator.set_params(**hyperparameters)
    except (ValueError, TypeError) as error:
        valid = ", ".join(sorted(estimator.get_params(deep=False)))
        msg = (
            f"the training.hyperparameters setting {dict(hyperparameters)} does not fit "
            f"{type(estimator).__name__}: {error}. Its parameters are: {valid}"
        )
        raise SettingsError(msg) from None


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
                " needs examples of both classes"
            )
            raise DataError(msg)


def fit(table: pd.DataFrame, seed: int, hyperparameters: Mapping[str, Any]) -> Pipeline:
    """A new model fitted on every row of a validated table."""
    check_target(table)
    features, target = split_target(table)
    model = build_model(make_estimator(seed, hyperparameters))
    model.fit(model_input(features), target)
    return model
