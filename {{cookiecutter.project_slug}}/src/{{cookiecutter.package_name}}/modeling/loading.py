"""Choose how to serve a model version: its ONNX export when it has one, else its pickle.

Kept apart from `predictors.py` so that the ONNX path imports neither pandas nor scikit-learn:
a serving image installs neither, and reaches the pickle path only to say what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from {{ cookiecutter.package_name }}.errors import ArtifactError
from {{ cookiecutter.package_name }}.modeling.predictors import OnnxPredictor, Predictor

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.store import ModelStore


def load_predictor(store: ModelStore, version: str | None = None) -> Predictor:
    """The fastest way to serve `version` (default: the current one) that its files allow.

    Takes a model store and a version; returns an `OnnxPredictor` when the version has an ONNX
    export, else a `SklearnPredictor` over its pickle. Raises `ArtifactError` (one line) when the
    export does not load, or when the pickle is needed and this environment lacks the ML libraries.
    """
    metadata = store.metadata(version)
    export = metadata.get("onnx") or {}
    if export.get("file"):
        return OnnxPredictor(store.read_bytes(metadata["version"], export["file"]), metadata)
    try:
        from {{ cookiecutter.package_name }}.modeling.scoring import SklearnPredictor
    except ImportError as error:  # a serving image installs no ML library
        why = export.get("reason", "saved before exports existed")
        msg = (
            f"model {metadata['version']} has no ONNX export ({why}), and serving its pickle"
            f" needs the project's ML libraries, which are missing here ({error})"
        )
        raise ArtifactError(msg) from None
    return SklearnPredictor(store.load(metadata["version"]))
