"""Page: the latest drift report, as `monitor` (or the schedule) wrote it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.ui.reports import DriftReport, latest_drift_report
from {{ cookiecutter.package_name }}.ui.show import literal, reported
from {{ cookiecutter.package_name }}.ui.views import Context


def checks_table(checks: list[dict[str, Any]]) -> pd.DataFrame:
    """The checks as the HTML report lists them: numbers rounded, a verdict in words."""
    return pd.DataFrame(
        {
            "check": [check["name"] for check in checks],
            "kind": [check["kind"] for check in checks],
            "test": [check["test"] for check in checks],
            "corrected p": [f"{check['p_adjusted']:.3g}" for check in checks],
            "effect": [
                f"{check['effect_name']} {check['effect']:.3f} (threshold {check['threshold']})"
                for check in checks
            ],
            "verdict": ["DRIFT" if check["drifted"] else "ok" for check in checks],
        }
    )


def show_report(report: DriftReport) -> None:
    summary = report.summary
    drifted, checks = len(summary.get("drifted", [])), len(report.checks)
    if summary.get("drift"):
        st.error(f"Drift in {drifted} of {checks} checks")
    else:
        st.success(f"No drift in {checks} checks")
    st.caption(
        literal(
            f"{summary.get('rows', 0):,} rows of {summary.get('batch')} against model"
            f" {summary.get('model_version')}, {summary.get('created_at')} ({report.path})"
        )
    )
    st.dataframe(checks_table(report.checks), hide_index=True)
    page = report.html()
    if page is not None:
        st.download_button(
            "Download the HTML report",
            page,
            file_name="drift.html",
            mime="text/html",
            on_click="ignore",
        )
        with st.expander("The HTML report, with a plot per drifted check"):
            st.iframe(page, height=800)


def render(context: Context) -> None:
    st.header("Drift")
    reports = context.settings.reports.dir
    with reported("reading the drift report"):
        report = latest_drift_report(reports)
        if report is None:
            command = "{{ cookiecutter.project_slug }} monitor BATCH"
            st.info(literal(f"No drift report in '{reports}' yet: `{command}` writes one."))
            return
        show_report(report)
