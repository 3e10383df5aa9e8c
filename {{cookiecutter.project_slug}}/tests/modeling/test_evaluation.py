import json
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.modeling.evaluation import (
    evaluate,
    quality_gate,
    write_report,
)
from {{ cookiecutter.package_name }}.modeling.training import fit, split

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_gate_passes_at_and_above_the_minimum() -> None:
    metric = problem.PRIMARY_METRIC
    assert quality_gate({metric: 0.8}, minimum=0.8).passed
    failed = quality_gate({metric: 0.79}, minimum=0.8)
    assert not failed.passed
    assert str(failed) == (
        f"quality gate FAILED: {metric} 0.7900 (minimum 0.8, the training.min_score setting)"
    )


def test_report_has_metrics_json_and_png_plots(tmp_path: Path, sample: pd.DataFrame) -> None:
    training, holdout = split(validate(sample), 0.2, seed=0)
    evaluation = evaluate(fit(training, 0, {}), holdout)
    gate = quality_gate(evaluation.metrics, minimum=0.0)
    paths = write_report(evaluation, gate, tmp_path / "report")
    report = json.loads(paths[0].read_text())
    assert report["metrics"] == evaluation.metrics
    assert report["quality_gate"]["passed"] is True
    assert report["rows"] == len(holdout)
    assert len(paths) == 3
    for plot in paths[1:]:
        assert plot.read_bytes().startswith(PNG_SIGNATURE), plot
