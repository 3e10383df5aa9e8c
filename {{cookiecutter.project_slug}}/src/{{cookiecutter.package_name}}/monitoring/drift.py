"""Compare a batch with the reference profile: is the data the model sees still the data it learned?

Each feature gets a test of "same distribution" (Kolmogorov-Smirnov for numbers, chi-square for
categories) and a population stability index (PSI, how far the distribution moved); each feature
with missing values gets a test of its missing rate; the model's predictions get the numeric test
too. The p-values are corrected together (Holm), so the chance of a false alarm over the whole
batch stays below `drift_alpha`. A check reports drift only when its corrected p-value is below
`drift_alpha` *and* its effect is at least its threshold: statistically real, and large enough to
matter (on a million rows, a negligible shift is still "significant").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from {{ cookiecutter.package_name }}.config import DriftSettings
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.monitoring.profile import (
    ColumnProfile,
    Profile,
    bin_shares,
    category_texts,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA

EPSILON = 1e-4  # a share of zero would make the PSI infinite


@dataclass(frozen=True)
class Thresholds:
    alpha: float
    psi: float
    missing_rate: float
    min_rows: int

    @classmethod
    def from_settings(cls, settings: DriftSettings) -> Thresholds:
        return cls(
            alpha=settings.alpha,
            psi=settings.psi_threshold,
            missing_rate=settings.missing_rate_tolerance,
            min_rows=settings.min_rows,
        )


@dataclass(frozen=True)
class Check:
    """One comparison: the test, its p-value (raw and corrected), its effect and the verdict."""

    name: str
    column: str
    kind: str  # numeric, categorical, missing, prediction
    test: str
    statistic: float
    p_value: float
    effect_name: str
    effect: float
    threshold: float
    reference: float | None = None  # missing-rate checks: the two rates
    current: float | None = None
    p_adjusted: float = float("nan")
    drifted: bool = False


@dataclass(frozen=True)
class DriftResult:
    rows: int
    reference_rows: int
    checks: list[Check]
    thresholds: Thresholds

    @property
    def drift(self) -> bool:
        return any(check.drifted for check in self.checks)

    @property
    def drifted(self) -> list[Check]:
        return [check for check in self.checks if check.drifted]

    def to_dict(self) -> dict[str, object]:
        return {
            "drift": self.drift,
            "rows": self.rows,
            "reference_rows": self.reference_rows,
            "thresholds": asdict(self.thresholds),
            "drifted": [check.name for check in self.drifted],
            "checks": [asdict(check) for check in self.checks],
        }


def psi(reference: npt.NDArray[Any], current: npt.NDArray[Any]) -> float:
    """Population stability index of two vectors of shares (same bins)."""
    expected = np.clip(np.asarray(reference, dtype="float64"), EPSILON, None)
    actual = np.clip(np.asarray(current, dtype="float64"), EPSILON, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values: reject where adjusted < alpha keeps the FWER <= alpha."""
    order = np.argsort(p_values)
    adjusted = np.empty(len(p_values))
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


def numeric_check(
    name: str, kind: str, reference: ColumnProfile, values: pd.Series, thresholds: Thresholds
) -> Check:
    present = values.dropna().to_numpy(dtype="float64")
    check = Check(
        name=name,
        column=name,
        kind=kind,
        test="Kolmogorov-Smirnov",
        statistic=0.0,
        p_value=1.0,
        effect_name="psi",
        effect=0.0,
        threshold=thresholds.psi,
    )
    if len(present) == 0 or not reference.sample:  # all missing: the missing-rate check says so
        return check
    statistic, p_value = ks_two_sample(np.asarray(reference.sample), present)
    shift = psi(np.asarray(reference.shares), bin_shares(present, reference.edges))
    return replace(check, statistic=statistic, p_value=p_value, effect=shift)


def ks_two_sample(first: npt.NDArray[Any], second: npt.NDArray[Any]) -> tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov statistic and its asymptotic two-sided p-value: what
    `scipy.stats.ks_2samp(..., method="asymp")` returns (exact p-values are slow and unneeded at
    these sizes), without its per-call overhead, which was most of a drift check's time."""
    first, second = np.sort(first), np.sort(second)
    pooled = np.concatenate([first, second])
    distance = np.abs(
        np.searchsorted(first, pooled, side="right") / len(first)
        - np.searchsorted(second, pooled, side="right") / len(second)
    )
    statistic = float(distance.max())
    larger, smaller = sorted([float(len(first)), float(len(second))], reverse=True)
    effective = np.round(larger * smaller / (larger + smaller))
    return statistic, float(np.clip(stats.kstwo.sf(statistic, effective), 0.0, 1.0))


def categorical_check(
    name: str, reference: ColumnProfile, values: pd.Series, thresholds: Thresholds
) -> Check:
    current = category_texts(values).value_counts()
    seen = set(reference.counts) | set(current.index)
    # A category neither side holds (a declared one no row has) is no evidence either way, and
    # chi-square cannot take it (its expected frequency would be zero).
    categories = sorted(c for c in seen if reference.counts.get(c, 0) + current.get(c, 0) > 0)
    table = np.array(
        [
            [reference.counts.get(category, 0) for category in categories],
            [int(current.get(category, 0)) for category in categories],
        ]
    ).reshape(2, len(categories))
    if len(categories) < 2 or not table.sum(axis=1).all():
        # One category in both (nothing can have moved), or a side without values (every
        # value missing: the missing-rate check speaks for it).
        statistic, p_value = 0.0, 1.0
    else:
        result = stats.chi2_contingency(table)
        statistic, p_value = float(result.statistic), float(result.pvalue)
    shares = table / np.maximum(table.sum(axis=1, keepdims=True), 1)
    return Check(
        name=name,
        column=name,
        kind="categorical",
        test="chi-square",
        statistic=statistic,
        p_value=p_value,
        effect_name="psi",
        effect=psi(shares[0], shares[1]),
        threshold=thresholds.psi,
    )


def missing_check(
    name: str, reference: ColumnProfile, values: pd.Series, thresholds: Thresholds
) -> Check | None:
    """A two-proportion chi-square test of the missing rate; None when nothing is ever missing."""
    missing = int(values.isna().sum())
    if reference.missing + missing == 0:
        return None
    table = np.array(
        [[reference.missing, reference.rows - reference.missing], [missing, len(values) - missing]]
    )
    result = stats.chi2_contingency(table)
    current_rate = missing / len(values)
    return Check(
        name=f"{name} (missing rate)",
        column=name,
        kind="missing",
        test="chi-square (two proportions)",
        statistic=float(result.statistic),
        p_value=float(result.pvalue),
        effect_name="missing rate change",
        effect=abs(current_rate - reference.missing_rate),
        threshold=thresholds.missing_rate,
        reference=reference.missing_rate,
        current=current_rate,
    )


def compare(
    profile: Profile, features: pd.DataFrame, predictions: pd.DataFrame, thresholds: Thresholds
) -> DriftResult:
    """Every check of a validated batch and its predictions against the profile; the verdict."""
    if len(features) < thresholds.min_rows:
        msg = (
            f"the batch has {len(features)} rows; drift tests need at least {thresholds.min_rows} "
            "(the drift_min_rows setting) to tell drift from noise"
        )
        raise DataError(msg)
    checks: list[Check] = []
    table = SCHEMA.with_derived(features)  # what the model reads: derived features too
    for name in profile.features:
        reference = profile.features[name]
        if name not in table:
            msg = (
                f"the model's drift profile has the column {name!r}, which schema.py no longer"
                " declares: monitor with the model trained on this schema"
            )
            raise DataError(msg)
        if reference.kind == "categorical":
            checks.append(categorical_check(name, reference, table[name], thresholds))
        else:
            checks.append(numeric_check(name, "numeric", reference, table[name], thresholds))
        missing = missing_check(name, reference, table[name], thresholds)
        if missing is not None:
            checks.append(missing)
    for name, reference in profile.predictions.items():
        if reference.kind == "categorical":  # the predicted class
            check = categorical_check(name, reference, predictions[name], thresholds)
            checks.append(replace(check, kind="prediction"))
        else:
            checks.append(
                numeric_check(name, "prediction", reference, predictions[name], thresholds)
            )
    adjusted = holm([check.p_value for check in checks])
    checks = [
        replace(
            check, p_adjusted=p, drifted=p < thresholds.alpha and check.effect >= check.threshold
        )
        for check, p in zip(checks, adjusted, strict=True)
    ]
    return DriftResult(len(features), profile.rows, checks, thresholds)
