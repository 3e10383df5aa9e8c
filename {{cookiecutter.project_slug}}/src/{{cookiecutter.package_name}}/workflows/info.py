"""Workflow: a model's metadata (version, metrics, schema, checksums), without loading the model."""

from __future__ import annotations

from typing import Any

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.store import open_store


def model_info(settings: Settings, version: str | None = None) -> dict[str, Any]:
    """The metadata of a version (default: the current one)."""
    return open_store(settings).metadata(version)
