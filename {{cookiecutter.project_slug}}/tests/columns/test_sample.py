"""The embedded sample: drawn from schema.py, valid for it, deterministic, and learnable."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns import Column, Schema, Target
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.columns.validation import validate
from {{ cookiecutter.package_name }}.config import DEFAULT_MIN_SCORE
from {{ cookiecutter.package_name }}.modeling.evaluation import evaluate
from {{ cookiecutter.package_name }}.modeling.training import fit
from {{ cookiecutter.package_name }}.schema import SCHEMA


def test_same_seed_gives_the_same_rows() -> None:
    pd.testing.assert_frame_equal(make_dataset(500, seed=3), make_dataset(500, seed=3))


def test_another_seed_gives_other_rows() -> None:
    assert not make_dataset(500, seed=3).equals(make_dataset(500, seed=4))


def test_any_size_on_request() -> None:
    assert len(make_dataset(1)) == 1
    assert len(make_dataset(12_345)) == 12_345


def test_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="n_rows must be at least 1, got 0"):
        make_dataset(0)


def test_sample_matches_the_schema_with_every_column(sample: pd.DataFrame) -> None:
    assert list(validate(sample).columns) == [*SCHEMA.names, SCHEMA.target.name]


def test_values_are_missing_only_where_the_schema_allows_it() -> None:
    table = make_dataset(20_000, seed=1)
    for column in SCHEMA.features:
        rate = column.sample_missing_rate
        observed = table[column.name].isna().mean()
        if rate:
            assert rate / 2 < observed < rate * 2, column.name
        else:
            assert observed == 0, column.name


def test_every_class_of_the_target_appears() -> None:
    target = make_dataset(2_000, seed=2)[SCHEMA.target.name]
    if SCHEMA.target.is_classes:
        assert set(target) == set(SCHEMA.target.classes)
    else:  # a number: many values, as many as the whole numbers of its typical spread allow
        _, spread = SCHEMA.target.as_column().typical()
        whole = SCHEMA.target.kind == "integer"
        assert target.nunique() >= (min(100, max(2, int(4 * spread))) if whole else 100)


# A schema unlike the example: every kind of column, with odd names, labels and ranges.
UNUSUAL = Schema(
    (
        Column("mean radius (mm)", "number", minimum=0.5, maximum=3.0),
        Column("visits", "integer", minimum=0, nullable=True, missing_rate=0.2),
        Column("offset", "number", maximum=-10.0),
        Column("free", "number"),
        Column("flag", "category", categories=(False, True)),
        Column("grade", "category", categories=(1, 2, 3), nullable=True),
        Column("Ünïcode kind", "category", categories=("été", "hiver"), nullable=True),
    ),
    Target("outcome", "category", classes=("healthy", "sick"), positive="sick"),
)


def test_any_valid_schema_gives_a_valid_sample() -> None:
    table = make_dataset(3_000, seed=5, schema=UNUSUAL)
    valid = UNUSUAL.dataframe_schema(with_target=True).validate(table)
    assert len(valid) == 3_000
    assert set(valid["outcome"]) == {"healthy", "sick"}
    assert valid["visits"].isna().mean() == pytest.approx(0.2, abs=0.03)
    assert (valid["offset"] <= -10).all()


def test_a_model_trained_on_one_sample_clears_the_gate_on_another() -> None:
    """Only the noise depends on the seed: the relationship a model learns holds on any sample."""
    model = fit(validate(make_dataset(2_000, seed=1)), 0, {})
    metrics = evaluate(model, validate(make_dataset(2_000, seed=2))).metrics
    assert metrics[problem.PRIMARY_METRIC] >= DEFAULT_MIN_SCORE, metrics
