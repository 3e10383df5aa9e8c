"""XGBoost's classifier, taught any class labels: it learns only the labels 0, 1, ... n-1.

`modeling/families.py` swaps it in for the XGBClassifier that problem.py builds, with the same
parameters, so a target whose classes are text ("no", "yes") or other numbers trains and
predicts its own labels. Imported only when the xgboost family is chosen.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from xgboost import XGBClassifier


class LabelledXGBClassifier(XGBClassifier):  # type: ignore[misc,unused-ignore]
    """An XGBClassifier whose `classes_` are the target's own labels, in sorted order."""

    def fit(self, features: Any, target: Any, **kwargs: Any) -> LabelledXGBClassifier:
        self.labels_, codes = np.unique(np.asarray(target), return_inverse=True)
        super().fit(features, codes, **kwargs)
        return self

    @property
    def classes_(self) -> npt.NDArray[Any]:
        """What predict_proba's columns mean; the ONNX converter reads it too."""
        return np.asarray(self.labels_)

    def predict(self, features: Any, **kwargs: Any) -> npt.NDArray[Any]:
        codes = np.asarray(super().predict(features, **kwargs))
        labels: npt.NDArray[Any] = np.asarray(self.classes_)[codes]
        return labels
