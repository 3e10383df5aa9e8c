"""Page: the model card of the model that scores: what `info` prints, and the evaluation plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.modeling.onnx_export import (
    describe as describe_export,
)
from {{ cookiecutter.package_name }}.ui.reports import evaluation_plots
from {{ cookiecutter.package_name }}.ui.show import literal, reported
from {{ cookiecutter.package_name }}.ui.views import Context


def facts(metadata: dict[str, Any]) -> list[str]:
    """What a reader asks first: when, from what, with what."""
    training = metadata.get("training_data") or {}
    package = metadata.get("package") or {}
    found = {
        "created": metadata.get("created_at"),
        "problem": metadata.get("problem_type"),
        "trained on": training.get("location"),
        "training rows": metadata.get("training_rows"),
        "holdout rows": metadata.get("holdout_rows"),
        "package": f"{package.get('name')} {package.get('version')}" if package else None,
        "git commit": metadata.get("git_commit"),
        "served": describe_export(metadata["onnx"]) if metadata.get("onnx") else None,
        "runtime": metadata.get("runtime"),  # the API's metadata says what it serves with
    }
    return [f"{name}: {value}" for name, value in found.items() if value is not None]


def show_gate(gate: dict[str, Any]) -> None:
    text = (
        f"Quality gate {'passed' if gate['passed'] else 'FAILED'}: {gate['metric']}"
        f" {gate['score']:.4f} (minimum {gate['minimum']})"
    )
    (st.success if gate["passed"] else st.warning)(literal(text))


def show_plots(reports_dir: Path, version: str) -> None:
    plots = evaluation_plots(reports_dir, version)
    if not plots:
        st.info(
            literal(
                f"No evaluation plots of model {version} in '{reports_dir / version}': `train`"
                " writes them where it runs (the reports.dir setting)."
            )
        )
        return
    for place, plot in zip(st.columns(len(plots)), plots, strict=True):
        place.image(str(plot), caption=plot.stem.replace("_", " "))


def show_card(metadata: dict[str, Any], reports_dir: Path) -> None:
    version = str(metadata.get("version"))
    st.subheader(literal(f"Model {version}"))
    st.markdown("\n".join(f"- {literal(fact)}" for fact in facts(metadata)))
    metrics = metadata.get("metrics") or {}
    if metrics:
        for place, (name, value) in zip(st.columns(len(metrics)), metrics.items(), strict=True):
            place.metric(literal(name), f"{value:.4f}")
    if metadata.get("quality_gate"):
        show_gate(metadata["quality_gate"])
    st.markdown("**Features**")
    st.dataframe(pd.DataFrame(metadata.get("features") or []).astype(str), hide_index=True)
    st.markdown("**Evaluation on the holdout**")
    show_plots(reports_dir, version)


def render(context: Context) -> None:
    st.header("Model card")
    with reported("reading the model card"):
        show_card(context.scorer.metadata(), context.settings.reports.dir)
