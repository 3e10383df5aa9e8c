"""Champion and challenger: retrain on new data, promote only a model that is good enough.

The challenger is fitted on the new data's training split (with the reference data, if given, in
front of it); champion and challenger are then scored on the same holdout of the new data, which
neither has seen. The challenger replaces the champion only if it passes the quality gate and
scores at most `retrain_tolerance` below the champion. Every decision is appended to
`models/decisions.jsonl` with both models' metrics; nothing is ever deleted, and `rollback` makes
an earlier version current again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }} import artifacts, problem
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.evaluate import evaluate
from {{ cookiecutter.package_name }}.pipeline import (
    read_validated,
    record_evaluation,
    save_candidate,
)
from {{ cookiecutter.package_name }}.train import fit, split

DECISIONS = "decisions.jsonl"


@dataclass(frozen=True)
class Decision:
    """What `retrain` decided, and the figures it decided on."""

    time: str
    action: str  # "retrain" or "rollback"
    promoted: bool
    reason: str
    current: str | None  # the current version after the decision
    champion: str | None
    challenger: str | None
    metric: str
    champion_metrics: dict[str, float] | None
    challenger_metrics: dict[str, float] | None
    gate_minimum: float | None
    tolerance: float | None
    holdout_rows: int | None

    def summary(self) -> dict[str, object]:
        """What a scheduler passes on (XCom, asset metadata): small, and JSON."""
        return {"promoted": self.promoted, "current": self.current, "reason": self.reason}


def decisions_path(models_dir: Path) -> Path:
    return models_dir / DECISIONS


def log(models_dir: Path, decision: Decision) -> Decision:
    models_dir.mkdir(parents=True, exist_ok=True)
    artifacts.append_line(decisions_path(models_dir), asdict(decision))
    return decision


def decisions(models_dir: Path) -> list[dict[str, Any]]:
    return artifacts.read_lines(decisions_path(models_dir))


def current_champion(models_dir: Path) -> artifacts.LoadedModel | None:
    """The model in use, or None before the first promotion (any other problem is raised)."""
    try:
        artifacts.current_version(models_dir)
    except ModelNotFoundError:
        return None
    return artifacts.load_model(models_dir)


def verdict(
    challenger: float, champion: float | None, gate_passed: bool, settings: Settings
) -> tuple[bool, str]:
    metric = problem.PRIMARY_METRIC
    if not gate_passed:
        return False, f"the challenger's {metric} {challenger:.4f} is below the quality gate"
    if champion is None:
        return True, "there is no champion, and the challenger passes the quality gate"
    if challenger < champion - settings.retrain_tolerance:
        return False, (
            f"the challenger's {metric} {challenger:.4f} is more than {settings.retrain_tolerance}"
            f" below the champion's {champion:.4f}"
        )
    return True, (
        f"the challenger's {metric} {challenger:.4f} passes the gate and is within"
        f" {settings.retrain_tolerance} of (or above) the champion's {champion:.4f}"
    )


def retrain(
    new: pd.DataFrame, settings: Settings, reference: pd.DataFrame | None = None
) -> Decision:
    """Train a challenger on validated new data (and reference data), then decide and log it."""
    new_training, holdout = split(new, settings.test_size, settings.random_seed)
    training = (
        new_training
        if reference is None
        else pd.concat([reference, new_training], ignore_index=True)
    )
    source = pd.concat([training, holdout], ignore_index=True)
    champion = current_champion(settings.models_dir)
    model = fit(training, settings.random_seed)
    challenger = save_candidate(model, source, training, settings)

    outcome = record_evaluation(challenger, evaluate(model, holdout), settings)
    champion_metrics = None if champion is None else evaluate(champion.model, holdout).metrics

    metric = problem.PRIMARY_METRIC
    promoted, reason = verdict(
        outcome.metrics[metric],
        None if champion_metrics is None else champion_metrics[metric],
        outcome.gate.passed,
        settings,
    )
    if promoted:
        artifacts.promote(settings.models_dir, challenger, reason="retrain")
    return log(
        settings.models_dir,
        Decision(
            time=artifacts.now(),
            action="retrain",
            promoted=promoted,
            reason=reason,
            current=challenger if promoted else (champion.version if champion else None),
            champion=champion.version if champion else None,
            challenger=challenger,
            metric=metric,
            champion_metrics=champion_metrics,
            challenger_metrics=outcome.metrics,
            gate_minimum=settings.min_score,
            tolerance=settings.retrain_tolerance,
            holdout_rows=len(holdout),
        ),
    )


def retrain_on_source_data(settings: Settings) -> Decision:
    """`retrain` on the labelled table the `source_data` setting names (what schedulers run)."""
    return retrain(read_validated(settings.required_path("source_data")), settings)


def rollback(settings: Settings, to: str | None = None) -> Decision:
    """Make an earlier version current again: `to`, or the one that was current before this one.

    The target is loaded (checksum and library checks) before CURRENT changes, so a rollback never
    leaves a model in place that cannot load.
    """
    models_dir = settings.models_dir
    current = artifacts.current_version(models_dir)
    if to is None:
        changes = artifacts.history(models_dir)
        to = changes[-1]["previous"] if changes else None
        if to is None:
            msg = f"nothing to roll back to: '{current}' is the first model ever made current"
            raise ModelNotFoundError(msg)
    if to == current:
        msg = f"'{to}' is already the current model"
        raise ModelNotFoundError(msg)
    artifacts.load_model(models_dir, to)
    artifacts.promote(models_dir, to, reason="rollback")
    return log(
        models_dir,
        Decision(
            time=artifacts.now(),
            action="rollback",
            promoted=True,
            reason=f"rolled back from {current} to {to}",
            current=to,
            champion=current,
            challenger=None,
            metric=problem.PRIMARY_METRIC,
            champion_metrics=None,
            challenger_metrics=None,
            gate_minimum=None,
            tolerance=None,
            holdout_rows=None,
        ),
    )
