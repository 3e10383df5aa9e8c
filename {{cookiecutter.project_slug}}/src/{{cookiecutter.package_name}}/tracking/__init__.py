"""Experiment tracking: what each training, evaluation, retraining and monitoring run records.

Workflows log through a `Tracker`: parameters, metrics, report files and tags of the run they are
part of. `open_tracker(settings)` returns the tracker the settings choose. Without one, nothing is
recorded beyond the model store and the reports folder (`NoTracking`).

A step's run joins the run that is open: `train` opens one run (a new one, nested if another is
open), and the steps it calls (which orchestrators also run alone, each in a run of its own) log
into it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.config import Settings


class Tracker(Protocol):
    """Where runs are recorded."""

    def run(
        self, kind: str, *, resume: str | None = None, new: bool = False
    ) -> AbstractContextManager[None]:
        """Record what happens inside in a run of `kind` ("train", "evaluate", "retrain",
        "monitor"); inside an open run, in that one, unless `new` (then in a run nested there: a
        workflow's run of its own). `resume`: the run that saved this model version (an
        evaluation of a candidate belongs with its training)."""
        ...

    def log_params(self, params: Mapping[str, Any]) -> None: ...

    def log_metrics(self, metrics: Mapping[str, float], prefix: str = "") -> None: ...

    def log_files(self, paths: Sequence[Path], folder: str) -> None: ...

    def set_tags(self, tags: Mapping[str, Any]) -> None: ...


class NoTracking:
    """No run tracking: the model store and the reports folder are the record."""

    def run(
        self, kind: str, *, resume: str | None = None, new: bool = False
    ) -> AbstractContextManager[None]:
        return idle()

    def log_params(self, params: Mapping[str, Any]) -> None:
        return None

    def log_metrics(self, metrics: Mapping[str, float], prefix: str = "") -> None:
        return None

    def log_files(self, paths: Sequence[Path], folder: str) -> None:
        return None

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        return None


@contextmanager
def idle() -> Iterator[None]:
    yield


def training_params(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of a training run, read off the metadata its model is saved with."""
    data = metadata.get("training_data") or {}
    params = {
        "problem_type": metadata.get("problem_type"),
        "data.location": data.get("location"),
        "data.rows": data.get("rows"),
        "data.sample_rows": data.get("sample_rows"),
        "training.test_size": metadata.get("test_size"),
        "training.seed": metadata.get("random_seed"),
        "training.rows": metadata.get("training_rows"),
        "training.holdout_rows": metadata.get("holdout_rows"),
    }
    hyperparameters = metadata.get("hyperparameters") or {}
    params |= {f"hyperparameters.{name}": value for name, value in hyperparameters.items()}
    return {name: value for name, value in params.items() if value is not None}


def git_commit() -> str | None:
    """The commit the code was trained from, when it runs inside a git checkout."""
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [git, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return (result.stdout.strip() or None) if result.returncode == 0 else None


def open_tracker(settings: Settings) -> Tracker:
    """The tracker the settings name."""
{%- if cookiecutter.tracking == "mlflow" %}
    if settings.tracking.backend == "mlflow":
        from {{ cookiecutter.package_name }}.tracking.mlflow_runs import MlflowTracker

        return MlflowTracker(settings.tracking)
{%- endif %}
    return NoTracking()
