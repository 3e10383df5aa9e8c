"""Spark in local mode with two cores, started once per test process (its JVM takes seconds).

Every test module here is marked `spark` and runs in `nox -s spark`. Without Java they skip,
saying how to install it; on CI (where Java must be there) they fail instead.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.schema import SCHEMA

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Sessions other than `spark` (tests, serve) do not install PySpark, which these modules import.
if importlib.util.find_spec("pyspark") is None:
    collect_ignore_glob = ["test_*.py"]

ROWS = 8_000
PARTS = 4
KEY = "row_key"  # an extra column, kept in the output: rows are matched by it


@pytest.fixture(scope="session")
def java() -> None:
    """Skip (fail on CI) where there is no Java to start Spark with."""
    from {{ cookiecutter.package_name }}.spark.session import JAVA_HELP

    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail(f"no `java` on PATH: {JAVA_HELP}")
        pytest.skip(f"no `java` on PATH: {JAVA_HELP}")


@pytest.fixture(scope="session")
def spark(java: None) -> Iterator[SparkSession]:
    from {{ cookiecutter.package_name }}.spark.session import spark_session
    from {{ cookiecutter.package_name }}.spark.settings import SparkSettings

    with spark_session(SparkSettings(master="local[2]", batch_rows=1_000)) as session:
        # Small splits, so that a few small files make several partitions, as big ones would.
        session.conf.set("spark.sql.files.maxPartitionBytes", "64k")
        yield session


@pytest.fixture(scope="session")
def table() -> pd.DataFrame:
    """A labelled table with a row key (tests must not modify it)."""
    data = make_dataset(ROWS, seed=11)
    return data.assign(**{KEY: np.arange(len(data))})


WriteParts = Callable[[pd.DataFrame, Path], Path]


def write_parts(table: pd.DataFrame, folder: Path) -> Path:
    """`table` as a folder of PARTS Parquet files, as Spark jobs and data lakes write them."""
    folder.mkdir(parents=True)
    bounds = np.linspace(0, len(table), PARTS + 1).astype(int)
    for number, (start, stop) in enumerate(itertools.pairwise(bounds)):
        part = folder / f"part-{number:05d}.parquet"
        table.iloc[start:stop].to_parquet(part, index=False, coerce_timestamps="us")  # as Spark
    return folder


@pytest.fixture(name="write_parts", scope="session")
def write_parts_fixture() -> WriteParts:
    return write_parts


@pytest.fixture
def parts(table: pd.DataFrame, tmp_path: Path) -> Path:
    return write_parts(table, tmp_path / "input")


@pytest.fixture(scope="session")
def assert_same_predictions() -> Callable[[pd.DataFrame, pd.DataFrame], None]:
    """Predictions equal up to float tolerance (ONNX computes in float32, scikit-learn in float64);
    a label may differ only where the probability is at the threshold."""

    def check(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
        actual = actual.sort_values(KEY).reset_index(drop=True)
        expected = expected.sort_values(KEY).reset_index(drop=True)
        assert actual[KEY].tolist() == expected[KEY].tolist()
        if "probability" in problem.PREDICTION_COLUMNS:
            probability = expected["probability"].to_numpy(dtype=float)
            np.testing.assert_allclose(actual["probability"], probability, atol=1e-5)
            decided = np.abs(probability - SCHEMA.target.threshold) > 1e-4
            labels = actual["prediction"].to_numpy()[decided]
            assert labels.tolist() == expected["prediction"].to_numpy()[decided].tolist()
        else:
            np.testing.assert_allclose(
                actual["prediction"], expected["prediction"], rtol=1e-4, atol=1e-4
            )

    return check
