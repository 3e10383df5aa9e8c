"""The Spark commands as people run them: the CLI, spark-submit, and a machine without Java."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

pytestmark = pytest.mark.spark

PROJECT = Path(__file__).parents[2]
runner = CliRunner()


def test_spark_predict_prints_a_summary(
    spark: SparkSession, settings: Settings, trained: TrainingOutcome, parts: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "scored"
    models = ["--models-dir", str(settings.models.dir)]
    result = runner.invoke(app, ["spark", "predict", str(parts), str(destination), *models])
    assert result.exit_code == 0, result.output
    rows = len(pd.read_parquet(destination))
    assert f"scored {rows:,} rows (" in result.output
    assert f"with model {trained.version} (onnxruntime)" in result.output
    assert " on local[2] into " in result.output
    missing = runner.invoke(app, ["spark", "predict", str(tmp_path / "nowhere"), "out", *models])
    assert missing.exit_code == 1
    assert missing.output.startswith("error: '")
    assert "cannot be read as parquet" in missing.output


def test_spark_monitor_and_sample_print_what_they_compared(
    spark: SparkSession,
    settings: Settings,
    trained: TrainingOutcome,
    parts: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the drift report goes to ./reports
    models = ["--models-dir", str(settings.models.dir)]
    rows = len(pd.read_parquet(parts))
    monitor = ["spark", "monitor", str(parts), "--sample-rows", "2000", *models]
    monitored = runner.invoke(app, monitor)
    assert monitored.exit_code in {0, 1}, monitored.output  # 1: drift
    assert f"checks, a sample of 2,000 of {rows:,} rows against model {trained.version}" in (
        monitored.output
    )
    assert "report: " in monitored.output
    sample = ["spark", "sample", str(parts), str(tmp_path / "s.csv"), "--rows", "500"]
    sampled = runner.invoke(app, sample)
    assert sampled.exit_code == 0, sampled.output
    assert f"wrote 500 of {rows:,} rows to " in sampled.output
    refused = runner.invoke(app, ["spark", "sample", str(parts), str(tmp_path / "s.xlsx")])
    assert refused.exit_code == 2
    assert "xlsx" in refused.output


def spark_submit(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("spark-submit")
    return subprocess.run(
        [str(command), *arguments],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_spark_submit_runs_the_same_command(
    java: None, settings: Settings, trained: TrainingOutcome, parts: Path, tmp_path: Path
) -> None:
    """The entry point that clusters run: spark-submit starts the driver, our code joins it."""
    destination = tmp_path / "scored"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    submitted = spark_submit(
        "--master",
        "local[1]",
        str(PROJECT / "deploy" / "spark" / "submit.py"),
        "spark",
        "predict",
        str(parts),
        str(destination),
        "--models-dir",
        str(settings.models.dir),
        env=env,
    )
    assert submitted.returncode == 0, submitted.stderr[-3000:]
    assert "scored 8,000 rows" in submitted.stdout
    assert " on local[1] into " in submitted.stdout  # spark-submit's master, not spark.master
    assert len(pd.read_parquet(destination)) == 8_000


def test_without_java_it_says_how_to_install_it(
    settings: Settings, trained: TrainingOutcome, parts: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java")}
    package = "{{ cookiecutter.package_name }}"
    command = [sys.executable, "-m", package, "spark", "predict", str(parts), "out"]
    result = subprocess.run(
        [*command, "--models-dir", str(settings.models.dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "error: Spark did not start: Spark needs Java 17 or 21" in result.stderr
    assert "Traceback" not in result.stderr
