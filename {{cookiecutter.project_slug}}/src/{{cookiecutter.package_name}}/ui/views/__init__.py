"""The app's pages: each module has a `render(context)` that draws it, for one interaction.

record.py   score one record, typed into a form made from schema.py
upload.py   score a CSV, Parquet or JSON-lines file and download the predictions
card.py     the model in use: version, metrics, quality gate, features, evaluation plots
drift.py    the latest drift report that `monitor` wrote
"""

from __future__ import annotations

from dataclasses import dataclass

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.ui.scoring import Scorer


@dataclass(frozen=True)
class Context:
    """What every page gets: the settings, and the scorer of this interaction."""

    settings: Settings
    scorer: Scorer
