"""Workflow: champion against challenger. Retrain on new data; promote only a model as good.

The challenger is fitted on the new data's training split (with the reference data, if given, in
front of it); champion and challenger are then scored on the same holdout of the new data, which
neither has seen. The challenger replaces the champion only if it passes the quality gate and
scores at most `retrain.tolerance` below the champion. Every decision is logged in the model
store with both models' metrics; nothing is ever deleted, and `rollback` undoes a promotion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.modeling.evaluation import evaluate
from {{ cookiecutter.package_name }}.modeling.training import fit, split
from {{ cookiecutter.package_name }}.store import (
    Event,
    LoadedModel,
    ModelStore,
    open_store,
)
from {{ cookiecutter.package_name }}.tracking import open_tracker
from {{ cookiecutter.package_name }}.workflows.train import (
    LabelledData,
    labelled_data,
    read_labelled,
    record_evaluation,
    refuses_unlabelled,
    save_candidate,
)
from {{ cookiecutter.package_name }}.workflows.tuned import chosen_hyperparameters


@dataclass(frozen=True)
class Decision:
    """What `retrain` decided, and the figures it decided on."""

    promoted: bool
    reason: str
    champion: str | None
    challenger: str
    metric: str
    champion_metrics: dict[str, float] | None
    challenger_metrics: dict[str, float]
    gate_minimum: float
    tolerance: float
    holdout_rows: int
    left_out: str = ""  # the new data's rows without a target, in one line ("" when none)

    @property
    def current(self) -> str | None:
        return self.challenger if self.promoted else self.champion

    def summary(self) -> dict[str, Any]:
        """What a scheduler passes on (XCom, asset metadata): small, and JSON."""
        return {"promoted": self.promoted, "current": self.current, "reason": self.reason}


def current_champion(store: ModelStore) -> LoadedModel | None:
    """The model in use, or None before the first promotion (any other problem is raised)."""
    try:
        store.current()
    except ModelNotFoundError:
        return None
    return store.load()


def verdict(
    challenger: float, champion: float | None, gate_passed: bool, tolerance: float
) -> tuple[bool, str]:
    metric = problem.PRIMARY_METRIC
    if not gate_passed:
        return False, f"the challenger's {metric} {challenger:.4f} is below the quality gate"
    if champion is None:
        return True, "there is no champion, and the challenger passes the quality gate"
    if challenger < champion - tolerance:
        return False, (
            f"the challenger's {metric} {challenger:.4f} is more than {tolerance}"
            f" below the champion's {champion:.4f}"
        )
    return True, (
        f"the challenger's {metric} {challenger:.4f} passes the gate and is within"
        f" {tolerance} of (or above) the champion's {champion:.4f}"
    )


def challenge(
    settings: Settings, new: LabelledData, reference: pd.DataFrame | None = None
) -> Decision:
    """Train a challenger on validated new data (and reference data), then decide and log it."""
    tracker = open_tracker(settings)
    with tracker.run("retrain", new=True):
        decision = decide(settings, new, reference)
        tracker.log_metrics(decision.champion_metrics or {}, prefix="champion.")
        tracker.log_params({"retrain.tolerance": decision.tolerance})
        tracker.set_tags(
            {
                "champion_version": decision.champion or "none",
                "decision": "promoted" if decision.promoted else "kept the champion",
                "decision.reason": decision.reason,
            }
        )
        return log(open_store(settings), decision)


def decide(settings: Settings, new: LabelledData, reference: pd.DataFrame | None) -> Decision:
    """Fit and save the challenger, score both models on the new holdout, and decide."""
    store = open_store(settings)
    seed, tolerance = settings.training.seed, settings.retrain.tolerance
    new_training, holdout = split(new.table, settings.training.test_size, seed)
    training = (
        new_training
        if reference is None
        else pd.concat([reference, new_training], ignore_index=True)
    )
    source = LabelledData(pd.concat([training, holdout], ignore_index=True), new.location)
    champion = current_champion(store)
    hyperparameters = chosen_hyperparameters(settings)
    model = fit(training, seed, hyperparameters, settings.training.family)
    challenger = save_candidate(settings, model, source, training, holdout, hyperparameters)

    outcome = record_evaluation(settings, challenger, evaluate(model, holdout))
    champion_metrics = None if champion is None else evaluate(champion.model, holdout).metrics

    metric = problem.PRIMARY_METRIC
    promoted, reason = verdict(
        outcome.metrics[metric],
        None if champion_metrics is None else champion_metrics[metric],
        outcome.gate.passed,
        tolerance,
    )
    if promoted and outcome.unservable:
        promoted, reason = False, outcome.unservable
    return Decision(
        promoted=promoted,
        reason=reason,
        champion=champion.version if champion else None,
        challenger=challenger,
        metric=metric,
        champion_metrics=champion_metrics,
        challenger_metrics=outcome.metrics,
        gate_minimum=settings.training.min_score,
        tolerance=tolerance,
        holdout_rows=len(holdout),
    )


def log(store: ModelStore, decision: Decision) -> Decision:
    """Record the decision in the store: a promotion, or the champion kept, with the figures."""
    figures = asdict(decision)
    if decision.promoted:
        store.promote(
            decision.challenger, action="retrain", reason=decision.reason, details=figures
        )
    else:
        event = Event("retrain", decision.challenger, False, decision.champion, decision.reason)
        store.log(replace(event, details=figures))
    return decision


def retrain(
    settings: Settings,
    source: tables.Location | None = None,
    reference: tables.Location | None = None,
) -> Decision:
    """`challenge` with the labelled table at `source`, else the data.source setting, else the
    embedded sample: the rule `train` and the orchestrators' ingest follow. Rows without a target
    are left out (or refused: training.unlabelled), and the decision says how many."""
    new = labelled_data(settings, source)
    earlier = None
    if reference is not None:
        located = tables.locate(reference, settings.data)
        earlier = read_labelled(located, refuse_unlabelled=refuses_unlabelled(settings)).table
    return replace(challenge(settings, new, earlier), left_out=new.left_out)
