"""What this project predicts: a customer's spend over the next year. Target, model, metrics, plots.

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
from sklearn.base import RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from {{ cookiecutter.package_name }}.schema import ColumnSpec

PROBLEM_TYPE = "regression"
TARGET = ColumnSpec("next_year_spend", "number", "Spend over the next 12 months.", minimum=0)
PRIMARY_METRIC = "r2"
PREDICTION_COLUMNS: tuple[str, ...] = ("prediction",)
MONITORED_PREDICTION = "prediction"
STRATIFY = False


def make_target(features: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Spend driven by price, contract, tenure, satisfaction and support calls, plus noise."""
    satisfaction = features["satisfaction"].fillna(3.6)
    retention = (
        0.55
        + 0.25 * (features["contract"] == "one-year")
        + 0.35 * (features["contract"] == "two-year")
        + 0.004 * features["tenure_months"].clip(upper=60)
        + 0.06 * (satisfaction - 3.6)
        - 0.04 * features["support_calls"]
    ).clip(0.05, 1.2)
    spend = 12 * features["monthly_charges"] * retention + rng.normal(0, 60, len(features))
    return pd.Series(spend.clip(lower=0).round(2), index=features.index, name=TARGET.name)


def make_estimator(seed: int) -> RegressorMixin:
    del seed  # ridge regression is deterministic; the signature matches other problem types
    return Ridge(alpha=1.0)


def predict_columns(model: RegressorMixin, features: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    return {"prediction": model.predict(features)}


def score(y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
    y_pred = predicted["prediction"]
    return {
        "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "r2": float(r2_score(y_true, y_pred)),
    }


def plot(y_true: pd.Series, predicted: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Residuals against predictions, and predicted against actual, as PNG files in `out_dir`."""
    y_pred = predicted["prediction"].to_numpy()
    actual = y_true.to_numpy()
    residuals = Figure(figsize=(5, 4), layout="constrained")
    ax = residuals.subplots()
    ax.scatter(y_pred, actual - y_pred, s=4, alpha=0.4)
    ax.axhline(0, color="black", linewidth=1)
    ax.set(xlabel="predicted", ylabel="actual - predicted", title="Residuals (holdout)")
    versus = Figure(figsize=(5, 4), layout="constrained")
    ax = versus.subplots()
    ax.scatter(actual, y_pred, s=4, alpha=0.4)
    low, high = float(min(actual.min(), y_pred.min())), float(max(actual.max(), y_pred.max()))
    ax.plot([low, high], [low, high], color="black", linewidth=1)
    ax.set(xlabel="actual", ylabel="predicted", title="Predicted vs actual (holdout)")
    paths = [out_dir / "residuals.png", out_dir / "predicted_vs_actual.png"]
    for figure, path in zip((residuals, versus), paths, strict=True):
        figure.savefig(path, dpi=100)
    return paths
