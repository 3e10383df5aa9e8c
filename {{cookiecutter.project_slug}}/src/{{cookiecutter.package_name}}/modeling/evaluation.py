"""Score a model on data it has not seen, write the report, decide whether it may be promoted."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.validation import split_target
from {{ cookiecutter.package_name }}.fs.atomic import write_text
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame


@dataclass(frozen=True)
class Evaluation:
    """Metrics of a model on a table, with the predictions they came from (for the plots)."""

    metrics: dict[str, float]
    target: pd.Series
    predicted: pd.DataFrame


@dataclass(frozen=True)
class GateDecision:
    """Whether a model is good enough to become the current one, and why."""

    metric: str
    score: float
    minimum: float

    @property
    def passed(self) -> bool:
        return self.score >= self.minimum

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"quality gate {verdict}: {self.metric} {self.score:.4f} "
            f"(minimum {self.minimum}, the training.min_score setting)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def evaluate(model: Any, table: pd.DataFrame) -> Evaluation:
    """The problem's metrics of `model` on a validated table that includes the target."""
    features, target = split_target(table)
    predicted = predict_frame(model, features)
    return Evaluation(problem.score(target, predicted), target, predicted)


def quality_gate(metrics: dict[str, float], minimum: float) -> GateDecision:
    return GateDecision(problem.PRIMARY_METRIC, metrics[problem.PRIMARY_METRIC], minimum)


def write_report(evaluation: Evaluation, gate: GateDecision, out_dir: Path) -> list[Path]:
    """metrics.json and the problem's plots (PNG) in `out_dir`; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {
        "problem_type": problem.PROBLEM_TYPE,
        "rows": len(evaluation.target),
        "metrics": evaluation.metrics,
        "quality_gate": gate.to_dict(),
    }
    metrics_path = out_dir / "metrics.json"
    write_text(metrics_path, json.dumps(report, indent=2) + "\n")
    return [metrics_path, *problem.plot(evaluation.target, evaluation.predicted, out_dir)]
