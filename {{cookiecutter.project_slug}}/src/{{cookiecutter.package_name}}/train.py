"""Train a model on a validated table: a seeded holdout split, then one fit of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.data import split_target
from {{ cookiecutter.package_name }}.features import build_model


@dataclass(frozen=True)
class TrainingRun:
    """A fitted model and the holdout it has never seen, for evaluation."""

    model: Pipeline
    training: pd.DataFrame
    holdout: pd.DataFrame

    @property
    def train_rows(self) -> int:
        return len(self.training)


def split(table: pd.DataFrame, test_size: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    stratify = table[problem.TARGET.name] if problem.STRATIFY else None
    train, holdout = train_test_split(
        table, test_size=test_size, random_state=seed, stratify=stratify
    )
    return train, holdout


def fit(table: pd.DataFrame, seed: int) -> Pipeline:
    """Fit a new model on every row of a validated table."""
    features, target = split_target(table)
    model = build_model(problem.make_estimator(seed))
    model.fit(features, target)
    return model


def train(table: pd.DataFrame, *, test_size: float, seed: int) -> TrainingRun:
    """Fit on a seeded split of `table`: the same data and seed give the same model and metrics."""
    train_table, holdout = split(table, test_size, seed)
    return TrainingRun(model=fit(train_table, seed), training=train_table, holdout=holdout)
