"""The reference profile: what the training data and the model's predictions on it looked like.

Saved with every model version (`profile.json`), so a batch is always compared with the data the
model in use actually learned from. Per numeric feature (and the monitored prediction): quantile
bin edges with the share of rows in each bin (for the PSI) and a seeded random sample of values (for
the Kolmogorov-Smirnov test). Per categorical feature: the count of each category. Per feature: how
many values were missing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from {{ cookiecutter.package_name }}.errors import ArtifactError
from {{ cookiecutter.package_name }}.schema import SCHEMA

if TYPE_CHECKING:  # the API reads profiles without pandas or scikit-learn
    import pandas as pd

    from {{ cookiecutter.package_name }}.store import ModelStore

PROFILE_FILE = "profile.json"
BINS = 10
SAMPLE_SIZE = 5_000


@dataclass(frozen=True)
class ColumnProfile:
    kind: str  # "numeric" or "categorical"
    rows: int
    missing: int
    edges: list[float] = field(default_factory=list)  # numeric: inner quantile edges
    shares: list[float] = field(default_factory=list)  # numeric: share of values per bin
    sample: list[float] = field(default_factory=list)  # numeric: random sample of values
    counts: dict[str, int] = field(default_factory=dict)  # categorical: rows per category

    @property
    def missing_rate(self) -> float:
        return self.missing / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class Profile:
    rows: int
    features: dict[str, ColumnProfile]
    predictions: dict[str, ColumnProfile]
    """The monitored prediction columns: problem.MONITORED_PREDICTION first; with three or more
    classes, the predicted class (categorical), its probability and each class's probability."""

    @property
    def prediction_column(self) -> str:
        """The first numeric monitored prediction (what the API's histogram counts)."""
        numeric = [name for name, column in self.predictions.items() if column.kind == "numeric"]
        return (numeric or list(self.predictions))[0]

    @property
    def prediction(self) -> ColumnProfile:
        return self.predictions[self.prediction_column]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Profile:
        data: dict[str, Any] = json.loads(text)
        if "predictions" in data:
            predictions = data["predictions"]
        else:  # a profile saved before several predictions were monitored
            predictions = {data["prediction_column"]: data["prediction"]}
        return cls(
            rows=data["rows"],
            features={name: ColumnProfile(**column) for name, column in data["features"].items()},
            predictions={name: ColumnProfile(**column) for name, column in predictions.items()},
        )


def bin_shares(values: npt.NDArray[Any], edges: list[float]) -> npt.NDArray[Any]:
    """The share of `values` in each bin: (-inf, e0], (e0, e1], ..., (e_last, inf)."""
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return counts / max(len(values), 1)


def numeric_profile(values: pd.Series, rng: np.random.Generator) -> ColumnProfile:
    present = values.dropna().to_numpy(dtype="float64")
    quantiles = np.quantile(present, np.linspace(0, 1, BINS + 1)[1:-1]) if len(present) else []
    edges = sorted({float(edge) for edge in quantiles})
    sample = rng.choice(present, size=min(SAMPLE_SIZE, len(present)), replace=False)
    return ColumnProfile(
        kind="numeric",
        rows=len(values),
        missing=int(values.isna().sum()),
        edges=edges,
        shares=bin_shares(present, edges).tolist(),
        sample=sample.tolist(),
    )


def category_texts(values: pd.Series) -> pd.Series:
    """The categories present, as text that does not depend on how they were held: a whole
    number is `1` whether it arrived as 1 or as 1.0 (a column with gaps is held as floats)."""

    def text(value: object) -> str:
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        return str(value)

    present = values.dropna()
    if present.dtype.name == "category":  # the values held, not every declared category
        present = present.astype(object)
    # Each distinct value once, then a vectorised lookup: a batch has many rows, few categories.
    return present.map({value: text(value) for value in present.unique()})


def categorical_profile(values: pd.Series) -> ColumnProfile:
    counts = category_texts(values).value_counts()
    return ColumnProfile(
        kind="categorical",
        rows=len(values),
        missing=int(values.isna().sum()),
        counts={str(category): int(count) for category, count in counts.items()},
    )


def build_profile(features: pd.DataFrame, predictions: pd.DataFrame, seed: int) -> Profile:
    """The profile of validated training features, and of the model's predictions on rows it did
    not learn from (its holdout)."""
    from {{ cookiecutter.package_name }} import problem

    rng = np.random.default_rng(seed)
    table = SCHEMA.with_derived(features)  # what the model reads: derived features too
    columns = {
        column.name: categorical_profile(table[column.name])
        if column.categories
        else numeric_profile(table[column.name], rng)
        for column in SCHEMA.model_columns
    }
    monitored = [problem.MONITORED_PREDICTION]
    if SCHEMA.target.probability_columns:  # three or more classes
        monitored += ["probability", *SCHEMA.target.probability_columns.values()]
    return Profile(
        rows=len(features),
        features=columns,
        predictions={
            name: categorical_profile(predictions[name])
            if name == "prediction" and SCHEMA.target.is_classes
            else numeric_profile(predictions[name], rng)
            for name in dict.fromkeys(monitored)
        },
    )


def load_profile(store: ModelStore, version: str) -> Profile:
    """The reference profile saved with a model version; refused when missing or malformed."""
    text = store.read_file(version, PROFILE_FILE)
    try:
        return Profile.from_json(text)
    except (ValueError, KeyError, TypeError) as error:  # JSONDecodeError is a ValueError
        msg = f"the drift profile of model {version} is malformed ({error!r}); retrain the model"
        raise ArtifactError(msg) from error
