"""Drift detection's statistical guarantees, each checked over 100 seeded trials.

The trial batches have 2,000 rows, fewer than a usual batch: a shift found in a small batch is
found in a larger one, and the false-alarm rate does not grow with the batch. They take the
longest of all the tests: `nox -s stats` runs them, `nox -s tests` does not.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.columns import Column

pytestmark = pytest.mark.stats
TRIALS = 100
ROWS = 2_000


@pytest.fixture(scope="module")
def batches(fresh_batch: Callable[..., pd.DataFrame]) -> list[pd.DataFrame]:
    """The 100 trial batches, drawn and validated once for the three statistical tests."""
    return [fresh_batch(trial, ROWS) for trial in range(TRIALS)]


def test_false_alarms_stay_at_most_5_percent_without_drift(
    reference, drifted_checks, batches
) -> None:
    alarms = sum(bool(drifted_checks(features)) for features in batches)
    assert alarms <= TRIALS * 0.05, f"{alarms} false alarms in {TRIALS} trials"


def test_a_half_standard_deviation_mean_shift_is_detected(
    reference, drifted_checks, batches, numeric_column: Column
) -> None:
    profile, _ = reference
    name = numeric_column.name
    shift = 0.5 * float(np.std(profile.features[name].sample))
    detected = 0
    for trial in range(TRIALS):
        features = batches[trial].copy()
        features[name] = features[name] + shift
        detected += name in drifted_checks(features)
    assert detected >= TRIALS * 0.95, f"{name}: detected in {detected} of {TRIALS} trials"


def test_a_20_point_category_swap_is_detected(
    drifted_checks, batches, categorical_column: Column
) -> None:
    """Up to 20% of the rows move from the most common category to another one."""
    name = categorical_column.name
    detected = 0
    for trial in range(TRIALS):
        features = batches[trial].copy()
        counts = features[name].value_counts()
        common, other = counts.index[0], counts.index[-1]
        rows = np.flatnonzero(features[name].to_numpy() == common)
        moved = np.random.default_rng(trial).choice(
            rows, size=min(len(rows), int(0.20 * len(features))), replace=False
        )
        features.iloc[moved, features.columns.get_loc(name)] = other
        detected += name in drifted_checks(features)
    assert detected >= TRIALS * 0.95, f"{name}: detected in {detected} of {TRIALS} trials"
