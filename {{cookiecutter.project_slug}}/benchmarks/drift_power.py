"""How often drift detection raises a false alarm, and how often it catches real drift.

    uv run python benchmarks/drift_power.py [--trials 200] [--rows 5000]

Trains a model on 10,000 rows of the embedded dataset, then compares many fresh batches with its
reference profile: batches from the training distribution (every alarm is a false one), and batches
with a known drift (a mean shift of the first numeric feature, a frequency swap in the first
categorical feature, whichever the schema has). Prints the alarm rates and the time per batch.
Change the drift settings in the environment (`<PREFIX>_DRIFT_ALPHA`, ...) to see what they trade.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.monitoring.drift import Thresholds, compare
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.train import fit_candidate, labelled_data

Drift = Callable[[pd.DataFrame, np.random.Generator], pd.DataFrame]


def no_drift(batch: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    return batch


def mean_shift(batch: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The first numeric feature, half a standard deviation up."""
    name = SCHEMA.numeric[0]
    batch[name] += 0.5 * batch[name].std()
    return batch


def category_swap(batch: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Up to 20% of the rows of the first categorical feature move from its commonest category."""
    name = SCHEMA.categorical[0]
    counts = batch[name].value_counts()
    rows = np.flatnonzero(batch[name].to_numpy() == counts.index[0])
    moved = rng.choice(rows, size=min(len(rows), int(0.20 * len(batch))), replace=False)
    batch.loc[batch.index[moved], name] = counts.index[-1]
    return batch


def scenarios() -> dict[str, tuple[Drift, str]]:
    """No drift, and each kind of drift this schema's columns allow."""
    found: dict[str, tuple[Drift, str]] = {"no drift (false alarms)": (no_drift, "")}
    if SCHEMA.numeric:
        found[f"{SCHEMA.numeric[0]} +0.5 sd"] = (mean_shift, SCHEMA.numeric[0])
    if SCHEMA.categorical:
        found[f"{SCHEMA.categorical[0]} 20-point swap"] = (category_swap, SCHEMA.categorical[0])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp())
    settings = load_settings(
        **{"models.dir": root / "models", "data.sample_rows": 10_000, "training.seed": 42}
    )
    version = fit_candidate(settings, labelled_data(settings))
    store = open_store(settings)
    profile = load_profile(store, version)
    model = store.load(version).model
    thresholds = Thresholds.from_settings(settings.drift)
    print(f"{args.trials} batches of {args.rows:,} rows per scenario; {thresholds}")
    for name, (drift, feature) in scenarios().items():
        alarms = caught = 0
        started = time.perf_counter()
        for trial in range(args.trials):
            batch = validate(make_dataset(args.rows, seed=100_000 + trial), require_target=False)
            batch = drift(batch, np.random.default_rng(trial))
            result = compare(profile, batch, predict_frame(model, batch), thresholds)
            alarms += result.drift
            caught += feature in {check.column for check in result.drifted}
        per_batch = (time.perf_counter() - started) / args.trials
        detail = f", the drifted feature named in {caught / args.trials:.1%}" if feature else ""
        timing = f"{per_batch * 1000:.0f} ms/batch"
        print(f"{name:28} alarm in {alarms / args.trials:6.1%}{detail}  ({timing})")


if __name__ == "__main__":
    main()
