"""Workflow: score a model on labelled data and write the report (metrics.json and plots).

Without data, a model is evaluated on its own holdout: the rows of the table it was trained on
that it never saw, drawn again with the seed and share saved with it. That table is the embedded
sample (regenerated) or the file it was read from, which must not have changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import DataError, ProjectError
from {{ cookiecutter.package_name }}.modeling.evaluation import (
    GateDecision,
    evaluate,
    quality_gate,
    write_report,
)
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.tracking import open_tracker
from {{ cookiecutter.package_name }}.workflows.train import (
    SAMPLE,
    holdout_of,
    read_labelled,
    read_validated,
    refuses_unlabelled,
)


@dataclass(frozen=True)
class EvaluationOutcome:
    version: str
    data: str  # what was scored: a location, or the model's holdout
    rows: int
    metrics: dict[str, float]
    gate: GateDecision
    report: list[Path]
    left_out: str = ""  # the rows of `data` without a target, in words


def training_table(metadata: dict[str, Any]) -> pd.DataFrame:
    """The table a model was trained on, as it was then; refused when it cannot be had again."""
    version = metadata["version"]
    training = metadata.get("training_data") or {}
    location = training.get("location")
    if location == SAMPLE:
        rows, seed = training["sample_rows"], metadata["random_seed"]
        return validate(make_dataset(rows, seed))
    if location is None:
        msg = f"model {version} does not record its training data: evaluate it with --data"
        raise ProjectError(msg)
    try:
        return read_validated(location)
    except DataError as error:
        msg = f"model {version} was trained on '{location}', which cannot be read now ({error})"
        raise ProjectError(msg + "; evaluate it with --data") from None


def own_holdout(metadata: dict[str, Any]) -> pd.DataFrame:
    table = training_table(metadata)
    try:
        return holdout_of(metadata, table)
    except ProjectError:
        location = metadata["training_data"]["location"]
        msg = (
            f"'{location}' has changed since model {metadata['version']} was trained on it, so"
            " its holdout cannot be drawn again: evaluate it with --data"
        )
        raise ProjectError(msg) from None


def evaluate_model(
    settings: Settings, source: tables.Location | None = None, version: str | None = None
) -> EvaluationOutcome:
    """Score a version (default: the current one) on `source`, or on its own holdout."""
    loaded = open_store(settings).load(version)
    left_out = ""
    if source is None:
        table, described = own_holdout(loaded.metadata), f"the holdout of model {loaded.version}"
    else:
        located = tables.locate(source, settings.data)
        data = read_labelled(located, refuse_unlabelled=refuses_unlabelled(settings))
        table, described, left_out = data.table, str(source), data.left_out
    evaluation = evaluate(loaded.model, table)
    gate = quality_gate(evaluation.metrics, settings.training.min_score)
    report = write_report(evaluation, gate, settings.reports.dir / f"{loaded.version}-evaluation")
    tracker = open_tracker(settings)
    with tracker.run("evaluate", new=True):
        tracker.log_params({"model_version": loaded.version, "data": described, "rows": len(table)})
        gate_tag = "passed" if gate.passed else "failed"
        tracker.set_tags({"model_version": loaded.version, "quality_gate": gate_tag})
        tracker.log_metrics(evaluation.metrics)
        tracker.log_files(report, "evaluation")
    return EvaluationOutcome(
        loaded.version, described, len(table), evaluation.metrics, gate, report, left_out
    )
