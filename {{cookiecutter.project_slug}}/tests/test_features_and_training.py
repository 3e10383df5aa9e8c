import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.data import split_target, validate
from {{ cookiecutter.package_name }}.evaluate import evaluate
from {{ cookiecutter.package_name }}.features import build_preprocessor
from {{ cookiecutter.package_name }}.train import train


def test_preprocessing_imputes_encodes_and_scales(sample: pd.DataFrame) -> None:
    features, _ = split_target(validate(sample))
    transformed = build_preprocessor().fit_transform(features)
    assert not np.isnan(transformed).any()
    assert transformed.shape[0] == len(features)
    numeric = transformed[:, :5]
    np.testing.assert_allclose(numeric.mean(axis=0), 0, atol=1e-9)


def test_unseen_category_at_prediction_time_does_not_crash(sample: pd.DataFrame) -> None:
    features, _ = split_target(validate(sample))
    preprocessor = build_preprocessor().fit(features)
    unseen = features.head(3).assign(region="atlantis")
    assert preprocessor.transform(unseen).shape[0] == 3


def test_training_is_reproducible(sample: pd.DataFrame) -> None:
    table = validate(sample)
    first = train(table, test_size=0.2, seed=11)
    second = train(table, test_size=0.2, seed=11)
    assert (
        evaluate(first.model, first.holdout).metrics
        == evaluate(second.model, second.holdout).metrics
    )
    pd.testing.assert_frame_equal(first.holdout, second.holdout)


def test_another_seed_gives_another_split(sample: pd.DataFrame) -> None:
    table = validate(sample)
    first = train(table, test_size=0.2, seed=1)
    second = train(table, test_size=0.2, seed=2)
    assert not first.holdout.index.equals(second.holdout.index)
    assert first.train_rows == len(table) - len(first.holdout)


def test_model_learns_real_signal(sample: pd.DataFrame) -> None:
    run = train(validate(sample), test_size=0.25, seed=0)
    metrics = evaluate(run.model, run.holdout).metrics
    assert metrics[problem.PRIMARY_METRIC] >= problem.DEFAULT_MIN_SCORE, metrics
