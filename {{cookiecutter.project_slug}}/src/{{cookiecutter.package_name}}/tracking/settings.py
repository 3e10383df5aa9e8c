"""Tracking's settings (`<PREFIX>TRACKING_*`): MLflow or files, the experiment, the model name.

A group of the one settings tree (`config.Settings.tracking`); it lives here, beside the tracker
and the registry that read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TrackingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: Literal["mlflow", "files"] = Field(
        default="mlflow",
        description="Where runs are logged and model versions kept: MLflow (tracking server and"
        " model registry), or `files` (models.dir, no run tracking: fully offline).",
    )
    dir: Path = Field(
        default=Path("mlruns"),
        description="The local MLflow database (mlflow.db) and artifacts, used when"
        " MLFLOW_TRACKING_URI is not set; set that variable to share a team's server instead.",
    )
    experiment: str = Field(
        default="{{ cookiecutter.project_slug }}",
        min_length=1,
        description="MLflow experiment that training, evaluation, retraining and monitoring"
        " runs are logged to.",
    )
    model_name: str = Field(
        default="{{ cookiecutter.package_name }}",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$",
        description="Registered model whose versions are this project's models (letters, digits,"
        " `_.-`; Unity Catalog: catalog.schema.model).",
    )
    alias: str = Field(
        default="champion",
        pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$",
        description="Alias of the model version in use; promotion, retraining and rollback move"
        " it, and the API, app and orchestrators load the version it names.",
    )
