"""Drift detection's statistical guarantees, each checked over 100 seeded trials.

A file of its own: these tests take most of the suite's time, and a file is the unit that the
`tests` session spreads over the cores.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

TRIALS = 100


@pytest.fixture(scope="module")
def batches(fresh_batch: Callable[[int], pd.DataFrame]) -> list[pd.DataFrame]:
    """The 100 trial batches, drawn and validated once for the three statistical tests."""
    return [fresh_batch(trial) for trial in range(TRIALS)]


def test_false_alarms_stay_at_most_5_percent_without_drift(
    reference, drifted_checks, batches
) -> None:
    alarms = sum(bool(drifted_checks(features)) for features in batches)
    assert alarms <= TRIALS * 0.05, f"{alarms} false alarms in {TRIALS} trials"


def test_a_half_standard_deviation_mean_shift_is_detected(
    reference, drifted_checks, batches
) -> None:
    profile, _ = reference
    shift = 0.5 * float(np.std(profile.features["monthly_charges"].sample))
    detected = 0
    for trial in range(TRIALS):
        features = batches[trial].copy()
        features["monthly_charges"] = features["monthly_charges"] + shift
        detected += "monthly_charges" in drifted_checks(features)
    assert detected >= TRIALS * 0.95, f"detected in {detected} of {TRIALS} trials"


def test_a_20_point_category_swap_is_detected(drifted_checks, batches) -> None:
    detected = 0
    for trial in range(TRIALS):
        features = batches[trial].copy()
        rng = np.random.default_rng(trial)
        monthly = np.flatnonzero(features["contract"].to_numpy() == "month-to-month")
        moved = rng.choice(monthly, size=int(0.20 * len(features)), replace=False)
        features.iloc[moved, features.columns.get_loc("contract")] = "two-year"
        detected += "contract" in drifted_checks(features)
    assert detected >= TRIALS * 0.95, f"detected in {detected} of {TRIALS} trials"
