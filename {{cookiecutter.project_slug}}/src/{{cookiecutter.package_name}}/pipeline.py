"""The steps in order, each output feeding the next: what the CLI and orchestrators call.

    ingest -> validate -> fit_candidate -> evaluate_candidate -> promote_if_passed

The CLI's `train` runs them in memory (`train_and_register`). Orchestrators run each step as a task
of its own, possibly on another machine, so the steps hand over paths and model versions, never
tables: `ingest` and `validate` write Parquet files named after the run, a model lives under its
version, and an evaluation is recorded in that version's metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import __version__, artifacts, problem
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.data import load_table, split_target, validate
from {{ cookiecutter.package_name }}.dataset import make_dataset
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError, ProjectError
from {{ cookiecutter.package_name }}.evaluate import (
    Evaluation,
    GateDecision,
    evaluate,
    quality_gate,
    write_report,
)
from {{ cookiecutter.package_name }}.monitoring.profile import PROFILE_FILE, build_profile
from {{ cookiecutter.package_name }}.predict import predict_frame
from {{ cookiecutter.package_name }}.schema import FEATURES, describe
from {{ cookiecutter.package_name }}.train import split, train


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
    return validate(make_dataset(rows, seed)) if path is None else read_validated(path)


def read_validated(path: Path) -> pd.DataFrame:
    """A labelled CSV or Parquet file, checked against the schema (what each task reads)."""
    return validate(load_table(path))


def run_file_name(run_id: str) -> str:
    """A file name for a run id: orchestrators' ids hold characters such as ':' and '+'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", run_id).strip("._") or "run"


def write_parquet(table: pd.DataFrame, path: Path) -> Path:
    """Write a table so that a reader never sees half a file (a retried task rewrites it whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    table.to_parquet(partial, index=False)
    partial.replace(path)
    return path


def ingest(settings: Settings, run_id: str) -> Path:
    """Snapshot the labelled data into the raw folder: `settings.source_data`, or a sample."""
    if settings.source_data is None:
        table = make_dataset(settings.sample_rows, settings.random_seed)
    else:
        table = load_table(settings.source_data)
    return write_parquet(table, settings.raw_data_dir / f"{run_file_name(run_id)}.parquet")


def validate_file(raw: Path, settings: Settings, run_id: str) -> Path:
    """Check a raw snapshot against the schema; write the clean table to the processed folder."""
    table = read_validated(raw)
    return write_parquet(table, settings.processed_data_dir / f"{run_file_name(run_id)}.parquet")


def save_candidate(
    model: Pipeline, source: pd.DataFrame, training: pd.DataFrame, settings: Settings
) -> str:
    """Save a fitted model with its metadata and the reference profile of its training rows.

    `source` is the table the model was made from (its fingerprint identifies it), `training` the
    rows it was fitted on. Returns the new version; nothing is promoted.
    """
    features, _ = split_target(training)
    profile = build_profile(features, predict_frame(model, features), settings.random_seed)
    metadata = {
        "problem_type": problem.PROBLEM_TYPE,
        "package": {"name": "{{ cookiecutter.project_slug }}", "version": __version__},
        "data_fingerprint": artifacts.data_fingerprint(source),
        "training_rows": len(training),
        "holdout_rows": len(source) - len(training),
        "test_size": settings.test_size,
        "random_seed": settings.random_seed,
        "features": describe(FEATURES),
        "target": describe((problem.TARGET,))[0],
    }
    files = {PROFILE_FILE: profile.to_json()}
    return artifacts.save_model(model, metadata, settings.models_dir, files)


def fit_candidate(table: pd.DataFrame, settings: Settings) -> str:
    """Fit on the training split of a validated table and save the model; returns its version.

    The candidate is not evaluated or promoted yet: `evaluate_candidate` does that on the holdout.
    """
    run = train(table, test_size=settings.test_size, seed=settings.random_seed)
    return save_candidate(run.model, table, run.training, settings)


def evaluate_candidate(version: str, table: pd.DataFrame, settings: Settings) -> TrainingOutcome:
    """Score a saved version on the holdout of the table it was fitted on; record and report it.

    The holdout is drawn again with the seed and share saved with the model, so it is exactly the
    rows the model never saw. Another table is refused: its "holdout" could hold training rows.
    """
    loaded = artifacts.load_model(settings.models_dir, version)
    if artifacts.data_fingerprint(table) != loaded.metadata["data_fingerprint"]:
        msg = (
            f"model {version} was not trained on this table (its data fingerprint differs); "
            "evaluate a candidate with the validated table it was fitted on"
        )
        raise ProjectError(msg)
    _, holdout = split(table, loaded.metadata["test_size"], loaded.metadata["random_seed"])
    return record_evaluation(version, evaluate(loaded.model, holdout), settings)


def record_evaluation(version: str, evaluation: Evaluation, settings: Settings) -> TrainingOutcome:
    """Apply the quality gate to a version's holdout evaluation; record it and write the report."""
    gate = quality_gate(evaluation.metrics, settings.min_score)
    artifacts.record_evaluation(
        settings.models_dir,
        version,
        {
            "metrics": evaluation.metrics,
            "quality_gate": {"metric": gate.metric, "minimum": gate.minimum, "passed": gate.passed},
        },
    )
    report = write_report(evaluation, gate, settings.reports_dir / version)
    return TrainingOutcome(version, evaluation.metrics, gate, report)


def gate_passed(version: str, settings: Settings) -> bool:
    """Whether a version's recorded evaluation passed the quality gate."""
    gate = artifacts.read_metadata(settings.models_dir, version).get("quality_gate")
    if gate is None:
        msg = f"model {version} has no recorded evaluation: evaluate it before promoting it"
        raise ModelNotFoundError(msg)
    return bool(gate["passed"])


def promote_if_passed(version: str, settings: Settings) -> bool:
    """Make `version` current if it passed the gate; otherwise the current model stays."""
    if not gate_passed(version, settings):
        return False
    artifacts.promote(settings.models_dir, version)
    return True


def train_and_register(table: pd.DataFrame, settings: Settings) -> TrainingOutcome:
    """Train, evaluate on the holdout, save a new version, and promote it if it passes the gate.

    A model below the gate is saved (to inspect) but not promoted: the current model stays.
    """
    version = fit_candidate(table, settings)
    outcome = evaluate_candidate(version, table, settings)
    promote_if_passed(version, settings)
    return outcome
