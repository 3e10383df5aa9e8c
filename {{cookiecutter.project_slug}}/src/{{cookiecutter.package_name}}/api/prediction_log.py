"""Sampled predictions as JSON lines, the input of drift monitoring.

Each batch is appended with one write to a file opened in append mode (`atomic.append_lines`), so
lines from several gunicorn workers never interleave.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.fs.atomic import append_lines


class PredictionLog:
    def __init__(self, path: Path, sample_rate: float) -> None:
        self.path = path
        self.sample_rate = sample_rate
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(
        self,
        request_id: str,
        model_version: str,
        records: list[dict[str, Any]],
        predictions: list[dict[str, Any]],
    ) -> None:
        if random.random() >= self.sample_rate:  # noqa: S311 - sampling, not security
            return
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        entries = [
            {
                "time": now,
                "request_id": request_id,
                "model_version": model_version,
                "features": record,
                **prediction,
            }
            for record, prediction in zip(records, predictions, strict=True)
        ]
        append_lines(self.path, entries)
