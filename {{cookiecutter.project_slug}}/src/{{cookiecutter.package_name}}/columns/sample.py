"""The embedded sample dataset, drawn from the schema: any size, offline, the same for each seed.

Every column follows its declaration in `schema.py` (kind, range, categories, typical values, how
often it is missing), so the sample always passes validation, whatever the schema says. The target
carries real signal: it is computed from the features by a fixed, hidden linear relationship (the
same for every seed, so a model trained on one sample scores well on another), plus noise. A
model that learns that relationship clears the default quality gate.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from {{ cookiecutter.package_name }}.columns import Column, Schema
from {{ cookiecutter.package_name }}.schema import SCHEMA

SIGNAL_STRENGTH = 2.5  # standard deviation of the target's linear predictor (in logits)
BASE_RATE = 0.3  # share of the positive class when every feature is typical
# Three or more ordered classes cut one signal into bands: the middle ones are told apart only by
# a stronger signal (ROC AUC one-vs-rest of the best model: 0.82 for 5 classes at 2.5, 0.91 at 5).
CLASSES_SIGNAL_STRENGTH = 5.0
NOISE = 0.35  # a number target's noise, relative to its signal: R² of about 0.89


def signal_rng(schema: Schema) -> np.random.Generator:
    """A generator seeded by the schema's column names: the relationship depends on the schema,
    never on the sample's seed."""
    digest = hashlib.sha256("\n".join(schema.names).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def contribution(
    column: Column, values: pd.Series, rng: np.random.Generator, *, declared: bool
) -> tuple[Any, float]:
    """One column's share of the linear predictor, and its variance over the sample's values.
    A `declared` column is centred on its declared typical values, a derived one on the
    sample's own."""
    if column.categories:
        effects = rng.normal(0, 1, size=len(column.categories))
        effects -= effects.mean()  # categories are drawn evenly: the contribution averages zero
        lookup = dict(zip(column.categories, effects, strict=True))
        return values.map(lookup).to_numpy(dtype="float64"), float(np.var(effects))
    weight = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.5)
    raw = values.to_numpy(dtype="float64")
    numbers = np.where(np.isfinite(raw), raw, np.nan)
    present = numbers[~np.isnan(numbers)]
    if declared:
        center, spread = column.typical()
    elif present.size:
        center, spread = float(present.mean()), float(present.std()) or 1.0
    else:  # no value at all (a row or two, every one missing): nothing to centre on
        center, spread = 0.0, 1.0
    standardized = (numbers - center) / spread
    return weight * standardized, weight**2


def linear_predictor(features: pd.DataFrame, schema: Schema) -> npt.NDArray[np.float64]:
    """The hidden relationship, scaled to a standard deviation of about one. It runs through
    what the model reads (the features, and the derived features in place of dates), so that a
    model of the schema can learn it whatever parts of a date the schema derives."""
    rng = signal_rng(schema)
    table = schema.with_derived(features)
    total = np.zeros(len(features))
    variance = 0.0
    for column in schema.model_columns:
        declared = column in schema.features
        part, part_variance = contribution(column, table[column.name], rng, declared=declared)
        total += np.nan_to_num(part, nan=0.0)  # a ratio by zero, say: no contribution
        variance += part_variance
    scaled: npt.NDArray[np.float64] = total / np.sqrt(max(variance, 1e-12))
    return scaled


def make_target(
    features: pd.DataFrame, schema: Schema, rng: np.random.Generator
) -> npt.NDArray[Any]:
    target = schema.target
    signal = linear_predictor(features, schema)
    if target.is_classes and not target.is_binary:
        # Ordered classes: the signal, with logistic noise, cut into shares of equal size.
        latent = CLASSES_SIGNAL_STRENGTH * signal + rng.logistic(0, 1, len(features))
        cuts = np.quantile(latent, np.linspace(0, 1, len(target.classes) + 1)[1:-1])
        chosen: npt.NDArray[Any] = np.array(target.classes, dtype=object)[
            np.searchsorted(cuts, latent)
        ]
        return chosen
    if target.is_classes:
        base = np.log(BASE_RATE / (1 - BASE_RATE))
        probability = 1 / (1 + np.exp(-(SIGNAL_STRENGTH * signal + base)))
        positive = rng.random(len(features)) < probability
        labels = np.array([target.negative, target.positive], dtype=object)
        drawn: npt.NDArray[Any] = labels[positive.astype(int)]
        return drawn
    as_column = target.as_column()
    center, spread = as_column.typical()
    noisy = (signal + NOISE * rng.normal(0, 1, len(features))) / np.sqrt(1 + NOISE**2)
    values = center + spread * noisy  # the target's typical spread, signal and noise together
    low = -np.inf if target.minimum is None else target.minimum
    high = np.inf if target.maximum is None else target.maximum
    values = np.clip(values, low, high)
    numbers: npt.NDArray[Any] = (
        np.round(values).astype("int64") if target.kind == "integer" else np.round(values, 4)
    )
    return numbers


def drifted(table: pd.DataFrame, schema: Schema, drift: float, rng: np.random.Generator) -> None:
    """Move the features away from the training data, within the schema's ranges: numbers by
    `drift` standard deviations (whole numbers by one at least), dates by `drift` years with a
    share of them on one day, and a share of each category column to its first category."""
    for column in schema.features:
        values = table[column.name]
        if column.categories:
            moved = rng.random(len(table)) < min(0.4 * drift, 1.0)
            table[column.name] = values.where(~moved, column.categories[0])
            continue
        if column.is_date:  # later, and a share on one day: every part of a date moves
            later = values + np.timedelta64(round(365 * drift), "D")
            moved = rng.random(len(table)) < min(0.4 * drift, 1.0)
            table[column.name] = later.where(~moved, later.max())
            continue
        _, spread = column.typical()
        low = -np.inf if column.minimum is None else column.minimum
        high = np.inf if column.maximum is None else column.maximum
        shift = drift * spread
        if column.kind == "integer" and drift > 0:  # rounding must not undo the move
            shift = max(round(shift), 1)
        shifted = np.clip(values + shift, low, high)
        table[column.name] = np.round(shifted) if column.kind == "integer" else shifted


def make_dataset(
    n_rows: int = 10_000, seed: int = 42, schema: Schema = SCHEMA, *, drift: float = 0.0
) -> pd.DataFrame:
    """`n_rows` rows of every feature and the target; the same `seed` gives the same rows.

    With `drift`, the features move away from the training data (to try drift monitoring) while
    the target keeps following the original features.
    """
    if n_rows < 1:
        msg = f"n_rows must be at least 1, got {n_rows}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({column.name: column.draw(n_rows, rng) for column in schema.features})
    for column in schema.features:
        rate = column.sample_missing_rate
        if rate:
            missing = rng.random(n_rows) < rate
            if not column.is_date:  # a date column marks missing with NaT already
                held = object if column.categories else float
                table[column.name] = table[column.name].astype(held)
            table.loc[missing, column.name] = np.nan
    # From the features as the model sees them: a missing value contributes nothing (what the
    # model's imputation assumes), so the relationship stays learnable however much is missing.
    target = make_target(table, schema, rng)
    if drift:
        drifted(table, schema, drift, rng)
    table[schema.target.name] = target
    # The types validation gives them (a nullable column keeps NaN for its missing values).
    declared = [*schema.features, schema.target.as_column()]
    return table.astype({c.name: c.pandas_type() for c in declared if not c.nullable})
