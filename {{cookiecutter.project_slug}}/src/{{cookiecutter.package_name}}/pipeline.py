"""The steps in order, each output feeding the next: what the CLI and orchestrators call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }} import __version__, artifacts, problem
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.data import load_table, validate
from {{ cookiecutter.package_name }}.dataset import make_dataset
from {{ cookiecutter.package_name }}.evaluate import (
    GateDecision,
    evaluate,
    quality_gate,
    write_report,
)
from {{ cookiecutter.package_name }}.schema import FEATURES, describe
from {{ cookiecutter.package_name }}.train import train


@dataclass(frozen=True)
class TrainingOutcome:
    version: str
    metrics: dict[str, float]
    gate: GateDecision
    report: list[Path]

    @property
    def promoted(self) -> bool:
        return self.gate.passed


def load_labelled_data(path: Path | None, *, rows: int, seed: int) -> pd.DataFrame:
    """A validated table with the target from `path`, or `rows` of the embedded dataset."""
    return validate(make_dataset(rows, seed) if path is None else load_table(path))


def train_and_register(table: pd.DataFrame, settings: Settings) -> TrainingOutcome:
    """Train, evaluate on the holdout, save a new version, and promote it if it passes the gate.

    A model below the gate is saved (to inspect) but not promoted: the current model stays.
    """
    run = train(table, test_size=settings.test_size, seed=settings.random_seed)
    evaluation = evaluate(run.model, run.holdout)
    gate = quality_gate(evaluation.metrics, settings.min_score)
    metadata = {
        "problem_type": problem.PROBLEM_TYPE,
        "package": {"name": "{{ cookiecutter.project_slug }}", "version": __version__},
        "data_fingerprint": artifacts.data_fingerprint(table),
        "training_rows": run.train_rows,
        "holdout_rows": len(run.holdout),
        "random_seed": settings.random_seed,
        "metrics": evaluation.metrics,
        "quality_gate": {"metric": gate.metric, "minimum": gate.minimum, "passed": gate.passed},
        "features": describe(FEATURES),
        "target": describe((problem.TARGET,))[0],
    }
    version = artifacts.save_model(run.model, metadata, settings.models_dir)
    report = write_report(evaluation, gate, settings.reports_dir / version)
    if gate.passed:
        artifacts.promote(settings.models_dir, version)
    return TrainingOutcome(version, evaluation.metrics, gate, report)
