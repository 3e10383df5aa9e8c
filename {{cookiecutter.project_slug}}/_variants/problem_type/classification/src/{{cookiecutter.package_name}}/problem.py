"""What this project predicts: will a customer churn? The target, default model, metrics and plots.

The rest of the pipeline asks this module, so changing the problem means changing only this file.
What it must provide is written down in `problem_contract.py` and checked by the type checker.
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

from {{ cookiecutter.package_name }}.schema import ColumnSpec

PROBLEM_TYPE = "classification"
TARGET = ColumnSpec(
    "churned", "integer", "1 if the customer left within a month, else 0.", categories=(0, 1)
)
PRIMARY_METRIC = "roc_auc"
PREDICTION_COLUMNS: tuple[str, ...] = ("prediction", "probability")
MONITORED_PREDICTION = "probability"
STRATIFY = True  # keep the churn rate equal in the training and holdout sets


def make_target(features: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Churn driven by contract, tenure, price, support calls, satisfaction and payment method."""
    satisfaction = features["satisfaction"].fillna(3.6)
    logit = (
        -1.6
        + 1.5 * (features["contract"] == "month-to-month")
        - 0.045 * features["tenure_months"]
        + 0.015 * (features["monthly_charges"] - 66)
        + 0.45 * features["support_calls"]
        - 0.7 * (satisfaction - 3.6)
        + 0.6 * (features["payment_method"] == "electronic-check")
    )
    churn_probability = 1 / (1 + np.exp(-logit.to_numpy(dtype=float)))
    churned = rng.random(len(features)) < churn_probability
    return pd.Series(churned.astype("int64"), index=features.index, name=TARGET.name)


def make_estimator(seed: int) -> ClassifierMixin:
    return LogisticRegression(max_iter=1_000, random_state=seed)


def predict_columns(model: ClassifierMixin, features: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    """The predicted class, and the probability of churn."""
    probability = model.predict_proba(features)[:, 1]
    return {"prediction": (probability >= 0.5).astype("int64"), "probability": probability}


def score(y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
    y_pred = predicted["prediction"]
    return {
        "roc_auc": float(roc_auc_score(y_true, predicted["probability"])),
        "f1": float(f1_score(y_true, y_pred, zero_division=0)),
        "precision": float(precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
    }


def plot(y_true: pd.Series, predicted: pd.DataFrame, out_dir: Path) -> list[Path]:
    """A confusion matrix and a ROC curve, as PNG files in `out_dir`."""
    confusion = Figure(figsize=(5, 4), layout="constrained")
    ConfusionMatrixDisplay.from_predictions(
        y_true, predicted["prediction"], ax=confusion.subplots(), colorbar=False
    )
    confusion.suptitle("Confusion matrix (holdout)")
    roc = Figure(figsize=(5, 4), layout="constrained")
    RocCurveDisplay.from_predictions(y_true, predicted["probability"], ax=roc.subplots())
    roc.suptitle("ROC curve (holdout)")
    paths = [out_dir / "confusion_matrix.png", out_dir / "roc_curve.png"]
    for figure, path in zip((confusion, roc), paths, strict=True):
        figure.savefig(path, dpi=100)
    return paths
