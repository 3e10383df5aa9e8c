"""What this project predicts: a number, such as a customer's spend over the next year.

The target is declared in `schema.py` (`TARGET`); this module says how to model it: the estimator,
the predictions, the metrics and the plots. The rest of the pipeline asks this module, so changing
the model means changing only this file. What it must provide is written down in
`modeling/contract.py` and checked by the type checker.

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
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

PROBLEM_TYPE = "regression"
TARGET_KINDS: tuple[str, ...] = ("number", "integer")
PRIMARY_METRIC = "r2"
PREDICTION_COLUMNS: tuple[str, ...] = ("prediction",)
MONITORED_PREDICTION = "prediction"
STRATIFY = False


def lightgbm(seed: int) -> Any:
    from lightgbm import LGBMRegressor  # uv sync --group lightgbm

    return LGBMRegressor(random_state=seed, n_jobs=1, verbose=-1)


def xgboost(seed: int) -> Any:
    from xgboost import XGBRegressor  # uv sync --group xgboost

    return XGBRegressor(random_state=seed, n_jobs=1)


# One thread per fit: tune runs trials side by side, and the API's workers are the parallelism.
# Ridge regression is deterministic: it takes no seed.
ESTIMATORS: dict[str, Callable[[int], Any]] = {
    "linear": lambda seed: Ridge(alpha=1.0),
    "hist_gradient_boosting": lambda seed: HistGradientBoostingRegressor(random_state=seed),
    "lightgbm": lightgbm,
    "xgboost": xgboost,
}


def predict_columns(model: Any, features: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
    return {"prediction": np.asarray(model.predict(features), dtype=np.float64)}


def score(y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
    y_pred = predicted["prediction"]
    return {
        "rmse": float(np.sqrt(mean_squared_error(y_true, y_pred))),
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "r2": float(r2_score(y_true, y_pred)),
    }


def plot(y_true: pd.Series, predicted: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Residuals against predictions, and predicted against actual, as PNG files in `out_dir`."""
    y_pred = predicted["prediction"].to_numpy(dtype="float64")
    actual = y_true.to_numpy(dtype="float64")
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
