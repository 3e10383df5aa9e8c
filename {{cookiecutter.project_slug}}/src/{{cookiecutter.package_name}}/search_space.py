"""The hyperparameters `tune` searches, for each estimator family: edit a range, add a parameter.

Each function gets an Optuna trial and returns one candidate's parameters, by the names
`training.hyperparameters` takes: an estimator's parameter by its name, a step of the pipeline by
its path (`"features__numeric__impute__strategy": trial.suggest_categorical(...)`). A family
without a search space here cannot be tuned; `tune` says so. Optuna's `suggest_*` calls:
https://optuna.readthedocs.io/en/stable/reference/generated/optuna.trial.Trial.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optuna.trial import BaseTrial as Trial  # a search trial, or a fixed one (the best)

Parameters = dict[str, Any]


def linear(trial: Trial) -> Parameters:
{%- if cookiecutter.problem_type == "classification" %}
    return {"C": trial.suggest_float("C", 1e-3, 1e2, log=True)}
{%- else %}
    return {"alpha": trial.suggest_float("alpha", 1e-3, 1e3, log=True)}
{%- endif %}


def hist_gradient_boosting(trial: Trial) -> Parameters:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "max_iter": trial.suggest_int("max_iter", 50, 400, log=True),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 8, 64, log=True),
        "min_samples_leaf": trial.suggest_int("min_samples_leaf", 10, 100, log=True),
        "l2_regularization": trial.suggest_float("l2_regularization", 1e-6, 10.0, log=True),
    }


def lightgbm(trial: Trial) -> Parameters:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True),
        "num_leaves": trial.suggest_int("num_leaves", 8, 64, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 10, 100, log=True),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-6, 10.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.6, 1.0),
        "subsample_freq": 1,
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.6, 1.0),
    }


def xgboost(trial: Trial) -> Parameters:
    return {
        "learning_rate": trial.suggest_float("learning_rate", 0.02, 0.3, log=True),
        "n_estimators": trial.suggest_int("n_estimators", 50, 400, log=True),
        "max_depth": trial.suggest_int("max_depth", 2, 8),
        "min_child_weight": trial.suggest_float("min_child_weight", 0.5, 20.0, log=True),
        "reg_lambda": trial.suggest_float("reg_lambda", 1e-6, 10.0, log=True),
        "subsample": trial.suggest_float("subsample", 0.6, 1.0),
        "colsample_bytree": trial.suggest_float("colsample_bytree", 0.6, 1.0),
    }


SPACES: dict[str, Callable[[Trial], Parameters]] = {
    "linear": linear,
    "hist_gradient_boosting": hist_gradient_boosting,
    "lightgbm": lightgbm,
    "xgboost": xgboost,
}
