import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import __version__, problem, tables
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings, load_settings
from {{ cookiecutter.package_name }}.errors import ModelNotFoundError
from {{ cookiecutter.package_name }}.store import open_store

runner = CliRunner()


@pytest.fixture(autouse=True)
def project_dir(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every command in the test's folder, where the `settings` fixture puts everything."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_SAMPLE_ROWS", str(settings.data.sample_rows))
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def current() -> str:
    return open_store(load_settings()).current()


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    commands = ["data", "train", "evaluate", "predict", "monitor", "retrain", "rollback", "info"]
    commands += ["settings"]
    for command in commands:
        assert command in result.output


def test_version() -> None:
    assert invoke("--version").output.strip() == __version__


def test_data_writes_the_sample_dataset(project_dir: Path) -> None:
    result = invoke("data", "--rows", "300", "--output", "data/raw/sample.csv")
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(project_dir / "data/raw/sample.csv")) == 300
    assert invoke("data", "--output", "sample.xlsx").exit_code == 2


def test_train_then_predict_then_info(project_dir: Path) -> None:
    trained = invoke("train")
    assert trained.exit_code == 0, trained.output
    assert "quality gate passed" in trained.output
    assert "promoted" in trained.output
    invoke("data", "--rows", "50", "--output", "new.parquet", "--seed", "9")
    scored = invoke("predict", "new.parquet", "scored.csv")
    assert scored.exit_code == 0, scored.output
    assert "scored 50 rows" in scored.output
    assert "prediction" in pd.read_csv(project_dir / "scored.csv").columns
    info = json.loads(invoke("info").output)
    assert info["version"] == current()
    assert info["problem_type"] == problem.PROBLEM_TYPE


@pytest.mark.usefixtures("trained")
def test_evaluate_writes_a_report_for_the_current_model(project_dir: Path) -> None:
    result = invoke("evaluate")
    assert result.exit_code == 0, result.output
    assert f"on the holdout of model {current()}" in result.output
    assert (project_dir / "reports" / f"{current()}-evaluation" / "metrics.json").is_file()


@pytest.mark.usefixtures("trained")
def test_evaluate_below_the_gate_exits_1_and_names_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_MIN_SCORE", "1.01")
    result = invoke("evaluate")
    assert result.exit_code == 1
    assert "quality gate FAILED" in result.output
    assert "training.min_score" in result.output


@pytest.mark.usefixtures("trained")
def test_train_below_the_gate_exits_1_and_keeps_the_current_model(project_dir: Path) -> None:
    before = current()
    result = invoke("train", "--min-score", "1.01", "--seed", "3")
    assert result.exit_code == 1
    assert "not promoted" in result.output
    assert current() == before


def test_errors_are_one_line_and_exit_1() -> None:
    result = invoke("predict", "missing.csv", "out.csv")
    assert result.exit_code == 1
    message = "error: no current model in 'models': train one first (the `train` command)"
    assert result.output.strip() == message


def test_verbose_lets_the_traceback_through() -> None:
    result = invoke("info", "--verbose")
    assert result.exit_code == 1
    assert isinstance(result.exception, ModelNotFoundError)


@pytest.mark.parametrize(
    "args",
    [
        ("predict", "in.csv", "out.txt"),
        ("data", "--rows", "0"),
        ("train", "--seed", "minus-one"),
        ("no-such-command",),
    ],
)
def test_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    assert invoke(*args).exit_code == 2


def test_invalid_setting_from_the_environment_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_TEST_SIZE", "2")
    result = invoke("train")
    assert result.exit_code == 2
    assert f"invalid settings: {ENV_PREFIX}TRAINING_TEST_SIZE" in result.output


def test_a_typo_in_a_variable_exits_2_naming_the_closest_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}MODELS_DRI", "/mnt/models")
    result = invoke("info")
    assert result.exit_code == 2
    assert f"did you mean {ENV_PREFIX}MODELS_DIR?" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_settings_prints_every_variable_with_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_SEED", "7")
    result = invoke("settings")
    assert result.exit_code == 0, result.output
    assert f"{ENV_PREFIX}TRAINING_SEED=7" in result.output.splitlines()
    assert f"{ENV_PREFIX}DATA_SOURCE=" in result.output.splitlines()
    values = json.loads(invoke("settings", "--json").output)
    assert values[f"{ENV_PREFIX}TRAINING_SEED"] == 7


@pytest.mark.usefixtures("trained")
def test_predict_writes_any_table_format(project_dir: Path) -> None:
    invoke("data", "--rows", "40", "--output", "new.jsonl", "--seed", "9")
    result = invoke("predict", "new.jsonl", "scored.parquet")
    assert result.exit_code == 0, result.output
    assert len(tables.read_table(project_dir / "scored.parquet")) == 40


@pytest.mark.usefixtures("trained")
def test_predict_says_it_neutralised_formulas_in_a_csv(project_dir: Path) -> None:
    invoke("data", "--rows", "3", "--output", "new.csv", "--seed", "9")
    rows = pd.read_csv(project_dir / "new.csv")
    rows["comment"] = ['=HYPERLINK("http://x")', "@SUM(A1)", "fine"]
    rows.to_csv(project_dir / "new.csv", index=False)
    result = invoke("predict", "new.csv", "scored.csv")
    assert result.exit_code == 0, result.output
    assert "prefixed 2 cell(s) of passed-through columns with '" in result.output
    assert list(pd.read_csv(project_dir / "scored.csv")["comment"])[1:] == ["'@SUM(A1)", "fine"]


def test_help_imports_no_heavy_library() -> None:
    """`--help` and `info` start fast: each command imports its workflow only when it runs."""
    code = (
        "import sys; from {{ cookiecutter.package_name }}.cli import app; "
        "heavy = {'pandas', 'sklearn', 'matplotlib', 'scipy', 'pyarrow'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == __version__


def test_malformed_json_hyperparameters_exit_2_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_HYPERPARAMETERS", '{"C": ')
    result = invoke("train")
    assert result.exit_code == 2
    assert f"{ENV_PREFIX}TRAINING_HYPERPARAMETERS: not valid JSON" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_refused_hyperparameter_value_exits_2_in_one_line(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_HYPERPARAMETERS", '{"no_such_parameter": 1}')
    result = invoke("train")
    assert result.exit_code == 2
    assert "is not a parameter of" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_tune_lists_parameters_then_tunes_what_train_uses(project_dir: Path) -> None:
    listed = invoke("tune", "--parameters")
    assert listed.exit_code == 0, listed.output
    assert "features__numeric__impute__strategy" in listed.output.split()
    result = invoke("tune", "--trials", "2", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "best cross-validated" in result.output
    assert (project_dir / "tuned.json").is_file()
    assert invoke("train").exit_code == 0
    tuned = json.loads((project_dir / "tuned.json").read_text(encoding="utf-8"))
    assert open_store(load_settings()).metadata()["hyperparameters"] == tuned["hyperparameters"]


@pytest.mark.usefixtures("trained")
@pytest.mark.parametrize(
    ("output", "said"),
    [
        ("a-folder.csv", "cannot write 'a-folder.csv': it is a folder"),
        ("input.csv", "'input.csv' is the input: its predictions would replace it"),
        ("./input.csv", "'./input.csv' is the input"),
        ("input.csv/scored.csv", "'input.csv' is a file, not a folder"),
    ],
)
def test_predict_refuses_an_output_that_cannot_be_a_new_file(
    project_dir: Path, output: str, said: str
) -> None:
    invoke("data", "--rows", "30", "--output", "input.csv")
    (project_dir / "a-folder.csv").mkdir()
    before = (project_dir / "input.csv").read_bytes()
    result = invoke("predict", "input.csv", output)
    assert result.exit_code == 1
    assert said in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (project_dir / "input.csv").read_bytes() == before
    assert not list((project_dir / "a-folder.csv").iterdir())


def command_under_a_file_size_limit(
    limit: int, settings: Settings, environment: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """The command line with `ulimit -f`: a write past `limit` bytes fails as a full disk would."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # No bytecode: under the limit, Python would write cut-short .pyc files into the environment
    # (it does not check the length it wrote), and every later import of those modules fails.
    models = {f"{ENV_PREFIX}MODELS_DIR": str(settings.models.dir)}
    return subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", *args],
        env={**environment, **models, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=limited,  # the child lowers its own limit before it starts
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.usefixtures("trained")
def test_a_full_disk_is_one_line_and_leaves_no_file(
    project_dir: Path, settings: Settings, isolated_environment: dict[str, str]
) -> None:
    invoke("data", "--rows", "2000", "--output", "input.csv")
    limit = (project_dir / "input.csv").stat().st_size // 2
    command = ("predict", "input.csv", "out.csv")
    result = command_under_a_file_size_limit(limit, settings, isolated_environment, *command)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: File too large"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert not [path.name for path in project_dir.iterdir() if "out.csv" in path.name]


@pytest.mark.usefixtures("trained")
def test_a_rollback_the_full_disk_cuts_short_changes_nothing_and_the_next_one_works(
    settings: Settings, isolated_environment: dict[str, str]
) -> None:
    first = current()
    assert invoke("train", "--seed", "3").exit_code == 0
    second = current()
    log = settings.models.dir / "events.jsonl"
    limit = log.stat().st_size + 40  # room for 40 bytes of the event's line
    result = command_under_a_file_size_limit(limit, settings, isolated_environment, "rollback")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "(is the disk full?)" in result.stderr or "File too large" in result.stderr
    assert "rolled back" not in result.stdout
    assert current() == second
    rolled = invoke("rollback")
    assert rolled.exit_code == 0, rolled.output
    assert current() == first
    assert open_store(settings).events()[-1].action == "rollback"
