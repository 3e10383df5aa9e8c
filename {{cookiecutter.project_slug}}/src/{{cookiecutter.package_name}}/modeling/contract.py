"""What `problem.py` must provide: the contract between the problem and the rest of the pipeline.

Training, evaluation, prediction, monitoring and the API only ever use these names of `problem`;
the target itself is declared with the features, in `schema.py`. To model it differently, rewrite
`problem.py` so that it still provides them: the type checker (`nox -s typecheck`) and
`tests/test_problem.py` hold it to this contract.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy.typing as npt
import pandas as pd


@runtime_checkable
class ProblemModule(Protocol):
    PROBLEM_TYPE: str
    """"classification" or "regression": which metrics, plots and API response fields apply."""
    TARGET_KINDS: tuple[str, ...]
    """The kinds of `schema.TARGET` this problem can learn ("category": classes; "number")."""
    PRIMARY_METRIC: str
    """The key of `score()` that the quality gate and champion/challenger compare (higher wins)."""
    PREDICTION_COLUMNS: tuple[str, ...]
    """The columns `predict_columns` returns, in order (the API answers with these fields)."""
    MONITORED_PREDICTION: str
    """The prediction column whose distribution drift monitoring compares with training's."""
    STRATIFY: bool
    """Whether the holdout split keeps the share of each class (classification only)."""

    ESTIMATORS: dict[str, Callable[[int], Any]]
    """Each estimator family by name (the training.family setting): a function of the seed that
    returns a new, unfitted scikit-learn-compatible estimator; settings may `set_params` it."""

    def predict_columns(self, model: Any, features: pd.DataFrame) -> dict[str, npt.NDArray[Any]]:
        """The fitted model's predictions for validated features, one array per column."""
        ...

    def score(self, y_true: pd.Series, predicted: pd.DataFrame) -> dict[str, float]:
        """Every metric of the predictions against the truth; includes PRIMARY_METRIC."""
        ...

    def plot(self, y_true: pd.Series, predicted: pd.DataFrame, out_dir: Path) -> list[Path]:
        """The evaluation plots, written as PNG files into `out_dir`; returns their paths."""
        ...
