"""The reports that the command line (or a scheduler) wrote, found for the pages.

    reports/<version>/*.png                           `train`: the holdout evaluation's plots
    reports/monitoring/<time>-<version>/drift.json    `monitor`: the verdict and every check
    reports/monitoring/<time>-<version>/drift.html    `monitor`: the same, with plots

The app only reads them: a report is made by the command that makes it everywhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.store.files import VERSION_NAME

MONITORING = "monitoring"  # the folder workflows/monitor.py writes its reports into


def evaluation_plots(reports_dir: Path, version: str) -> list[Path]:
    """The plots of a model's holdout evaluation; none for a name that is not a version."""
    folder = reports_dir / version
    if not VERSION_NAME.fullmatch(version) or not folder.is_dir():
        return []
    return sorted(folder.glob("*.png"))


@dataclass(frozen=True)
class DriftReport:
    path: Path  # drift.json
    summary: dict[str, Any]

    @property
    def checks(self) -> list[dict[str, Any]]:
        return list(self.summary["checks"])

    @property
    def html_path(self) -> Path:
        return self.path.with_name("drift.html")

    def html(self) -> str | None:
        """The HTML report beside the JSON one, if it is there."""
        path = self.html_path
        return path.read_text(encoding="utf-8") if path.is_file() else None


def latest_drift_report(reports_dir: Path) -> DriftReport | None:
    """The newest drift report (report folders start with their UTC time); None before the first."""
    found = sorted(
        (reports_dir / MONITORING).glob("*/drift.json"), key=lambda path: path.parent.name
    )
    if not found:
        return None
    path = found[-1]
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:  # ValueError: not JSON, or not UTF-8
        msg = f"cannot read the drift report '{path}': {error}"
        raise DataError(msg) from None
    if not isinstance(summary, dict) or not isinstance(summary.get("checks"), list):
        msg = f"'{path}' is not a drift report (it lists no checks); run `monitor` again"
        raise DataError(msg)
    return DriftReport(path, summary)
