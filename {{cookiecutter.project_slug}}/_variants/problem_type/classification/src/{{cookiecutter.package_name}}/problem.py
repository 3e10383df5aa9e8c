"""What this project predicts: a class, and its probability.

The target and its classes are declared in `schema.py` (`TARGET`). Two classes are the binary
case: `probability` is the probability of the `positive` class, which is predicted from the
decision `threshold` up. Three or more classes predict the most probable one, with its probability
and the probability of every class (`probability_<class>`). This module says how to model them:
the estimators, the predictions, the metrics and the plots. The rest of the pipeline asks this
module, so changing the model means changing only this file. What it must provide is written down
in `modeling/contract.py` and checked by the type checker.

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
    balanced_accuracy_score,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)

from {{ cookiecutter.package_name }}.columns import most_probable
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.schema import SCHEMA

PROBLEM_TYPE = "classification"
TARGET_KINDS: tuple[str, ...] = ("category",)  # two or more classes
PRIMARY_METRIC = "roc_auc"  # three or more classes: each class against the rest, averaged
PREDICTION_COLUMNS: tuple[str, ...] = SCHEMA.target.prediction_columns
# Two classes: the positive one's probability; more: the predicted class (and, in the drift
# report, the probability of each class).
MONITORED_PREDICTION = "probability" if SCHEMA.target.is_binary else "prediction"
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
    """The predicted class and its probability (two classes: the positive one's, from the
    threshold up), and with more classes the probability of each."""
    target = SCHEMA.target
    probabilities = model.predict_proba(features).astype(np.float64)
    order = list(model.classes_)
    if not target.is_binary:
        return most_probable(probabilities, order, target.classes)
    probability = probabilities[:, order.index(target.positive)]
    return {"prediction": target.decide(probability), "probability": probability}


def score(y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
    target = SCHEMA.target
    present = set(y_true.unique())
    if len(present) < 2:
        msg = (
            f"the evaluation rows hold one class of {target.name!r}: ROC AUC needs two or more;"
            " evaluate on more rows (a larger training.test_size, or more data)"
        )
        raise DataError(msg)
    if not target.is_binary:
        return multiclass_scores(y_true, predicted)
    truth = (y_true == target.positive).to_numpy()
    guessed = (predicted["prediction"] == target.positive).to_numpy()
    probability = predicted["probability"].to_numpy()
    return {
        "roc_auc": float(roc_auc_score(truth, probability)),
        "f1": float(f1_score(truth, guessed, zero_division=0)),
        "precision": float(precision_score(truth, guessed, zero_division=0)),
        "recall": float(recall_score(truth, guessed, zero_division=0)),
        "accuracy": float(accuracy_score(truth, guessed)),
        "balanced_accuracy": float(balanced_accuracy_score(truth, guessed)),
        "log_loss": float(log_loss(truth, probability, labels=[False, True])),
    }


def multiclass_scores(y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
    """Three or more classes. ROC AUC is each class against the rest, averaged over the classes
    the rows hold (a rare class may be absent from a holdout)."""
    columns = SCHEMA.target.probability_columns
    # Each class by its position in sorted order (log loss reads the probability columns in that
    # order): labels held as Python objects (the predictions) are no type scikit-learn can tell.
    labels = sorted(columns)
    position = {label: index for index, label in enumerate(labels)}
    truth = np.array([position[label] for label in y_true], dtype=np.int64)
    guessed = np.array([position[label] for label in predicted["prediction"]], dtype=np.int64)
    aucs = [
        roc_auc_score(truth == index, predicted[columns[label]])
        for label, index in position.items()
        if (truth == index).any()
    ]
    probabilities = predicted[[columns[label] for label in labels]].to_numpy(dtype=np.float64)
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    codes = list(range(len(labels)))
    return {
        "roc_auc": float(np.mean(aucs)),
        "f1_macro": float(f1_score(truth, guessed, labels=codes, average="macro", zero_division=0)),
        "f1_weighted": float(
            f1_score(truth, guessed, labels=codes, average="weighted", zero_division=0)
        ),
        "accuracy": float(accuracy_score(truth, guessed)),
        "balanced_accuracy": float(balanced_accuracy_score(truth, guessed)),
        "log_loss": float(log_loss(truth, probabilities, labels=codes)),
    }


def plot(y_true: pd.Series, predicted: pd.DataFrame, out_dir: Path) -> list[Path]:
    """A confusion matrix and ROC curves (one per class against the rest, with three or more
    classes), as PNG files in `out_dir`."""
    target = SCHEMA.target
    classes = list(target.classes)
    size = max(5.0, 0.6 * len(classes) + 3)
    confusion = Figure(figsize=(size, size - 1), layout="constrained")
    ConfusionMatrixDisplay.from_predictions(
        y_true.astype(str),
        predicted["prediction"].astype(str),
        labels=[str(label) for label in classes],
        ax=confusion.subplots(),
        colorbar=False,
        xticks_rotation="vertical" if len(classes) > 4 else "horizontal",
    )
    confusion.suptitle("Confusion matrix (holdout)")
    roc = Figure(figsize=(5, 4), layout="constrained")
    axes = roc.subplots()
    if target.is_binary:
        RocCurveDisplay.from_predictions(
            y_true == target.positive, predicted["probability"], ax=axes
        )
        roc.suptitle(f"ROC curve (holdout), positive class {target.positive!r}")
    else:
        for label, column in target.probability_columns.items():
            if (y_true == label).any():
                RocCurveDisplay.from_predictions(
                    y_true == label, predicted[column], ax=axes, name=str(label)
                )
        roc.suptitle("ROC curves (holdout), each class against the rest")
    paths = [out_dir / "confusion_matrix.png", out_dir / "roc_curve.png"]
    for figure, path in zip((confusion, roc), paths, strict=True):
        figure.savefig(path, dpi=100)
    return paths
