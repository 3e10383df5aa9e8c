"""The pipeline's steps as orchestrators run them: each hands the next a path or a model version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import artifacts, pipeline
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import (
    DataValidationError,
    ModelNotFoundError,
    ProjectError,
)

RUN_ID = "scheduled__2026-01-01T03:00:00+00:00"


@pytest.mark.parametrize(
    ("run_id", "name"),
    [
        (RUN_ID, "scheduled__2026-01-01T03_00_00_00_00"),
        ("../../etc/passwd", "etc_passwd"),
        ("", "run"),
    ],
)
def test_run_ids_become_safe_file_names(run_id: str, name: str) -> None:
    assert pipeline.run_file_name(run_id) == name


def test_steps_hand_over_paths_and_versions_and_promote(settings: Settings) -> None:
    raw = pipeline.ingest(settings, RUN_ID)
    assert raw.parent == settings.raw_data_dir
    validated = pipeline.validate_file(raw, settings, RUN_ID)
    assert validated.parent == settings.processed_data_dir
    table = pipeline.read_validated(validated)
    assert len(table) == settings.sample_rows

    version = pipeline.fit_candidate(table, settings)
    with pytest.raises(ModelNotFoundError, match="no current model"):
        artifacts.current_version(settings.models_dir)  # saved, not promoted
    with pytest.raises(ModelNotFoundError, match="evaluate it before promoting"):
        pipeline.promote_if_passed(version, settings)

    outcome = pipeline.evaluate_candidate(version, table, settings)
    assert artifacts.read_metadata(settings.models_dir, version)["metrics"] == outcome.metrics
    assert pipeline.promote_if_passed(version, settings) is True
    assert artifacts.current_version(settings.models_dir) == version


def test_the_steps_give_the_metrics_of_train_and_register(settings: Settings) -> None:
    table = pipeline.load_labelled_data(None, rows=settings.sample_rows, seed=3)
    in_memory = pipeline.train_and_register(table, settings)
    version = pipeline.fit_candidate(table, settings)
    assert pipeline.evaluate_candidate(version, table, settings).metrics == in_memory.metrics


def test_ingest_reads_the_source_data_setting(settings: Settings, sample: pd.DataFrame) -> None:
    source = settings.data_dir / "extract.csv"
    source.parent.mkdir(parents=True)
    sample.head(300).to_csv(source, index=False)
    raw = pipeline.ingest(settings.model_copy(update={"source_data": source}), RUN_ID)
    assert len(pd.read_parquet(raw)) == 300


def test_invalid_data_stops_at_validation_and_writes_nothing(
    settings: Settings, sample: pd.DataFrame
) -> None:
    broken = sample.head(300).copy()
    broken.loc[:4, broken.columns[0]] = -1
    raw = settings.raw_data_dir / "broken.parquet"
    pipeline.write_parquet(broken, raw)
    with pytest.raises(DataValidationError):
        pipeline.validate_file(raw, settings, RUN_ID)
    assert not settings.processed_data_dir.exists()


def test_a_candidate_is_evaluated_only_on_the_table_it_was_fitted_on(
    settings: Settings, sample: pd.DataFrame
) -> None:
    table = pipeline.load_labelled_data(None, rows=settings.sample_rows, seed=3)
    version = pipeline.fit_candidate(table, settings)
    other = pipeline.load_labelled_data(None, rows=settings.sample_rows, seed=4)
    with pytest.raises(ProjectError, match="not trained on this table"):
        pipeline.evaluate_candidate(version, other, settings)


def test_a_rewritten_snapshot_is_never_seen_half_written(tmp_path: Path) -> None:
    path = tmp_path / "table.parquet"
    pipeline.write_parquet(pd.DataFrame({"a": [1, 2]}), path)
    pipeline.write_parquet(pd.DataFrame({"a": [3]}), path)
    assert pd.read_parquet(path)["a"].tolist() == [3]
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]
