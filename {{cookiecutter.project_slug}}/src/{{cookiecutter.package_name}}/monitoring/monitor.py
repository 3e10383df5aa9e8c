"""Monitor a batch: load the model and its profile, compare, and write both reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from {{ cookiecutter.package_name }} import artifacts
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.monitoring.drift import (
    DriftResult,
    Thresholds,
    compare,
    load_batch,
)
from {{ cookiecutter.package_name }}.monitoring.profile import load_profile
from {{ cookiecutter.package_name }}.monitoring.report import write_html, write_json
from {{ cookiecutter.package_name }}.predict import predict_frame


@dataclass(frozen=True)
class Monitoring:
    version: str
    result: DriftResult
    json_report: Path
    html_report: Path

    def summary(self) -> dict[str, object]:
        """What a scheduler passes on (XCom, asset metadata): small, and JSON."""
        return {
            "drift": self.result.drift,
            "drifted": [check.name for check in self.result.drifted],
            "model_version": self.version,
            "rows": self.result.rows,
            "report": str(self.html_report),
        }


def monitor(batch: Path, settings: Settings, version: str | None = None) -> Monitoring:
    """Compare `batch` with the training data of a model (default: the current one)."""
    features = load_batch(batch)
    loaded = artifacts.load_model(settings.models_dir, version)
    profile = load_profile(settings.models_dir, loaded.version)
    predictions = predict_frame(loaded.model, features)
    result = compare(profile, features, predictions, Thresholds.from_settings(settings))
    now = artifacts.now()
    out_dir = settings.reports_dir / "monitoring" / f"{artifacts.new_version()}-{loaded.version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    metadata = {"created_at": now, "model_version": loaded.version, "batch": str(batch)}
    title = f"Drift report: {batch.name} against model {loaded.version}"
    return Monitoring(
        version=loaded.version,
        result=result,
        json_report=write_json(result, metadata, out_dir / "drift.json"),
        html_report=write_html(
            result, profile, features, predictions, title, out_dir / "drift.html"
        ),
    )
