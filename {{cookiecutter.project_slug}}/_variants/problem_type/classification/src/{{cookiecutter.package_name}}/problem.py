"""What this project predicts: one of two classes, and the probability of the positive one.

The target and its classes are declared in `schema.py` (`TARGET`, with `positive` and the decision
`threshold`); this module says how to model them: the estimators, the predictions, the metrics and
the plots. The rest of the pipeline asks this module, so changing the model means changing only
this file. What it must provide is written down in `modeling/contract.py` and checked by the type
checker.

The `training.family` setting picks one of `ESTIMATORS`; their parameters are the starting point
that the `training.hyperparameters` setting (or `tune`'s best) adjusts. A family of your own is
one more entry here (README: "Use your own model").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.figure import Figure
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    RocCurveDisplay,
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.schema import SCHEMA

PROBLEM_TYPE = "classification"
TARGET_KINDS: tuple[str, ...] = ("category",)  # two classes, one of them positive
PRIMARY_METRIC = "roc_auc"
PREDICTION_COLUMNS: tuple[str, ...] = ("prediction", "probability")
MONITORED_PREDICTION = "probability"
STRATIFY = True  # keep the share of each class equal in the training and holdout sets


def lightgbm(seed: int) -> Any:
    from lightgbm import LGBMClassifier  # uv sync --group lightgbm

    return LGBMClassifier(random_state=seed, n_jobs=1, verbose=-1)


def xgboost(seed: int) -> Any:
    from xgboost import XGBClassifier  # uv sync --group xgboost

    return XGBClassifier(random_state=seed, n_jobs=1)


# One thread per fit: tune runs trials side by side, and the API's workers are the parallelism.
ESTIMATORS: dict[str, Callable[[int], Any]] = {
    "linear": lambda seed: LogisticRegression(max_iter=1_000, random_state=seed),
    "hist_gradient_boosting": lambda seed: HistGradientBoostingClassifier(random_state=seed),
    "lightgbm": lightgbm,
    "xgboost": xgboost,
}


def predict_columns(model: Any, features: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """The predicted class (the positive one from the threshold up), and its probability."""
    target = SCHEMA.target
    positive_column = list(model.classes_).index(target.positive)
    probability = model.predict_proba(features)[:, positive_column].astype(np.float64)
    return {"prediction": target.decide(probability), "probability": probability}


def score(y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
    positive = SCHEMA.target.positive
    truth = (y_true == positive).to_numpy()
    if truth.all() or not truth.any():
        msg = (
            f"the evaluation rows hold one class of {SCHEMA.target.name!r}: ROC AUC needs both;"
            " evaluate on more rows (a larger training.test_size, or more data)"
        )
        raise DataError(msg)
    guessed = (predicted["prediction"] == positive).to_numpy()
    return {
        "roc_auc": float(roc_auc_score(truth, predicted["probability"])),
        "f1": float(f1_score(truth, guessed, zero_division=0)),
        "precision": float(precision_score(truth, guessed, zero_division=0)),
        "recall": float(recall_score(truth, guessed, zero_division=0)),
        "accuracy": float(accuracy_score(truth, guessed)),
    }


def plot(y_true: pd.Series, predicted: pd.DataFrame, out_dir: Path) -> list[Path]:
    """A confusion matrix and a ROC curve, as PNG files in `out_dir`."""
    target = SCHEMA.target
    confusion = Figure(figsize=(5, 4), layout="constrained")
    ConfusionMatrixDisplay.from_predictions(
        y_true.astype(str),
        predicted["prediction"].astype(str),
        labels=[str(target.negative), str(target.positive)],
        ax=confusion.subplots(),
        colorbar=False,
    )
    confusion.suptitle("Confusion matrix (holdout)")
    roc = Figure(figsize=(5, 4), layout="constrained")
    RocCurveDisplay.from_predictions(
        y_true == target.positive, predicted["probability"], ax=roc.subplots()
    )
    roc.suptitle(f"ROC curve (holdout), positive class {target.positive!r}")
    paths = [out_dir / "confusion_matrix.png", out_dir / "roc_curve.png"]
    for figure, path in zip((confusion, roc), paths, strict=True):
        figure.savefig(path, dpi=100)
    return paths
