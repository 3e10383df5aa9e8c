"""The feature pipeline. It lives inside the saved model: training and serving transform alike."""

from __future__ import annotations

from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from {{ cookiecutter.package_name }}.schema import SCHEMA


def build_preprocessor() -> ColumnTransformer:
    """Impute and scale numbers; impute and one-hot encode categories."""
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, SCHEMA.numeric),
            ("categorical", categorical, SCHEMA.categorical),
        ],
        verbose_feature_names_out=False,
    )


def build_model(estimator: BaseEstimator) -> Pipeline:
    """The whole model: preprocessing followed by the estimator, fitted and saved as one object."""
    return Pipeline([("features", build_preprocessor()), ("estimator", estimator)])
