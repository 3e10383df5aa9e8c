"""Workflow: compare a batch with a model's training data, and write the JSON and HTML reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.modeling.scoring import predict_frame
from {{ cookiecutter.package_name }}.monitoring.batches import Batch, load_batch
from {{ cookiecutter.package_name }}.monitoring.drift import (
    DriftResult,
    Thresholds,
    compare,
)
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.monitoring.report import write_html, write_json
from {{ cookiecutter.package_name }}.store import now, open_store, timestamp
from {{ cookiecutter.package_name }}.tracking import open_tracker


@dataclass(frozen=True)
class Monitoring:
    version: str
    result: DriftResult
    batch: Batch
    json_report: Path
    html_report: Path

    def summary(self) -> dict[str, Any]:
        """What a scheduler passes on (XCom, asset metadata): small, and JSON."""
        return {
            "drift": self.result.drift,
            "drifted": [check.name for check in self.result.drifted],
            "model_version": self.version,
            "rows": self.result.rows,
            "skipped_lines": self.batch.skipped,
            "report": str(self.html_report),
        }


def monitor(
    settings: Settings,
    batch: tables.Location | None = None,
    version: str | None = None,
    *,
    read: Callable[[tables.Location], Batch] = load_batch,
) -> Monitoring:
    """Compare `batch` (default: the monitoring.data setting) with the training data of a model
    (default: the current one). `read` turns the location into checked features (Spark samples)."""
    location = tables.locate(batch or settings.required("monitoring.data"), settings.data)
    data = read(location)
    features = data.features
    store = open_store(settings)
    loaded = store.load(version)
    profile = load_profile(store, loaded.version)
    predictions = predict_frame(loaded.model, features)
    result = compare(profile, features, predictions, Thresholds.from_settings(settings.drift))
    out_dir = settings.reports.dir / "monitoring" / f"{timestamp()}-{loaded.version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    metadata = {
        "created_at": now(),
        "model_version": loaded.version,
        "batch": str(location),
        **data.to_dict(),
    }
    name = str(location).rstrip("/").rsplit("/", 1)[-1]
    title = f"Drift report: {name} against model {loaded.version}"
    monitoring = Monitoring(
        version=loaded.version,
        result=result,
        batch=data,
        json_report=write_json(result, metadata, out_dir / "drift.json"),
        html_report=write_html(
            result, profile, features, predictions, title, out_dir / "drift.html"
        ),
    )
    track(settings, monitoring, str(location))
    return monitoring


def track(settings: Settings, monitoring: Monitoring, location: str) -> None:
    """A monitoring run: the verdict, each check's effect and p-value, and both reports."""
    result = monitoring.result
    tracker = open_tracker(settings)
    with tracker.run("monitor", new=True):
        tracker.log_params({"batch": location, "model_version": monitoring.version})
        tracker.set_tags(
            {
                "model_version": monitoring.version,
                "drift": result.drift,
                "drifted": ", ".join(check.name for check in result.drifted) or "none",
            }
        )
        figures = {"drift": float(result.drift), "drifted_checks": float(len(result.drifted))}
        figures |= {"rows": float(result.rows), "skipped_lines": float(monitoring.batch.skipped)}
        for check in result.checks:
            figures[f"{check.name}.effect"] = check.effect
            figures[f"{check.name}.p_adjusted"] = check.p_adjusted
        tracker.log_metrics(figures)
        tracker.log_files([monitoring.json_report, monitoring.html_report], "drift")
