"""Workflow: search the family's hyperparameters by cross-validation, and keep the best.

    labelled data -> training split -> k folds x trials (Optuna, seeded) -> tuning file

Only the training split is searched: the holdout that `train`'s quality gate scores stays unseen,
so the gate's figure is not flattered by the search. Each trial fits the whole pipeline on k-1
folds and scores the problem's primary metric on the last; the estimator's defaults are scored
the same way first, as the baseline the best trial is compared with. The search stops at the
budget (tuning.trials, tuning.timeout) or at Ctrl-C, and the best trial so far is written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.columns.validation import split_target
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ProjectError, SettingsError
from {{ cookiecutter.package_name }}.features import model_input
from {{ cookiecutter.package_name }}.fs.atomic import write_text
from {{ cookiecutter.package_name }}.modeling.families import family_of
from {{ cookiecutter.package_name }}.modeling.training import build, check_target, split
from {{ cookiecutter.package_name }}.search_space import SPACES
from {{ cookiecutter.package_name }}.tracking import open_tracker
from {{ cookiecutter.package_name }}.workflows.train import labelled_data


@dataclass(frozen=True)
class TuningOutcome:
    family: str
    metric: str
    best_score: float
    default_score: float
    hyperparameters: dict[str, Any]
    trials: int
    seconds: float
    interrupted: bool
    file: Path


class Folds:
    """The training split's k folds, prepared once and scored for each candidate."""

    def __init__(self, training: pd.DataFrame, folds: int, seed: int) -> None:
        features, self.target = split_target(training)
        self.inputs = model_input(features)
        kind = StratifiedKFold if problem.STRATIFY else KFold
        splitter = kind(n_splits=folds, shuffle=True, random_state=seed)
        self.splits = list(splitter.split(self.inputs, self.target))

    def score(self, family: str, seed: int, hyperparameters: Mapping[str, Any]) -> float:
        """The mean primary metric of the pipeline over the folds."""
        scores = []
        for fitted_rows, scored_rows in self.splits:
            model = build(family, seed, hyperparameters)
            model.fit(self.inputs.iloc[fitted_rows], self.target.iloc[fitted_rows])
            scored = self.inputs.iloc[scored_rows]
            predicted = pd.DataFrame(problem.predict_columns(model, scored), index=scored.index)
            metrics = problem.score(self.target.iloc[scored_rows], predicted)
            scores.append(metrics[problem.PRIMARY_METRIC])
        return float(np.mean(scores))


def tune(
    settings: Settings, source: tables.Location | None = None, *, progress: bool = False
) -> TuningOutcome:
    """Search the training.family's space; write the best parameters to the tuning file.

    Raises SettingsError (one line) for a family without a search space, or a space that names a
    parameter the family lacks; ProjectError when no trial finished.
    """
    import optuna

    family, seed, budget = settings.training.family, settings.training.seed, settings.tuning
    family_of(family)  # refuses an unknown family, with the closest name
    if family not in SPACES:
        msg = f"search_space.py has no search space for the {family!r} family: add one to SPACES"
        raise SettingsError(msg)
    data = labelled_data(settings, source)
    check_target(data.table)
    training, _ = split(data.table, settings.training.test_size, seed)
    folds = Folds(training, budget.folds, seed)
    started = time.monotonic()
    default_score = folds.score(family, seed, {})

    def objective(trial: optuna.Trial) -> float:
        return folds.score(family, seed, SPACES[family](trial))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    remaining = max(budget.timeout - (time.monotonic() - started), 1.0)
    interrupted = False
    try:
        study.optimize(
            objective,
            n_trials=budget.trials,
            timeout=remaining,
            show_progress_bar=progress,
            catch=(),  # a trial that fails stops the search with its own one-line error
        )
    except KeyboardInterrupt:
        interrupted = True  # keep the best trial so far
    finished = [trial for trial in study.trials if trial.state.name == "COMPLETE"]
    if not finished:
        msg = "tune was stopped before a trial finished: nothing was written"
        raise ProjectError(msg)
    best = study.best_trial
    hyperparameters = {**SPACES[family](optuna.trial.FixedTrial(best.params))}
    outcome = TuningOutcome(
        family=family,
        metric=problem.PRIMARY_METRIC,
        best_score=float(best.value or 0.0),  # a finished trial has its value
        default_score=default_score,
        hyperparameters=hyperparameters,
        trials=len(finished),
        seconds=round(time.monotonic() - started, 1),
        interrupted=interrupted,
        file=settings.tuning.file,
    )
    record(settings, outcome, tables.fingerprint(data.table), data.location)
    return outcome


def record(settings: Settings, outcome: TuningOutcome, fingerprint: str, location: str) -> None:
    """Write the tuning file (atomically) and log the search to the tracker."""
    content = {
        **{key: value for key, value in asdict(outcome).items() if key != "file"},
        "folds": settings.tuning.folds,
        "seed": settings.training.seed,
        "data": {"location": location, "fingerprint": fingerprint},
    }
    write_text(outcome.file, json.dumps(content, indent=2, default=str) + "\n")
    tracker = open_tracker(settings)
    with tracker.run("tune", new=True):
        tracker.log_params(
            {f"tuned.{name}": value for name, value in outcome.hyperparameters.items()}
        )
        tracker.log_metrics(
            {
                f"cv_{outcome.metric}": outcome.best_score,
                f"default_cv_{outcome.metric}": outcome.default_score,
            }
        )
        tracker.set_tags({"family": outcome.family, "trials": outcome.trials})
