"""Workflow: train a model, evaluate it on its holdout, and promote it if it passes the gate.

    ingest -> validate_snapshot -> fit_candidate -> evaluate_candidate -> promote_if_passed

`train` runs these steps in memory (the CLI's `train`). Orchestrators run each one as a task of its
own, possibly on another machine, so the steps hand over locations and model versions, never
tables: `ingest` and `validate_snapshot` write Parquet files named after the run, a model lives
under its version in the store, and an evaluation is recorded in that version's metadata.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }} import __version__, problem, tables
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import (
    drop_unlabelled,
    split_target,
    validate,
)
from {{ cookiecutter.package_name }}.config import Settings, env_name
from {{ cookiecutter.package_name }}.errors import (
    DataValidationError,
    ModelNotFoundError,
    ProjectError,
)
from {{ cookiecutter.package_name }}.modeling.evaluation import (
    Evaluation,
    GateDecision,
    evaluate,
    quality_gate,
    write_report,
)
from {{ cookiecutter.package_name }}.modeling.families import KNOWN, family_of
from {{ cookiecutter.package_name }}.modeling.onnx_export import ONNX_FILE, export
from {{ cookiecutter.package_name }}.modeling.onnx_export import (
    describe as describe_export,
)
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.modeling.training import fit, split
from {{ cookiecutter.package_name }}.monitoring.profile import PROFILE_FILE, build_profile
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.tracking import open_tracker, training_params
from {{ cookiecutter.package_name }}.workflows.tuned import chosen_hyperparameters

SAMPLE = "embedded sample"  # the training data's location when it was the embedded sample
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingOutcome:
    version: str
    metrics: dict[str, float]
    gate: GateDecision
    report: list[Path]
    serving: str = ""  # how the API will serve it: its ONNX export, or the pickle (and why)
    unservable: str = ""  # why production could not serve it (then it is not promoted)
    left_out: str = ""  # the rows without a target it did not learn from, in words

    @property
    def promoted(self) -> bool:
        return self.gate.passed and not self.unservable


@dataclass(frozen=True)
class LabelledData:
    """A validated table with its target, and where it came from (recorded with the model)."""

    table: pd.DataFrame
    location: str
    unlabelled: int = 0  # rows of the location without a target, left out of `table`

    @property
    def left_out(self) -> str:
        """The rows left out, in one line ("" when none were)."""
        return unlabelled_note(self.unlabelled, self.location)


def unlabelled_note(rows: int, location: str) -> str:
    if not rows:
        return ""
    setting = env_name("training", "unlabelled")
    return (
        f"left out {rows:,} row(s) of {location} without a {SCHEMA.target.name!r}: they cannot"
        f" train or evaluate a model ({setting}=refuse refuses such a table)"
    )


def labelled_rows(table: pd.DataFrame, *, refuse_unlabelled: bool) -> tuple[pd.DataFrame, int]:
    """The rows of `table` that have a target, and how many did not; with `refuse_unlabelled`,
    a table with such rows is refused (DataValidationError)."""
    labelled, unlabelled = drop_unlabelled(table)
    if unlabelled and refuse_unlabelled:
        problem = (
            f"column {SCHEMA.target.name!r} (the target) is missing in {unlabelled:,} row(s):"
            f" {env_name('training', 'unlabelled')}=leave_out trains on the other rows"
        )
        raise DataValidationError([problem])
    return labelled, unlabelled


def read_labelled(location: tables.Location, *, refuse_unlabelled: bool = False) -> LabelledData:
    """The rows of a table that have a target, checked against the schema."""
    table = tables.read_table(location)
    labelled, unlabelled = labelled_rows(table, refuse_unlabelled=refuse_unlabelled)
    return LabelledData(validate(labelled), tables.described(location), unlabelled)


def read_validated(location: tables.Location) -> pd.DataFrame:
    """A labelled table, checked against the schema (what each task reads); rows without a
    target are left out as training leaves them out."""
    return read_labelled(location).table


def sample_table(settings: Settings) -> pd.DataFrame:
    return validate(make_dataset(settings.data.sample_rows, settings.training.seed))


def refuses_unlabelled(settings: Settings) -> bool:
    return settings.training.unlabelled == "refuse"


def labelled_data(settings: Settings, source: tables.Location | None = None) -> LabelledData:
    """`source`, else the data.source setting, else the embedded sample: validated."""
    location = source or settings.data.source
    if location is None:
        return LabelledData(sample_table(settings), SAMPLE)
    located = tables.locate(location, settings.data)
    return read_labelled(located, refuse_unlabelled=refuses_unlabelled(settings))


def run_file_name(run_id: str) -> str:
    """A file name for a run id: orchestrators' ids hold characters such as ':' and '+'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", run_id).strip("._") or "run"


def ingest(settings: Settings, run_id: str) -> str:
    """Snapshot the labelled data into the raw folder: the data.source setting, or a sample."""
    source = settings.data.source
    if source is None:
        table = make_dataset(settings.data.sample_rows, settings.training.seed)
    else:
        table = tables.read_table(tables.locate(source, settings.data))
    raw = tables.join(settings.data.raw_dir, f"{run_file_name(run_id)}.parquet")
    return tables.write_table(table, raw)


def validate_snapshot(settings: Settings, raw: str, run_id: str) -> str:
    """Check a raw snapshot against the schema; write the clean table to the processed folder."""
    data = read_labelled(raw, refuse_unlabelled=refuses_unlabelled(settings))
    if data.unlabelled:  # the orchestrator's task log
        logger.warning("%s", data.left_out)
    table = data.table
    processed = tables.join(settings.data.processed_dir, f"{run_file_name(run_id)}.parquet")
    return tables.write_table(table, processed)


def save_candidate(
    settings: Settings,
    model: Any,
    data: LabelledData,
    training: pd.DataFrame,
    holdout: pd.DataFrame,
    hyperparameters: dict[str, Any],
) -> str:
    """Save a fitted model with its metadata, the reference profile (its training rows, and its
    predictions on the holdout), and its ONNX export when it predicts like the model there.

    `data` is what the model was made from (its fingerprint identifies it), `training` the rows
    it was fitted on, `holdout` the others, `hyperparameters` those it was fitted with. Returns the
    new version; nothing is promoted.
    """
    features, _ = split_target(training)
    # Predictions on rows the model never saw, as every batch to come will be: on its own
    # training rows a tree is more confident, and a stable batch would look like drift.
    unseen, _ = split_target(holdout)
    profile = build_profile(features, predict_frame(model, unseen), settings.training.seed)
    metadata = {
        "problem_type": problem.PROBLEM_TYPE,
        "package": {"name": "churn-forecast", "version": __version__},
        "training_data": {
            "location": data.location,
            "rows": len(data.table),
            "sample_rows": settings.data.sample_rows if data.location == SAMPLE else None,
        },
        "data_fingerprint": tables.fingerprint(data.table),
        "training_rows": len(training),
        "holdout_rows": len(data.table) - len(training),
        "test_size": settings.training.test_size,
        "random_seed": settings.training.seed,
        "family": settings.training.family,
        "hyperparameters": hyperparameters,
        "features": SCHEMA.metadata(),
        "derived": [feature.metadata() for feature in SCHEMA.derived],
        "target": SCHEMA.target.metadata(),
    }
    exported = export(model, holdout, metadata, family_of(settings.training.family).tolerance)
    files: dict[str, str | bytes] = {PROFILE_FILE: profile.to_json()}
    if exported.model is not None:
        files[ONNX_FILE] = exported.model
    tracker = open_tracker(settings)
    with tracker.run("train"):
        tracker.log_params(training_params(metadata))
        tracker.set_tags({"data_fingerprint": metadata["data_fingerprint"]})
        version = open_store(settings).save(model, {**metadata, "onnx": exported.details}, files)
        tracker.set_tags({"model_version": version, "serving": describe_export(exported.details)})
    return version


def fit_candidate(settings: Settings, data: LabelledData) -> str:
    """Fit on the training split of a validated table and save the model; returns its version.

    The candidate is not evaluated or promoted yet: `evaluate_candidate` does that on the holdout.
    """
    training, holdout = split(data.table, settings.training.test_size, settings.training.seed)
    hyperparameters = chosen_hyperparameters(settings)
    model = fit(training, settings.training.seed, hyperparameters, settings.training.family)
    return save_candidate(settings, model, data, training, holdout, hyperparameters)


def holdout_of(metadata: dict[str, Any], table: pd.DataFrame) -> pd.DataFrame:
    """The rows of `table` that a model never saw, drawn again with its saved seed and share.

    Another table is refused: its "holdout" could hold training rows.
    """
    if tables.fingerprint(table) != metadata.get("data_fingerprint"):
        msg = (
            f"model {metadata['version']} was not trained on this table (its data fingerprint "
            "differs); evaluate a candidate with the validated table it was fitted on"
        )
        raise ProjectError(msg)
    _, holdout = split(table, metadata["test_size"], metadata["random_seed"])
    return holdout


def evaluate_candidate(settings: Settings, version: str, data: LabelledData) -> TrainingOutcome:
    """Score a saved version on the holdout of the table it was fitted on; record and report it."""
    loaded = open_store(settings).load(version)
    holdout = holdout_of(loaded.metadata, data.table)
    return record_evaluation(settings, version, evaluate(loaded.model, holdout))


def record_evaluation(settings: Settings, version: str, evaluation: Evaluation) -> TrainingOutcome:
    """Apply the quality gate to a version's holdout evaluation; record it and write the report."""
    gate = quality_gate(evaluation.metrics, settings.training.min_score)
    store = open_store(settings)
    store.update_metadata(version, {"metrics": evaluation.metrics, "quality_gate": gate.to_dict()})
    report = write_report(evaluation, gate, settings.reports.dir / version)
    tracker = open_tracker(settings)
    with tracker.run("train", resume=version):  # the run that trained it, unless one is open
        tracker.log_metrics(evaluation.metrics)
        tracker.set_tags({"quality_gate": "passed" if gate.passed else "failed"})
        tracker.log_files(report, "evaluation")
    metadata = store.metadata(version)
    serving = describe_export(metadata.get("onnx") or {})
    return TrainingOutcome(
        version, evaluation.metrics, gate, report, serving, unservable(settings, metadata)
    )


def unservable(settings: Settings, metadata: dict[str, Any]) -> str:
    """Why production could not serve this version, in one line that names the fix; "" if it can.

    With training.require_onnx (the default where there is an API), a model is promoted only with
    an ONNX export that passed parity: the API image runs ONNX Runtime and nothing else.
    """
    export_details = metadata.get("onnx") or {}
    if export_details.get("file") or not settings.training.require_onnx:
        return ""
    family = KNOWN.get(str(metadata.get("family")))
    groups = "--group serving" + (f" --group {family.group}" if family and family.group else "")
    return (
        f"model {metadata['version']} has no ONNX export ({export_details.get('reason')}), and"
        " the API image serves ONNX alone: register a converter (README: Use your own model),"
        f" or set {env_name('training', 'require_onnx')}=false and build the image with"
        f' --build-arg SERVING_GROUPS="{groups}"'
    )


def promote_if_passed(settings: Settings, version: str) -> bool:
    """Make `version` current if its recorded evaluation passed the gate; else nothing changes."""
    store = open_store(settings)
    metadata = store.metadata(version)
    gate = metadata.get("quality_gate")
    if gate is None:
        msg = f"model {version} has no recorded evaluation: evaluate it before promoting it"
        raise ModelNotFoundError(msg)
    if not gate["passed"]:
        return False
    if unservable(settings, metadata):  # `train` and the orchestrators' logs say why
        return False
    store.promote(
        version,
        action="train",
        reason=f"passed the quality gate: {gate['metric']} {gate['score']:.4f}",
        details={"metrics": metadata["metrics"]},
    )
    return True


def train(settings: Settings, source: tables.Location | None = None) -> TrainingOutcome:
    """Train, evaluate on the holdout, save a new version, and promote it if it passes the gate.

    A model below the gate is saved (to inspect) but not promoted: the current model stays.
    """
    data = labelled_data(settings, source)
    with open_tracker(settings).run("train", new=True):  # one run for the steps below
        version = fit_candidate(settings, data)
        outcome = evaluate_candidate(settings, version, data)
        promote_if_passed(settings, version)
    return replace(outcome, left_out=data.left_out)
