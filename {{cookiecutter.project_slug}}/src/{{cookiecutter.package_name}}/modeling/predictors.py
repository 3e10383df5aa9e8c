"""Predictors: a loaded model that turns records (JSON objects) or columns into predictions.

A model exported to ONNX at training time is served by ONNX Runtime, fed straight from the records:
no pandas, no scikit-learn, no unpickling, a fraction of a millisecond per record. A model that
could not be exported is served from its pickle by scikit-learn (which needs the project's ML
libraries installed). Both read the columns and classes from the model's own metadata, so a model
keeps serving correctly even after `schema.py` changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from {{ cookiecutter.package_name }}.columns import MISSING, decide, most_probable
from {{ cookiecutter.package_name }}.columns.derived import Derived, derive
from {{ cookiecutter.package_name }}.errors import ArtifactError

if TYPE_CHECKING:
    import numpy.typing as npt

Record = Mapping[str, Any]
ONNX = "onnxruntime"
JOBLIB = "scikit-learn (joblib)"


class Predictor(Protocol):
    """A loaded model that predicts records."""

    runtime: str
    metadata: dict[str, Any]

    def predict(self, records: Sequence[Record]) -> list[dict[str, Any]]: ...


class OnnxPredictor:
    """A model's ONNX export in an ONNX Runtime session, fed one tensor per column."""

    runtime = ONNX

    def __init__(self, model: bytes, metadata: dict[str, Any]) -> None:
        import onnxruntime

        # One thread per session, without spin-waiting: the workers are the parallelism, and
        # ONNX Runtime's default pool (a thread per core, spinning between runs) would take the
        # CPU that other requests and workers need.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        try:
            self.session = onnxruntime.InferenceSession(
                model, options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own types for a corrupt model
            msg = f"model {metadata.get('version')}: its ONNX export does not load ({error})"
            raise ArtifactError(msg) from error
        self.metadata = metadata
        self.model = model  # the export itself, for whoever ships it elsewhere (Spark)
        # What a record holds, and what the graph reads: the features (dates aside), then the
        # derived features, computed from the record as the model was trained (its metadata).
        self.names = [f["name"] for f in metadata["features"]]
        self.derived = tuple(Derived.from_metadata(d) for d in metadata.get("derived", ()))
        read = [f for f in metadata["features"] if f["kind"] != "date"]
        read += [d.metadata() for d in self.derived]
        # The graph's inputs, in that order; skl2onnx renames a column whose name is not a valid
        # identifier ("mean radius" is the input "mean_radius").
        inputs = [node.name for node in self.session.get_inputs()]
        if len(inputs) != len(read):
            msg = f"model {metadata.get('version')}: its ONNX export does not take the features"
            raise ArtifactError(msg)
        self.input_of = dict(zip((f["name"] for f in read), inputs, strict=True))
        self.numeric = [f["name"] for f in read if f["kind"] != "category"]
        self.labels = {
            f["name"]: {label: str(label) for label in f["categories"]}
            for f in read
            if f["kind"] == "category"
        }
        target = metadata["target"]
        self.classes = target.get("classes")
        if self.classes:
            self.order = metadata["onnx"]["classes"]  # the order of the probability columns
            self.positive = target.get("positive")
        if self.classes and len(self.classes) == 2:
            self.negative = next(label for label in self.classes if label != self.positive)
            self.positive_column = self.order.index(self.positive)
            self.threshold = float(target.get("threshold", 0.5))  # 0.5 before it was recorded

    def feeds(self, columns: Mapping[str, Sequence[Any]]) -> dict[str, npt.NDArray[Any]]:
        """One tensor per input; a missing value is None (a record) or NaN (a table)."""
        columns = derive(columns, self.derived)
        feeds: dict[str, npt.NDArray[Any]] = {}
        for name in self.numeric:  # NumPy reads None as NaN in a float array
            feeds[self.input_of[name]] = np.asarray(columns[name], dtype=np.float32).reshape(-1, 1)
        for name, labels in self.labels.items():
            texts = [
                MISSING if is_missing(value) else labels.get(value, str(value))
                for value in columns[name]
            ]
            feeds[self.input_of[name]] = np.asarray(texts, dtype=object).reshape(-1, 1)
        return feeds

    def predict_columns(self, columns: Mapping[str, Sequence[Any]]) -> dict[str, npt.NDArray[Any]]:
        """The prediction columns for feature columns (a table's, with its types already set)."""
        outputs = self.session.run(None, self.feeds(columns))
        if not self.classes:
            return {"prediction": outputs[0].reshape(-1).astype(np.float64)}
        if len(self.classes) > 2:
            return most_probable(outputs[1].astype(np.float64), self.order, self.classes)
        probabilities = outputs[1][:, self.positive_column].astype(np.float64)
        return {
            "prediction": decide(probabilities, self.negative, self.positive, self.threshold),
            "probability": probabilities,
        }

    def predict(self, records: Sequence[Record]) -> list[dict[str, Any]]:
        columns = {name: [record[name] for record in records] for name in self.names}
        predicted = {
            name: values.tolist() for name, values in self.predict_columns(columns).items()
        }
        rows = zip(*predicted.values(), strict=True)
        return [dict(zip(predicted, row, strict=True)) for row in rows]


def is_missing(value: Any) -> bool:
    """None (a record's null) or NaN (a table's missing value)."""
    return value is None or (isinstance(value, float) and math.isnan(value))
