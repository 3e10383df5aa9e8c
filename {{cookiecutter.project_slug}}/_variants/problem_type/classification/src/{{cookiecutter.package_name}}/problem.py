"""What this project predicts: one of two classes, and the probability of the positive one.

The target and its classes are declared in `schema.py` (`TARGET`, with `positive`); this module
says how to model them: the estimator, the predictions, the metrics and the plots. The rest of the
pipeline asks this module, so changing the model means changing only this file. What it must
provide is written down in `modeling/contract.py` and checked by the type checker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.figure import Figure
from sklearn.base import ClassifierMixin
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


def make_estimator(seed: int) -> ClassifierMixin:
    return LogisticRegression(max_iter=1_000, random_state=seed)


def predict_columns(model: Any, features: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """The predicted class, and the probability of the positive class."""
    target = SCHEMA.target
    positive_column = list(model.classes_).index(target.positive)
    probability = model.predict_proba(features)[:, positive_column]
    labels = np.array([target.negative, target.positive], dtype=object)
    return {"prediction": labels[(probability >= 0.5).astype(int)], "probability": probability}


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
