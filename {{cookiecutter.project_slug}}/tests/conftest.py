from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import pipeline
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.dataset import make_dataset

SAMPLE_ROWS = 2_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that write only under the test's temporary directory."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        models_dir=tmp_path / "models",
        reports_dir=tmp_path / "reports",
        sample_rows=SAMPLE_ROWS,
    )


@pytest.fixture(scope="session")
def sample() -> pd.DataFrame:
    """A small labelled table straight from the embedded dataset (tests must not modify it)."""
    return make_dataset(SAMPLE_ROWS, seed=7)


@pytest.fixture
def trained(settings: Settings) -> pipeline.TrainingOutcome:
    """A model trained on the sample dataset and promoted to current."""
    table = pipeline.load_labelled_data(None, rows=SAMPLE_ROWS, seed=settings.random_seed)
    outcome = pipeline.train_and_register(table, settings)
    assert outcome.promoted
    return outcome
