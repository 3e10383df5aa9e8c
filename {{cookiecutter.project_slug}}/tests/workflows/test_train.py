"""The training workflow's steps as orchestrators run them: each hands the next a location or a
model version; and `train`, which runs them in memory."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import problem, tables
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import (
    DataValidationError,
    ModelNotFoundError,
    ProjectError,
    SettingsError,
)
from {{ cookiecutter.package_name }}.fs.atomic import filesystem
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import ModelStore
from {{ cookiecutter.package_name }}.workflows import train

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
    assert train.run_file_name(run_id) == name


def test_steps_hand_over_locations_and_versions_and_promote(
    settings: Settings, store: ModelStore
) -> None:
    raw = train.ingest(settings, RUN_ID)
    assert raw.startswith(settings.data.raw_dir)
    validated = train.validate_snapshot(settings, raw, RUN_ID)
    assert validated.startswith(settings.data.processed_dir)
    data = train.labelled_data(settings, validated)
    assert len(data.table) == settings.data.sample_rows

    version = train.fit_candidate(settings, data)
    with pytest.raises(ModelNotFoundError, match="no current model"):
        store.current()  # saved, not promoted
    with pytest.raises(ModelNotFoundError, match="evaluate it before promoting"):
        train.promote_if_passed(settings, version)

    outcome = train.evaluate_candidate(settings, version, data)
    assert store.metadata(version)["metrics"] == outcome.metrics
    assert store.metadata(version)["training_data"]["location"] == validated
    assert train.promote_if_passed(settings, version) is True
    assert store.current() == version


def test_the_steps_give_the_metrics_of_train(settings: Settings) -> None:
    in_memory = train.train(settings)
    data = train.labelled_data(settings)
    version = train.fit_candidate(settings, data)
    stepwise = train.evaluate_candidate(settings, version, data).metrics
    assert stepwise == pytest.approx(in_memory.metrics)


def test_ingest_reads_the_source_data_setting(settings: Settings, sample: pd.DataFrame) -> None:
    source = tables.write_table(sample.head(300), tables.join(settings.data.dir, "extract.csv"))
    raw = train.ingest(settings.with_overrides(**{"data.source": source}), RUN_ID)
    assert len(tables.read_table(raw)) == 300


def test_the_data_may_live_at_a_uri(settings: Settings, sample: pd.DataFrame) -> None:
    remote = settings.with_overrides(**{"data.dir": f"memory://{id(settings)}/data"})
    raw = train.ingest(remote, RUN_ID)
    validated = train.validate_snapshot(remote, raw, RUN_ID)
    assert validated.startswith("memory://")
    assert len(train.read_validated(validated)) == remote.data.sample_rows


def test_invalid_data_stops_at_validation_and_writes_nothing(
    settings: Settings, sample: pd.DataFrame
) -> None:
    broken = sample.head(300).drop(columns=SCHEMA.names[0])
    raw = tables.write_table(broken, tables.join(settings.data.raw_dir, "broken.parquet"))
    with pytest.raises(DataValidationError):
        train.validate_snapshot(settings, raw, RUN_ID)
    fs, processed = filesystem(settings.data.processed_dir)
    assert not fs.exists(processed)


def test_rows_without_a_target_are_left_out_and_counted(
    settings: Settings, sample: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    table = sample.head(300).copy()
    table[SCHEMA.target.name] = table[SCHEMA.target.name].astype(object)
    table.loc[[3, 50, 299], SCHEMA.target.name] = None
    raw = tables.write_table(table, tables.join(settings.data.raw_dir, "unlabelled.parquet"))
    data = train.labelled_data(settings, raw)
    assert len(data.table) == 297
    assert data.table[SCHEMA.target.name].notna().all()
    assert data.left_out.startswith("left out 3 row(s) of ")
    processed = train.validate_snapshot(settings, raw, RUN_ID)  # an orchestrator's task
    assert len(train.read_validated(processed)) == 297
    assert "left out 3 row(s)" in caplog.text
    refusing = settings.with_overrides(**{"training.unlabelled": "refuse"})
    with pytest.raises(DataValidationError, match="is missing in 3 row"):
        train.labelled_data(refusing, raw)


def test_a_candidate_is_evaluated_only_on_the_table_it_was_fitted_on(settings: Settings) -> None:
    data = train.labelled_data(settings)
    version = train.fit_candidate(settings, data)
    other = train.labelled_data(settings.with_overrides(**{"training.seed": 4}))
    with pytest.raises(ProjectError, match="not trained on this table"):
        train.evaluate_candidate(settings, version, other)


def test_hyperparameters_are_applied_and_recorded(settings: Settings, store: ModelStore) -> None:
    estimator = problem.ESTIMATORS[settings.training.family](0)
    name = next(iter(estimator.get_params(deep=False)))
    value = estimator.get_params()[name]
    tuned = settings.with_overrides(**{"training.hyperparameters": {name: value}})
    outcome = train.train(tuned)
    metadata = store.metadata(outcome.version)
    assert metadata["hyperparameters"] == {name: value}
    assert metadata["family"] == settings.training.family


def test_a_bad_hyperparameter_trains_nothing(settings: Settings, store: ModelStore) -> None:
    bad = settings.with_overrides(**{"training.hyperparameters": {"no_such_parameter": 1}})
    with pytest.raises(SettingsError, match="no_such_parameter"):
        train.train(bad)
    assert store.versions() == []
