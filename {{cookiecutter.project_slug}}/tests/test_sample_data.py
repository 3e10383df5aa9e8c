import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.sample_data import MISSING_RATES, make_dataset
from {{ cookiecutter.package_name }}.schema import FEATURE_NAMES
from {{ cookiecutter.package_name }}.validation import validate


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
    assert list(validate(sample).columns) == [*FEATURE_NAMES, problem.TARGET.name]


def test_some_values_are_missing_where_the_schema_allows_it() -> None:
    table = make_dataset(20_000, seed=1)
    for column, rate in MISSING_RATES.items():
        assert rate / 2 < table[column].isna().mean() < rate * 2, column
    required = [c for c in FEATURE_NAMES if c not in MISSING_RATES]
    assert not table[required].isna().any().any()
