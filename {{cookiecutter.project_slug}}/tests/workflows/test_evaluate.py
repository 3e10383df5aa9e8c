"""Evaluating a saved model: on its own holdout by default, on any labelled file on request."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.workflows.evaluate import evaluate_model
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome, train


def test_without_data_a_model_is_scored_on_its_own_holdout(
    settings: Settings, trained: TrainingOutcome
) -> None:
    outcome = evaluate_model(settings)
    assert outcome.version == trained.version
    assert outcome.metrics == pytest.approx(trained.metrics)
    assert outcome.rows == round(settings.data.sample_rows * settings.training.test_size)
    assert "holdout" in outcome.data
    assert outcome.report[0].parent.name == f"{trained.version}-evaluation"


def test_a_model_trained_on_a_file_is_scored_on_that_files_holdout(
    settings: Settings, sample: pd.DataFrame
) -> None:
    source = tables.write_table(sample, tables.join(settings.data.dir, "labelled.parquet"))
    trained = train(settings, source)
    assert evaluate_model(settings).metrics == pytest.approx(trained.metrics)


def test_a_training_file_that_changed_is_refused(settings: Settings, sample: pd.DataFrame) -> None:
    source = tables.join(settings.data.dir, "labelled.parquet")
    tables.write_table(sample, source)
    train(settings, source)
    tables.write_table(sample.head(1_000), source)
    with pytest.raises(ProjectError, match=r"has changed since model .* evaluate it with --data"):
        evaluate_model(settings)


def test_a_labelled_file_is_scored_whole(
    settings: Settings, trained: TrainingOutcome, sample: pd.DataFrame
) -> None:
    source = tables.write_table(sample, tables.join(settings.data.dir, "new.csv"))
    outcome = evaluate_model(settings, source)
    assert outcome.rows == len(sample)
    assert problem.PRIMARY_METRIC in outcome.metrics


def test_the_gate_uses_the_setting(settings: Settings, trained: TrainingOutcome) -> None:
    strict = settings.with_overrides(**{"training.min_score": 1.01})
    outcome = evaluate_model(strict)
    assert not outcome.gate.passed
    assert "training.min_score" in str(outcome.gate)
