"""Export a fitted model to ONNX, and prove on the holdout that it predicts like the original.

The export is what the API serves (`predictors.OnnxPredictor`): ONNX Runtime runs it in a fraction
of a millisecond per record, without pandas, scikit-learn or unpickling. It is kept only when its
predictions match the model's on every holdout row: probabilities within the family's tolerance
(`families.Family.tolerance`), numbers within it relative to their size. When a model cannot be
exported (an estimator no converter knows, say), training says why in one line, naming the
innermost cause, and does not promote it where the API serves ONNX alone.

skl2onnx converts scikit-learn's steps; LightGBM's and XGBoost's converters come from onnxmltools
(installed with their dependency groups) and are registered here. A converter of your own is
registered the same way, with `skl2onnx.update_registered_converter` (README: "Use your own
model").
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.modeling.predictors import OnnxPredictor
from {{ cookiecutter.package_name }}.modeling.scoring import plain, predict_frame
from {{ cookiecutter.package_name }}.schema import SCHEMA

ONNX_FILE = "model.onnx"
TOLERANCE = 1e-4  # a linear model's: ONNX Runtime computes in float32, about 1e-7 apart
# Opsets that every converter here supports: onnxmltools' tree converters stop at ai.onnx.ml 3.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


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


def innermost(error: BaseException) -> BaseException:
    """The exception at the bottom of a chain, as a traceback shows it: the cause, not the
    wrapper that reports it."""
    seen = {id(error)}
    while True:
        inner = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if inner is None or id(inner) in seen:
            return error
        seen.add(id(inner))
        error = inner


def one_line(error: BaseException, limit: int = 300) -> str:
    """An exception in one line: the innermost cause's type and the first line of its message."""
    cause = innermost(error)
    lines = str(cause).strip().splitlines()
    text = f"{type(cause).__name__}: {lines[0].strip() if lines else ''}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def input_types() -> list[tuple[str, Any]]:
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType

    return [
        (
            column.name,
            StringTensorType([None, 1]) if column.categories else FloatTensorType([None, 1]),
        )
        for column in SCHEMA.model_columns
    ]


def register_library_converters() -> None:
    """LightGBM's and XGBoost's converters (onnxmltools), for the libraries loaded here."""
    if "lightgbm" in sys.modules:
        register_lightgbm()
    if "xgboost" in sys.modules:
        register_xgboost()


CLASSIFIER_OPTIONS = {"nocl": [True, False], "zipmap": [True, False, "columns"]}


@functools.cache
def register_lightgbm() -> None:
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )

    update_registered_converter(
        LGBMClassifier,
        "LightGbmLGBMClassifier",
        calculate_linear_classifier_output_shapes,
        convert_lightgbm,
        options=CLASSIFIER_OPTIONS,
    )
    update_registered_converter(
        LGBMRegressor,
        "LightGbmLGBMRegressor",
        calculate_linear_regressor_output_shapes,
        convert_lightgbm,
    )


@functools.cache
def register_xgboost() -> None:
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from xgboost import XGBClassifier, XGBRegressor

    from {{ cookiecutter.package_name }}.modeling.xgboost_labels import (
        LabelledXGBClassifier,
    )

    for classifier in (XGBClassifier, LabelledXGBClassifier):
        update_registered_converter(
            classifier,
            f"XGBoost{classifier.__name__}",
            calculate_linear_classifier_output_shapes,
            convert_xgboost,
            options=CLASSIFIER_OPTIONS,
        )
    update_registered_converter(
        XGBRegressor,
        "XGBoostXGBRegressor",
        calculate_linear_regressor_output_shapes,
        convert_xgboost,
    )


def patch_tree_missing_values() -> None:
    """skl2onnx 1.20 writes a leaf's `nodes_missing_value_tracks_true` as a Python bool, which
    protobuf 6 refuses in an integer field ("Expected an int, got a boolean"): every
    HistGradientBoosting model failed to export. Pass it as the integer it stands for."""
    from skl2onnx.common import tree_ensemble

    add_node = tree_ensemble.add_node
    if getattr(add_node, "casts_missing_tracks", False):
        return

    @functools.wraps(add_node)
    def with_integer_flag(
        *args: Any, nodes_missing_value_tracks_true: Any = 0, **kwargs: Any
    ) -> Any:
        flag = int(nodes_missing_value_tracks_true)
        return add_node(*args, nodes_missing_value_tracks_true=flag, **kwargs)

    with_integer_flag.casts_missing_tracks = True  # type: ignore[attr-defined]
    tree_ensemble.add_node = with_integer_flag


def convert(model: Any) -> bytes:
    from skl2onnx import to_onnx

    patch_tree_missing_values()
    register_library_converters()
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    options = {id(estimator): {"zipmap": False}} if hasattr(estimator, "predict_proba") else None
    exported = to_onnx(
        model, initial_types=input_types(), options=options, target_opset=TARGET_OPSET
    )
    return bytes(exported.SerializeToString())


def records(features: pd.DataFrame) -> list[dict[str, Any]]:
    """Validated rows as the API receives them: JSON values, None where missing."""
    return [
        {str(name): None if pd.isna(value) else plain(value) for name, value in row.items()}
        for row in features.astype(object).to_dict(orient="records")
    ]


def largest_difference(
    model: Any, exported: OnnxPredictor, features: pd.DataFrame, tolerance: float = TOLERANCE
) -> float:
    """How far the export's predictions are from the model's, on these rows (relative for
    numbers, absolute for probabilities); infinity when a predicted class differs where it
    should not (a probability not within `tolerance` of the decision threshold)."""
    expected = predict_frame(model, features)
    served = pd.DataFrame(exported.predict(records(features)), index=features.index)
    if "probability" in expected:
        probabilities = [name for name in expected.columns if str(name).startswith("probability")]
        difference = (served[probabilities] - expected[probabilities]).abs().to_numpy()
        wrong = (served["prediction"] != expected["prediction"]) & ~undecided(expected, tolerance)
        return float("inf") if wrong.any() else float(difference.max(initial=0.0))
    scale = np.maximum(np.abs(expected["prediction"].to_numpy(dtype="float64")), 1.0)
    served_values = served["prediction"].to_numpy(dtype="float64")
    difference = np.abs(served_values - expected["prediction"].to_numpy(dtype="float64")) / scale
    return float(difference.max(initial=0.0))


def undecided(expected: pd.DataFrame, tolerance: float) -> pd.Series:
    """Rows whose predicted class a difference within `tolerance` may change: two classes, a
    probability that close to the threshold; more, the two most probable classes that close."""
    target = SCHEMA.target
    if target.is_binary:
        return (expected["probability"] - target.threshold).abs() <= tolerance
    ranked = np.sort(expected[list(target.probability_columns.values())].to_numpy(), axis=1)
    return pd.Series(ranked[:, -1] - ranked[:, -2] <= 2 * tolerance, index=expected.index)


def export(
    model: Any, holdout: pd.DataFrame, metadata: dict[str, Any], tolerance: float = TOLERANCE
) -> Export:
    """The model's ONNX export, checked on the holdout's features; `metadata` is the model's,
    `tolerance` its family's."""
    try:
        exported = convert(model)
    except Exception as error:  # converters raise many kinds for an estimator they cannot convert
        return Export(None, {"file": None, "reason": one_line(error)})
    classes = None
    if hasattr(model, "classes_"):  # the order of the probability columns
        classes = [plain(label) for label in model.classes_]
    details: dict[str, Any] = {"file": ONNX_FILE, "classes": classes, "tolerance": tolerance}
    features = holdout[list(SCHEMA.names)]
    try:
        predictor = OnnxPredictor(exported, {**metadata, "onnx": details})
        difference = largest_difference(model, predictor, features, tolerance)
    except Exception as error:  # the export does not run: it cannot be served
        return Export(None, {"file": None, "reason": one_line(error)})
    if not difference <= tolerance:
        reason = (
            f"its predictions differ from the model's by {difference:.2g} on the holdout"
            f" (tolerance {tolerance})"
        )
        return Export(None, {"file": None, "reason": reason})
    return Export(exported, {**details, "max_difference": difference})
