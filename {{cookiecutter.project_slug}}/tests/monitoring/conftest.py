"""What the drift tests share: a model trained on the sample data, its profile, fresh batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }}.config import DriftSettings, Settings
from {{ cookiecutter.package_name }}.monitoring.drift import Thresholds, compare
from {{ cookiecutter.package_name }}.monitoring.profile import Profile, load_profile
from {{ cookiecutter.package_name }}.store import LoadedModel, open_store

if TYPE_CHECKING:
    import pandas as pd

BATCH_ROWS = 5_000
Reference = tuple[Profile, LoadedModel]


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """A model trained on 10,000 rows of the embedded dataset, and its reference profile."""
    from {{ cookiecutter.package_name }}.workflows.train import (
        fit_candidate,
        labelled_data,
    )

    root = tmp_path_factory.mktemp("drift")
    settings = Settings().with_overrides(
        **{"models.dir": root / "models", "data.sample_rows": 10_000, "training.seed": 42}
    )
    version = fit_candidate(settings, labelled_data(settings))
    store = open_store(settings)
    return load_profile(store, version), store.load(version)


@pytest.fixture(scope="session")
def thresholds() -> Thresholds:
    return Thresholds.from_settings(DriftSettings())


@pytest.fixture(scope="session")
def fresh_batch() -> Callable[..., pd.DataFrame]:
    """Fresh rows from the training distribution, by trial: seeds the model never saw."""
    from {{ cookiecutter.package_name }}.columns.sample import make_dataset
    from {{ cookiecutter.package_name }}.columns.validation import validate

    def batch(trial: int, rows: int = BATCH_ROWS) -> pd.DataFrame:
        return validate(make_dataset(rows, seed=10_000 + trial), require_target=False)

    return batch


@pytest.fixture(scope="session")
def drifted_checks(
    reference: Reference, thresholds: Thresholds
) -> Callable[[pd.DataFrame], set[str]]:
    """The names of the checks that report drift for a batch."""
    from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame

    def drifted(features: pd.DataFrame) -> set[str]:
        profile, loaded = reference
        predictions = predict_frame(loaded.model, features)
        return {check.name for check in compare(profile, features, predictions, thresholds).drifted}

    return drifted
