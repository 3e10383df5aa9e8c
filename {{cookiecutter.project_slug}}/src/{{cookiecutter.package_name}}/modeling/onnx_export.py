"""Export a fitted model to ONNX, and prove on the holdout that it predicts like the original.

The export is what the API serves (`serving.OnnxPredictor`): ONNX Runtime runs it in a fraction of
a millisecond per record, without pandas, scikit-learn or unpickling. It is kept only when its
predictions match the model's on every holdout row: probabilities within `TOLERANCE`, numbers
within `TOLERANCE` of their size. When a model cannot be exported (an estimator skl2onnx has no
converter for, say), training says so in one line and the API serves the pickle instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.modeling.predictors import OnnxPredictor
from {{ cookiecutter.package_name }}.modeling.scoring import plain, predict_frame
from {{ cookiecutter.package_name }}.schema import SCHEMA

ONNX_FILE = "model.onnx"
TOLERANCE = 1e-4  # ONNX Runtime computes in float32: about 1e-7 apart from scikit-learn


@dataclass(frozen=True)
class Export:
    """The ONNX model (None when there is none) and what to record about it."""

    model: bytes | None
    details: dict[str, Any] = field(default_factory=dict)


def describe(details: dict[str, Any]) -> str:
    """One line on how a model will be served, from the `onnx` entry of its metadata."""
    if not details.get("file"):
        return f"not exported to ONNX ({details.get('reason')}): the API serves the pickle"
    return (
        "exported to ONNX: the API serves it with ONNX Runtime (largest difference from the"
        f" model on the holdout {details['max_difference']:.1e}, tolerance {details['tolerance']})"
    )


def one_line(error: Exception, limit: int = 200) -> str:
    """An exception in one short line: its type and the start of its message."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0] if lines else ''}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def input_types() -> list[tuple[str, Any]]:
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    return [
        (
            column.name,
            StringTensorType([None, 1]) if column.categories else FloatTensorType([None, 1]),
        )
        for column in SCHEMA.features
    ]


def convert(model: Any) -> bytes:
    from skl2onnx import to_onnx

    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    options = {id(estimator): {"zipmap": False}} if hasattr(estimator, "predict_proba") else None
    exported = to_onnx(model, initial_types=input_types(), options=options)
    return bytes(exported.SerializeToString())


def records(features: pd.DataFrame) -> list[dict[str, Any]]:
    """Validated rows as the API receives them: JSON values, None where missing."""
    return [
        {str(name): None if pd.isna(value) else plain(value) for name, value in row.items()}
        for row in features.astype(object).to_dict(orient="records")
    ]


def largest_difference(model: Any, exported: OnnxPredictor, features: pd.DataFrame) -> float:
    """How far the export's predictions are from the model's, on these rows (relative for
    numbers, absolute for probabilities); infinity when a predicted class differs where it
    should not (a probability not at the threshold)."""
    expected = predict_frame(model, features)
    served = pd.DataFrame(exported.predict(records(features)), index=features.index)
    if "probability" in expected:
        difference = (served["probability"] - expected["probability"]).abs().to_numpy()
        at_threshold = np.abs(expected["probability"] - 0.5) <= TOLERANCE
        wrong = (served["prediction"] != expected["prediction"]) & ~at_threshold
        return float("inf") if wrong.any() else float(difference.max(initial=0.0))
    scale = np.maximum(np.abs(expected["prediction"].to_numpy(dtype="float64")), 1.0)
    served_values = served["prediction"].to_numpy(dtype="float64")
    difference = np.abs(served_values - expected["prediction"].to_numpy(dtype="float64")) / scale
    return float(difference.max(initial=0.0))


def export(model: Any, holdout: pd.DataFrame, metadata: dict[str, Any]) -> Export:
    """The model's ONNX export, checked on the holdout's features; `metadata` is the model's."""
    try:
        exported = convert(model)
    except Exception as error:  # skl2onnx raises many kinds for an estimator it cannot convert
        return Export(None, {"file": None, "reason": one_line(error)})
    classes = None
    if hasattr(model, "classes_"):  # the order of the probability columns
        classes = [plain(label) for label in model.classes_]
    details: dict[str, Any] = {"file": ONNX_FILE, "classes": classes, "tolerance": TOLERANCE}
    features = holdout[list(SCHEMA.names)]
    try:
        predictor = OnnxPredictor(exported, {**metadata, "onnx": details})
        difference = largest_difference(model, predictor, features)
    except Exception as error:  # the export does not run: serve the pickle
        return Export(None, {"file": None, "reason": one_line(error)})
    if not difference <= TOLERANCE:
        reason = f"its predictions differ from the model's by {difference:.2g} on the holdout"
        return Export(None, {"file": None, "reason": reason})
    return Export(exported, {**details, "max_difference": difference})
