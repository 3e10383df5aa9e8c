"""The feature pipeline. It lives inside the saved model: training and serving transform alike.

The model takes its input as `model_input` prepares it: the features and the derived features
declared in `schema.py` (`columns/derived.py` computes them, for every predictor alike), numbers
as floats (missing: NaN), and categories as text, a missing one as the `MISSING` token. Every
step of the pipeline is one that skl2onnx converts, so the same model can be served by ONNX
Runtime (see `modeling/onnx_export.py`).

Numbers are standardised for a linear model, and left as they are for trees: a tree splits on raw
values, and standardising them first would move its thresholds where ONNX Runtime's float32 and
scikit-learn's float64 round differently.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from {{ cookiecutter.package_name }}.columns import MISSING
from {{ cookiecutter.package_name }}.schema import SCHEMA


def model_input(features: pd.DataFrame) -> pd.DataFrame:
    """Validated features as the model takes them: the derived features added, the date columns
    they come from left out, floats, and text with missing marked."""
    derived = SCHEMA.with_derived(features[list(SCHEMA.names)])
    prepared = derived[[column.name for column in SCHEMA.model_columns]].copy()
    for name in SCHEMA.model_numeric:
        prepared[name] = prepared[name].astype("float64")
    for column in SCHEMA.model_columns:
        if column.categories:  # each label as its text: 1, 1.0 and "1" are the same category
            labels = {label: str(label) for label in column.categories}
            text = prepared[column.name].astype(object).map(labels)
            prepared[column.name] = text.where(text.notna(), MISSING).astype(object)
    return prepared


def build_preprocessor(scaled: bool = True) -> ColumnTransformer:
    """Impute numbers (and scale them when `scaled`); one-hot encode categories (an unseen one
    encodes as none)."""
    steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
    if scaled:
        steps.append(("scale", StandardScaler()))
    numeric = Pipeline(steps)
    categorical = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer(
        [
            ("numeric", numeric, SCHEMA.model_numeric),
            ("categorical", categorical, SCHEMA.model_categorical),
        ],
        verbose_feature_names_out=False,
    )


def build_model(estimator: BaseEstimator, scaled: bool = True) -> Pipeline:
    """The whole model: preprocessing followed by the estimator, fitted and saved as one object."""
    return Pipeline(
        [
            ("features", build_preprocessor(scaled)),
            ("estimator", estimator),
        ]
    )
