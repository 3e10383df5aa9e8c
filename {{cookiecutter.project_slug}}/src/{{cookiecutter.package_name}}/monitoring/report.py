"""The drift report: JSON for machines, and one self-contained HTML page for people.

The HTML page embeds its plots as PNG data and has no script or external link, so it opens offline,
from an e-mail attachment or a CI artifact, exactly as it was written.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }}.fs.atomic import write_text
from {{ cookiecutter.package_name }}.monitoring.drift import Check, DriftResult
from {{ cookiecutter.package_name }}.monitoring.profile import (
    ColumnProfile,
    Profile,
    category_texts,
)
from {{ cookiecutter.package_name }}.schema import SCHEMA

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; }
tr.drifted td { background: #fde8e8; font-weight: 600; }
.verdict { font-size: 1.4rem; padding: 0.6rem 1rem; border-radius: 0.4rem; }
.drift { background: #fde8e8; } .stable { background: #e6f4ea; }
figure { margin: 1.5rem 0; } img { max-width: 100%; }
"""


def png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode()


def numeric_figure(title: str, reference: ColumnProfile, values: pd.Series) -> Figure:
    current = values.dropna().to_numpy(dtype="float64")
    both = np.concatenate([np.asarray(reference.sample), current])
    bins = np.histogram_bin_edges(both, bins=30).tolist()
    figure = Figure(figsize=(7, 3.2), layout="constrained")
    axes = figure.subplots()
    axes.hist(reference.sample, bins=bins, density=True, alpha=0.5, label="reference (training)")
    axes.hist(current, bins=bins, density=True, alpha=0.5, label="current batch")
    axes.set(title=title, ylabel="density")
    axes.legend()
    return figure


def categorical_figure(title: str, reference: ColumnProfile, values: pd.Series) -> Figure:
    current = category_texts(values).value_counts(normalize=True)
    categories = sorted(set(reference.counts) | set(current.index))
    total = max(sum(reference.counts.values()), 1)
    positions = np.arange(len(categories))
    figure = Figure(figsize=(7, 3.2), layout="constrained")
    axes = figure.subplots()
    axes.bar(
        positions - 0.2,
        [reference.counts.get(c, 0) / total for c in categories],
        width=0.4,
        label="reference (training)",
    )
    axes.bar(positions + 0.2, [current.get(c, 0.0) for c in categories], width=0.4, label="current")
    axes.set_xticks(positions, categories)
    axes.set(title=title, ylabel="share of rows")
    axes.legend()
    return figure


def missing_figure(check: Check) -> Figure:
    figure = Figure(figsize=(4, 3), layout="constrained")
    axes = figure.subplots()
    axes.bar(["reference (training)", "current batch"], [check.reference or 0, check.current or 0])
    axes.set(title=check.name, ylabel="share of rows missing")
    return figure


def figure_for(
    check: Check, profile: Profile, features: pd.DataFrame, predictions: pd.DataFrame
) -> Figure:
    if check.kind == "missing":
        return missing_figure(check)
    if check.kind == "prediction":
        reference = profile.predictions[check.column]
        if reference.kind == "categorical":
            return categorical_figure(check.name, reference, predictions[check.column])
        return numeric_figure(check.name, reference, predictions[check.column])
    reference = profile.features[check.column]
    if check.kind == "categorical":
        return categorical_figure(check.name, reference, features[check.column])
    return numeric_figure(check.name, reference, features[check.column])


def table_rows(result: DriftResult) -> str:
    rows = []
    for check in result.checks:
        cells = [
            check.name,
            check.kind,
            check.test,
            f"{check.p_adjusted:.3g}",
            f"{check.effect_name} {check.effect:.3f} (threshold {check.threshold})",
            "DRIFT" if check.drifted else "ok",
        ]
        css = ' class="drifted"' if check.drifted else ""
        rows.append(f"<tr{css}>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return "\n".join(rows)


def write_html(
    result: DriftResult,
    profile: Profile,
    features: pd.DataFrame,
    predictions: pd.DataFrame,
    title: str,
    path: Path,
) -> Path:
    drifted = result.drifted
    table = SCHEMA.with_derived(features)  # a check may be of a derived feature
    verdict = (
        f"Drift in {len(drifted)} of {len(result.checks)} checks"
        if drifted
        else f"No drift in {len(result.checks)} checks"
    )
    figures = "\n".join(
        f'<figure><img alt="{html.escape(check.name)}: reference vs current" '
        f'src="data:image/png;base64,{png(figure_for(check, profile, table, predictions))}">'
        "</figure>"
        for check in drifted
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="verdict {"drift" if drifted else "stable"}">{verdict}</p>
<p>{result.rows:,} rows compared with {result.reference_rows:,} training rows. A check reports drift
when its Holm-corrected p-value is below {result.thresholds.alpha} and its effect reaches its
threshold.</p>
{figures}
<h2>Every check</h2>
<table><thead><tr><th>check</th><th>kind</th><th>test</th><th>corrected p</th><th>effect</th>
<th>verdict</th></tr></thead>
<tbody>
{table_rows(result)}
</tbody></table>
</body></html>
"""
    write_text(path, page)
    return path


def write_json(result: DriftResult, metadata: Mapping[str, object], path: Path) -> Path:
    write_text(path, json.dumps({**metadata, **result.to_dict()}, indent=2) + "\n")
    return path
