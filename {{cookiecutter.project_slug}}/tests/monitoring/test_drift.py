"""Drift detection's parts: each check, the PSI and Holm, the profile, and the HTML report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import (
    ArtifactError,
    DataError,
    ModelNotFoundError,
)
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.monitoring.drift import (
    compare,
    holm,
    ks_two_sample,
    psi,
)
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.monitoring.report import write_html
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.train import fit_candidate, labelled_data

Batch = Callable[[int], pd.DataFrame]


def test_a_rise_in_missing_values_is_drift(fresh_batch: Batch, drifted_checks) -> None:
    # A column the model reads as it is (a date reaches it through its derived parts).
    column = next((c for c in SCHEMA.features if c.nullable and not c.is_date), None)
    if column is None:
        pytest.skip("schema.py declares no nullable column that is not a date")
    features = fresh_batch(0)
    name = column.name
    features[name] = features[name].astype(object if column.categories else float)
    features.loc[features.index[:1_000], name] = np.nan  # 20 points more than usual
    assert f"{name} (missing rate)" in drifted_checks(features)


def extreme(features: pd.DataFrame) -> pd.DataFrame:
    """Every row the same, at the edge of the data: whatever the model, its predictions move."""
    moved = features.copy()
    for name in SCHEMA.numeric:
        moved[name] = features[name].quantile(0.99)
    for name in SCHEMA.dates:
        moved[name] = features[name].max()
    for name in SCHEMA.categorical:
        moved[name] = features[name].mode().iloc[0]
    return moved


def test_a_shift_in_predictions_is_reported(fresh_batch: Batch, reference, drifted_checks) -> None:
    drifted = drifted_checks(extreme(fresh_batch(1)))
    assert reference[0].prediction_column in drifted


def test_too_few_rows_are_refused_not_judged(fresh_batch: Batch, reference, thresholds) -> None:
    profile, loaded = reference
    features = fresh_batch(0).head(thresholds.min_rows - 1)
    with pytest.raises(DataError, match="at least"):
        compare(profile, features, predict_frame(loaded.model, features), thresholds)


def test_psi_is_zero_for_equal_shares_and_grows_with_the_shift() -> None:
    even = np.full(4, 0.25)
    assert psi(even, even) == 0
    moved, further = np.array([0.3, 0.2, 0.25, 0.25]), np.array([0.5, 0.0, 0.25, 0.25])
    assert 0 < psi(even, moved) < psi(even, further)


def test_holm_adjusts_like_the_textbook() -> None:
    # Holm (1979): sorted p (0.01, 0.02, 0.04) times (3, 2, 1), kept monotone.
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.9, 0.8]) == [1.0, 1.0]


def test_the_profile_is_saved_with_every_model(reference) -> None:
    profile, _ = reference
    assert list(profile.features) == [column.name for column in SCHEMA.model_columns]
    assert profile.rows == 8_000
    for column in SCHEMA.model_columns:  # what the model reads: derived features too
        kept = profile.features[column.name]
        if column.name in SCHEMA.names:  # a derived one is missing where its inputs are
            assert kept.missing_rate == pytest.approx(column.sample_missing_rate, abs=0.02)
        if column.categories:
            assert set(kept.counts) <= {str(category) for category in column.categories}
        else:
            assert 1 <= len(kept.edges) <= 9
            assert sum(kept.shares) == pytest.approx(1)
            assert len(kept.sample) == min(5_000, 8_000 - kept.missing)


def test_a_model_without_a_profile_cannot_be_monitored(settings: Settings) -> None:
    version = fit_candidate(settings, labelled_data(settings))
    (settings.models.dir / version / "profile.json").unlink()
    with pytest.raises(ModelNotFoundError, match=r"no profile\.json"):
        load_profile(open_store(settings), version)


@pytest.mark.parametrize("content", ["{not json", "[]", '{"rows": 1}'])
def test_a_malformed_profile_is_refused(settings: Settings, content: str) -> None:
    """Even one whose checksum matches (written wrong in the first place)."""
    version = fit_candidate(settings, labelled_data(settings))
    (settings.models.dir / version / "profile.json").write_text(content)
    store = open_store(settings)
    checksum = hashlib.sha256(content.encode()).hexdigest()
    store.update_metadata(version, {"files_sha256": {"profile.json": checksum}})
    with pytest.raises(ArtifactError, match=r"profile of model .* is malformed"):
        load_profile(store, version)


def test_a_tampered_profile_is_refused(settings: Settings) -> None:
    version = fit_candidate(settings, labelled_data(settings))
    path = settings.models.dir / version / "profile.json"
    path.write_text(path.read_text().replace("0", "1", 1))
    with pytest.raises(ArtifactError, match="does not match the SHA-256"):
        load_profile(open_store(settings), version)


def test_the_html_report_has_a_plot_per_drifted_check(
    fresh_batch: Batch, reference, thresholds, tmp_path: Path
) -> None:
    profile, loaded = reference
    features = extreme(fresh_batch(2))
    expected = {"numeric", "prediction"} if SCHEMA.model_numeric else {"prediction"}
    if SCHEMA.model_categorical:
        expected.add("categorical")
    if SCHEMA.nullable:
        name = SCHEMA.nullable[0]
        features[name] = features[name].astype(object)
        features.loc[features.index[:1_500], name] = np.nan
        expected.add("missing")
    predictions = predict_frame(loaded.model, features)
    result = compare(profile, features, predictions, thresholds)
    assert {check.kind for check in result.drifted} == expected
    page = write_html(result, profile, features, predictions, "Drift", tmp_path / "drift.html")
    text = page.read_text(encoding="utf-8")
    assert text.count("<img") == len(result.drifted)
    assert text.count('class="drifted"') == len(result.drifted)
    assert "<script" not in text


def test_a_feature_missing_everywhere_is_a_missing_rate_drift(
    fresh_batch: Batch, drifted_checks
) -> None:
    features = fresh_batch(3)
    read = [column.name for column in SCHEMA.features if not column.is_date]
    if not read:
        pytest.skip("schema.py declares dates only: the model reads their derived features")
    name = read[0]
    features[name] = np.nan
    assert drifted_checks(features) >= {f"{name} (missing rate)"}


@pytest.mark.parametrize(("size", "shift"), [(50, 0.0), (1_000, 0.1), (5_000, 0.0), (5_000, 2.0)])
def test_the_ks_test_gives_scipys_statistic_and_p_value(size: int, shift: float) -> None:
    rng = np.random.default_rng(size)
    first, second = rng.normal(size=2_000), rng.normal(shift, size=size)
    first[:10] = second[:10]  # ties across the samples
    expected = stats.ks_2samp(first, second, method="asymp")
    statistic, p_value = ks_two_sample(first, second)
    assert statistic == pytest.approx(float(expected.statistic), rel=1e-12)
    assert p_value == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)
