"""The Airflow DAG, loaded and run by a real Airflow on a throwaway SQLite metadata database.

Run by `nox -s dag`, which installs Airflow. Airflow reads its configuration when it is first
imported, so the fixture sets the environment before importing it.
"""

from __future__ import annotations

import json
import os
{% if cookiecutter.batch_engine == "spark" -%}
import shutil
{% endif -%}
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import (
    ENV_PREFIX,
    TrainingSettings,
    load_settings,
)
{%- if cookiecutter.batch_engine == "spark" %}
from {{ cookiecutter.package_name }}.spark.settings import SparkSettings
{%- endif %}
from {{ cookiecutter.package_name }}.store import Event
from {{ cookiecutter.package_name }}.store.files import FileModelStore
from {{ cookiecutter.package_name }}.workflows.train import train

# Airflow's own dependencies warn about their dependencies: shown, not turned into errors.
pytestmark = [pytest.mark.dag, pytest.mark.filterwarnings("default")]

DAGS_FOLDER = Path(__file__).resolve().parents[2] / "dags"
DAG_ID = "{{ cookiecutter.package_name }}_training"
MONITORING_DAG_ID = "{{ cookiecutter.package_name }}_monitoring"
{%- if cookiecutter.batch_engine == "spark" %}
SCORING_DAG_ID = "{{ cookiecutter.package_name }}_scoring"
DAG_IDS = [DAG_ID, MONITORING_DAG_ID, SCORING_DAG_ID]
{%- else %}
DAG_IDS = [DAG_ID, MONITORING_DAG_ID]
{%- endif %}
TASKS = ["ingest", "validate", "train", "evaluate", "quality_gate", "promote"]


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("airflow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW_HOME", str(home))
        patch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
        patch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        patch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
        from airflow.utils import db

        db.initdb()
        yield home


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project's settings, as Airflow's workers read them: from the environment."""
    for name, value in {
        "DATA_DIR": tmp_path / "data",
        "MODELS_DIR": tmp_path / "models",
        "REPORTS_DIR": tmp_path / "reports",
        "DATA_SAMPLE_ROWS": 2_000,
    }.items():
        monkeypatch.setenv(f"{ENV_PREFIX}{name}", str(value))
    return tmp_path


def load_dag(airflow_home: Path, dag_id: str = DAG_ID) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    assert sorted(bag.dag_ids) == sorted(DAG_IDS)
    return bag.get_dag(dag_id)


def models(project: Path) -> FileModelStore:
    return FileModelStore(project / "models")


def retraining(project: Path) -> list[Event]:
    return [event for event in models(project).events() if event.action == "retrain"]


def run(dag: Any) -> dict[str, str]:
    """Run the DAG once in this process; the state of each task by id."""
    dag_run = dag.test()
    return {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}


def test_dag_loads_without_import_errors(airflow_home: Path) -> None:
    dag = load_dag(airflow_home)
    assert dag is not None, f"no DAG with id {DAG_ID} in {DAGS_FOLDER}"
    assert sorted(dag.task_ids) == sorted(TASKS)
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert "training" in dag.tags
    assert dag.doc_md
    assert all(task.retries == 2 for task in dag.tasks)
    assert dag.schedule == TrainingSettings().schedule
    order = [task.task_id for task in dag.topological_sort()]
    assert order.index("ingest") < order.index("train") < order.index("promote")


def test_a_run_trains_evaluates_and_promotes_a_model(airflow_home: Path, project: Path) -> None:
    states = run(load_dag(airflow_home))
    assert states == dict.fromkeys(TASKS, "success")
    current = models(project).current()
    assert models(project).versions() == [current]
    assert models(project).metadata()["quality_gate"]["passed"] is True
    assert (project / "reports" / current / "metrics.json").is_file()
    assert len(list((project / "data" / "raw").glob("*.parquet"))) == 1
    assert len(list((project / "data" / "processed").glob("*.parquet"))) == 1


def test_a_model_below_the_gate_is_kept_but_not_promoted(
    airflow_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dag = load_dag(airflow_home)
    run(dag)
    before = models(project).current()
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_MIN_SCORE", "1.01")
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_SEED", "1")
    states = run(dag)
    assert states["quality_gate"] == "success"
    assert states["promote"] == "skipped"
    assert models(project).current() == before
    candidate = models(project).versions()[-1]
    assert candidate != before
    assert models(project).metadata(candidate)["quality_gate"]["passed"] is False


def test_bad_source_data_fails_validation_at_once_and_trains_nothing(
    airflow_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = make_dataset(200, seed=3).iloc[:, 1:]  # the first column is missing
    source = project / "source.csv"
    pd.DataFrame(broken).to_csv(source, index=False)
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_SOURCE", str(source))
    states = run(load_dag(airflow_home))
    assert states["ingest"] == "success"
    assert states["validate"] == "failed"  # no retries: bad data does not fix itself
    assert states["train"] == "upstream_failed"
    assert models(project).versions() == []
    assert os.environ[f"{ENV_PREFIX}DATA_SOURCE"] == str(source)


def test_the_source_table_comes_from_the_airflow_connection(
    airflow_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database of `table:NAME` is the Airflow connection when the project names none."""
    from {{ cookiecutter.package_name }} import tables
    from {{ cookiecutter.package_name }}.orchestration.airflow_dag import CONNECTION_ID

    warehouse = project / "warehouse.duckdb"
    url = f"duckdb:///{warehouse}"
    customers = tables.locate("table:customers", load_settings(**{"data.database_url": url}).data)
    tables.write_table(make_dataset(1_500, seed=4), customers)
    connection = json.dumps({"conn_type": "duckdb", "schema": str(warehouse)})
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONNECTION_ID.upper()}", connection)
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_SOURCE", "table:customers")
    assert run(load_dag(airflow_home)) == dict.fromkeys(TASKS, "success")
    [snapshot] = (project / "data" / "raw").glob("*.parquet")
    assert len(pd.read_parquet(snapshot)) == 1_500


def test_an_airflow_connection_becomes_a_sqlalchemy_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from {{ cookiecutter.package_name }}.errors import DataError
    from {{ cookiecutter.package_name }}.orchestration.airflow_dag import connection_url

    postgres = "postgres://ada:p%40ss@db.internal:5432/analytics"
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", postgres)
    expected = "postgresql+psycopg://ada:p%40ss@db.internal:5432/analytics"
    assert connection_url("warehouse") == expected
    assert connection_url("no_such_connection") is None
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", "teradata://ada:s3cret@host/db")
    with pytest.raises(DataError, match=r"of type 'teradata'.*sqlalchemy_scheme") as refused:
        connection_url("warehouse")
    assert "s3cret" not in str(refused.value)


def test_monitoring_retrains_only_when_the_data_drifts(
    airflow_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train(load_settings())  # the project fixture's environment
    champion = models(project).current()
    stable = project / "stable.parquet"
    make_dataset(1_000, seed=1).to_parquet(stable)
    make_dataset(2_000, seed=2, drift=0.5).to_parquet(project / "drifted.parquet")
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_SOURCE", str(project / "drifted.parquet"))
    dag = load_dag(airflow_home, MONITORING_DAG_ID)

    monkeypatch.setenv(f"{ENV_PREFIX}MONITORING_DATA", str(stable))
    states = run(dag)
    assert states == {"detect_drift": "success", "drift_found": "success", "retrain": "skipped"}
    assert retraining(project) == []

    monkeypatch.setenv(f"{ENV_PREFIX}MONITORING_DATA", str(project / "drifted.parquet"))
    assert run(dag)["retrain"] == "success"
    [decision] = retraining(project)
    assert decision.details["champion"] == champion
    assert decision.current == models(project).current()
    assert len(list((project / "reports" / "monitoring").glob("*/drift.html"))) == 2
{%- if cookiecutter.batch_engine == "spark" %}


def test_scoring_runs_the_spark_job_with_the_current_model(
    airflow_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("java") is None and not os.environ.get("CI"):
        pytest.skip("the scoring task starts Spark, which needs Java 17 or 21")
    outcome = train(load_settings())
    customers = project / "customers.parquet"  # timestamps in microseconds, which Spark reads
    make_dataset(3_000, seed=3).to_parquet(customers, coerce_timestamps="us")
    monkeypatch.setenv(f"{ENV_PREFIX}SPARK_MASTER", "local[2]")
    monkeypatch.setenv(f"{ENV_PREFIX}SPARK_SOURCE", str(project / "customers.parquet"))
    monkeypatch.setenv(f"{ENV_PREFIX}SPARK_DESTINATION", str(project / "scored"))
    dag = load_dag(airflow_home, SCORING_DAG_ID)
    assert dag.schedule == SparkSettings().schedule
    assert run(dag) == {"score_batch": "success"}
    scored = pd.read_parquet(project / "scored")
    assert len(scored) == 3_000
    assert scored.columns[-1] in ("prediction", "probability")
    marker = json.loads((project / "scored" / "_scoring.json").read_text())
    assert marker["model_version"] == outcome.version


def test_scoring_without_a_source_fails_at_once_naming_the_setting(
    airflow_home: Path, project: Path
) -> None:
    dag = load_dag(airflow_home, SCORING_DAG_ID)
    assert run(dag) == {"score_batch": "failed"}  # no retries: a missing setting stays missing
    assert not (project / "scored").exists()
{%- endif %}
{%- if cookiecutter.tracking == "mlflow" %}


def test_with_mlflow_the_tasks_register_the_model_and_move_the_alias(
    airflow_home: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each task is a process of its own on a worker: the model is registered by `train`, its
    evaluation lands on the run that trained it, and `promote` moves the alias."""
    from mlflow import MlflowClient

    from {{ cookiecutter.package_name }} import problem
    from {{ cookiecutter.package_name }}.config import load_settings
    from {{ cookiecutter.package_name }}.store import open_store
    from {{ cookiecutter.package_name }}.tracking.mlflow_runs import tracking_uri

    monkeypatch.setenv(f"{ENV_PREFIX}TRACKING_BACKEND", "mlflow")
    monkeypatch.setenv(f"{ENV_PREFIX}TRACKING_DIR", str(project / "mlruns"))
    assert run(load_dag(airflow_home)) == dict.fromkeys(TASKS, "success")
    settings = load_settings()
    store = open_store(settings)
    assert store.current() == "1"
    assert store.metadata("1")["quality_gate"]["passed"] is True
    assert not (project / "models" / "CURRENT").exists()
    uri = tracking_uri(settings.tracking)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run_id = client.get_model_version(settings.tracking.model_name, "1").run_id
    assert run_id is not None
    assert problem.PRIMARY_METRIC in client.get_run(run_id).data.metrics
{%- endif %}
