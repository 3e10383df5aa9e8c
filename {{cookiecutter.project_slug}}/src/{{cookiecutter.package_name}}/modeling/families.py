"""Estimator families: the models the `training.family` setting chooses among, and what each needs.

problem.py builds each family's estimator (`problem.ESTIMATORS`); this module knows the rest:
which dependency group installs its library, whether its inputs are standardised (linear models)
or left as they are (trees), how closely its ONNX export must match it, and how its parameters
are checked, so that a misspelt one is refused with the closest name instead of being ignored.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.errors import SettingsError


@dataclass(frozen=True)
class Family:
    """What the pipeline needs to know of an estimator family."""

    name: str
    group: str | None = None
    """The dependency group that installs its library (None: scikit-learn's own)."""
    scaled: bool = False
    """Whether its numeric inputs are standardised; trees split on raw values."""
    tolerance: float = 1e-4
    """Largest difference its ONNX export may have from it on the holdout (probabilities, or
    predictions relative to their size): float32 trees sum hundreds of leaves."""


KNOWN = {
    "linear": Family("linear", scaled=True),
    "hist_gradient_boosting": Family("hist_gradient_boosting", tolerance=1e-3),
    "lightgbm": Family("lightgbm", group="lightgbm", tolerance=1e-3),
    "xgboost": Family("xgboost", group="xgboost", tolerance=1e-3),
}


def family_of(name: str) -> Family:
    """The family `name` (one of problem.ESTIMATORS); a family of a team's own is treated like a
    tree (raw inputs, the tree tolerance) unless it is added to KNOWN."""
    if name not in problem.ESTIMATORS:
        close = difflib.get_close_matches(name, problem.ESTIMATORS, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        msg = (
            f"the training.family setting is {name!r}, which problem.ESTIMATORS does not build: "
            f"{hint}choose one of {', '.join(problem.ESTIMATORS)}"
        )
        raise SettingsError(msg)
    return KNOWN.get(name, Family(name, tolerance=1e-3))


def new_estimator(name: str, seed: int) -> Any:
    """A new, unfitted estimator of family `name`; one line when its library is not installed."""
    family = family_of(name)
    try:
        estimator = problem.ESTIMATORS[name](seed)
    except ImportError as error:
        install = f"uv sync --group {family.group}" if family.group else "install it"
        msg = (
            f"the training.family setting is {name!r}, whose library is not installed here "
            f"({error.name or error}): run `{install}` (nox installs it for you)"
        )
        raise SettingsError(msg) from None
    if type(estimator).__name__ == "XGBClassifier":  # it learns the labels 0..n-1 only
        from {{ cookiecutter.package_name }}.modeling.xgboost_labels import (
            LabelledXGBClassifier,
        )

        return LabelledXGBClassifier(**estimator.get_params())
    return estimator


def parameter_names(estimator: Any, pipeline: Any) -> set[str]:
    """Every name the training.hyperparameters setting may use: the estimator's own parameters
    (`C`, `num_leaves`), and the pipeline's by their full path (`features__numeric__impute__
    strategy`)."""
    names = set(estimator.get_params(deep=False))
    return names | {name for name in pipeline.get_params(deep=True) if "__" in name}


def check_parameters(
    family: str, estimator: Any, pipeline: Any, hyperparameters: Mapping[str, Any]
) -> None:
    """Refuse, in one line, a parameter that the family's estimator and the pipeline lack.

    LightGBM and XGBoost accept any keyword and ignore one they do not know: without this check
    a misspelt parameter would train, and promote, a model with the default instead.
    """
    valid = parameter_names(estimator, pipeline)
    for name in hyperparameters:
        if name not in valid:
            close = difflib.get_close_matches(name, sorted(valid), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "`tune --parameters` lists them"
            msg = (
                f"the training.hyperparameters setting names {name!r}, which is not a parameter "
                f"of {type(estimator).__name__} (family {family!r}) or of the pipeline: {hint}"
            )
            raise SettingsError(msg)
