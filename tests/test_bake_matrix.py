"""Every value of every option, and every pair of values of two options, bakes a clean project."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import (
    INTENTIONALLY_EMPTY,
    UNRENDERED_JINJA,
    bake,
    choice_options,
    clean_env,
    combination_id,
    explain,
    load_hook,
    matrix_combinations,
    pairwise_combinations,
    project_files,
    python_available,
    read_pyproject,
    run_in,
)

COMBINATIONS = matrix_combinations()
Baked = tuple[dict[str, str], Path]  # the answers, and the project baked from them

ALWAYS_BAKED = (
    "pyproject.toml",
    "noxfile.py",
    ".pre-commit-config.yaml",
    ".editorconfig",
    ".gitignore",
    ".gitattributes",
    ".python-version",
    ".cookiecutter.json",
    "README.md",
    "CONTRIBUTING.md",
    "docs/conf.py",
    "docs/index.md",
    "docs/getting-started.md",
    "docs/operations.md",
    "docs/troubleshooting.md",
    "src/churn_forecast/reference.py",
    "tests/test_reference.py",
    "tests/docs/test_site.py",
    "CHANGELOG.md",
    "LICENSE",
    "src/churn_forecast/__init__.py",
    "src/churn_forecast/config.py",
    "src/churn_forecast/schema.py",
    "src/churn_forecast/problem.py",
    "src/churn_forecast/modeling/__init__.py",
    "src/churn_forecast/modeling/contract.py",
    "src/churn_forecast/modeling/predictors.py",
    "src/churn_forecast/modeling/loading.py",
    "src/churn_forecast/columns/__init__.py",
    "src/churn_forecast/store/current.py",
    "src/churn_forecast/cli/common.py",
    "src/churn_forecast/fs/__init__.py",
    "src/churn_forecast/fs/atomic.py",
    "src/churn_forecast/tables/__init__.py",
    "src/churn_forecast/columns/sample.py",
    "src/churn_forecast/columns/validation.py",
    "src/churn_forecast/features.py",
    "src/churn_forecast/modeling/training.py",
    "src/churn_forecast/modeling/evaluation.py",
    "src/churn_forecast/modeling/scoring.py",
    "src/churn_forecast/store/__init__.py",
    "src/churn_forecast/store/files.py",
    "src/churn_forecast/store/libraries.py",
    "src/churn_forecast/monitoring/profile.py",
    "src/churn_forecast/monitoring/drift.py",
    "src/churn_forecast/monitoring/report.py",
    "src/churn_forecast/workflows/train.py",
    "src/churn_forecast/workflows/evaluate.py",
    "src/churn_forecast/workflows/predict.py",
    "src/churn_forecast/workflows/monitor.py",
    "src/churn_forecast/workflows/retrain.py",
    "src/churn_forecast/workflows/rollback.py",
    "src/churn_forecast/workflows/data.py",
    "src/churn_forecast/workflows/info.py",
    "src/churn_forecast/cli/__init__.py",
    "src/churn_forecast/__main__.py",
    "src/churn_forecast/py.typed",
    "tests/conftest.py",
    "tests/test_config.py",
    "tests/test_problem.py",
    "tests/store/test_files.py",
    "tests/workflows/test_train.py",
    "notebooks/01-eda.ipynb",
    "notebooks/01-eda.py",
    ".vscode/settings.json",
    ".vscode/launch.json",
    "benchmarks/bench_batch_predict.py",
    "benchmarks/bench_schema_infer.py",
    "benchmarks/drift_power.py",
    "data/raw/.gitkeep",
    "models/.gitkeep",
)
CI_FILES = {"github": {".github/workflows/ci.yml"}, "gitlab": {".gitlab-ci.yml"}, "none": set()}
API_FILES = {
    "flask": {
        "src/churn_forecast/api/app.py",
        "src/churn_forecast/api/routes.py",
        "src/churn_forecast/api/wsgi.py",
        "src/churn_forecast/api/settings.py",
        "gunicorn.conf.py",
        "Dockerfile",
        ".dockerignore",
        "tests/api/test_app.py",
        "tests/api/test_gunicorn.py",
        "benchmarks/bench_api.py",
        "benchmarks/bench_cold_start.py",
        "benchmarks/bare_app.py",
        "benchmarks/peer_fastapi.py",
        "benchmarks/peer_mlflow.py",
        "tests/api/conftest.py",
        "tests/api/test_hostile.py",
        "docs/serving.md",
    },
    "none": set(),
}
BUNDLE_FILES = {"deploy/bundle.py", "tests/test_bundle.py"}  # any target that uploads a folder
SERVERLESS_FILES = {
    "aws-lambda": {"src/churn_forecast/api/lambda_handler.py", "tests/api/test_lambda.py"},
    "gcp-functions": {
        "src/churn_forecast/api/gcp_function.py",
        "tests/api/test_gcp_function.py",
        "deploy/gcp-functions/main.py",
    },
    "azure-functions": {
        "src/churn_forecast/api/azure_function.py",
        "tests/api/test_azure_function.py",
        "deploy/azure-functions/function_app.py",
        "deploy/azure-functions/host.json",
        "deploy/azure-functions/.funcignore",
    },
    "none": set(),
}
MANAGED_ENDPOINT_FILES = {
    "azure-ml": {
        "src/churn_forecast/api/azureml_score.py",
        "tests/api/test_azureml.py",
        "deploy/azureml/score.py",
    },
    "none": set(),
}
UI_FILES = {
    "streamlit": {
        "src/churn_forecast/ui/app.py",
        "src/churn_forecast/ui/settings.py",
        "tests/ui/test_app.py",
        ".streamlit/config.toml",
        "benchmarks/bench_ui_memory.py",
        "docs/app.md",
    },
    "none": set(),
}

BATCH_ENGINE_FILES = {
    "spark": {
        "src/churn_forecast/spark/jobs.py",
        "src/churn_forecast/workflows/spark.py",
        "src/churn_forecast/spark/settings.py",
        "src/churn_forecast/cli/spark.py",
        "tests/spark/test_scoring.py",
        "deploy/spark/submit.py",
        "deploy/databricks/databricks.yml",
        "benchmarks/bench_spark.py",
        "docs/spark.md",
    },
    "pandas": set(),
}
TRACKING_FILES = {
    "mlflow": {
        "src/churn_forecast/tracking/mlflow_runs.py",
        "src/churn_forecast/tracking/settings.py",
        "src/churn_forecast/store/mlflow_registry.py",
        "tests/tracking/conftest.py",
        "tests/tracking/test_runs.py",
        "benchmarks/bench_tracking.py",
        "docs/mlflow.md",
    },
    "none": set(),
}
ORCHESTRATOR_FILES = {
    "airflow": {
        "src/churn_forecast/orchestration/__init__.py",
        "src/churn_forecast/orchestration/airflow_dag.py",
        "dags/churn_forecast_dags.py",
        "tests/orchestration/test_airflow_dag.py",
    },
    "dagster": {
        "src/churn_forecast/orchestration/__init__.py",
        "src/churn_forecast/orchestration/dagster_defs.py",
        "tests/orchestration/test_dagster_defs.py",
    },
    "cron": {
        "deploy/cron/crontab",
        "deploy/cron/run-scheduled",
        "deploy/cron/churn-forecast-training.service",
        "deploy/cron/churn-forecast-training.timer",
        "deploy/cron/churn-forecast-monitoring.service",
        "deploy/cron/churn-forecast-monitoring.timer",
        "tests/deploy/test_cron.py",
    },
    "none": set(),
}


def assert_only_chosen(files: set[str], table: dict[str, set[str]], chosen: str) -> None:
    unchosen = set().union(*table.values()) - table[chosen]
    assert table[chosen] <= files, f"missing: {sorted(table[chosen] - files)}"
    assert not unchosen & files, f"files of unchosen options: {sorted(unchosen & files)}"


LICENSE_MARKERS = {
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Apache-2.0": "Apache License",
    "Proprietary": "All rights reserved.",
}
LICENSE_EXPRESSIONS = {"Proprietary": "LicenseRef-Proprietary"}
PROBLEM_MARKERS = {
    "classification": ('PROBLEM_TYPE = "classification"', "roc_auc"),
    "regression": ('PROBLEM_TYPE = "regression"', "r2"),
}


def test_pairwise_set_covers_every_pair_of_option_values() -> None:
    options = choice_options()
    names = list(options)
    pairwise = pairwise_combinations()
    seen = {(a, combo[a], b, combo[b]) for combo in pairwise for a in names for b in names if a < b}
    refused = load_hook("pre_gen_project").check_combinations
    expected = {
        (a, va, b, vb)
        for a in names
        for b in names
        if a < b
        for va in options[a]
        for vb in options[b]
        if not refused({a: va, b: vb})
    }
    assert expected <= seen, f"pairs never baked: {sorted(expected - seen)}"


@pytest.fixture(scope="module", params=COMBINATIONS, ids=combination_id)
def baked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Baked:
    """One bake per combination, shared by the tests that read it (none changes its files; the CI
    check adds a .git folder, which the file checks skip)."""
    return request.param, bake(tmp_path_factory.mktemp("baked"), **request.param)


def test_expected_files_exist_and_unchosen_ones_do_not(baked: Baked) -> None:
    answers, project = baked
    files = {path.relative_to(project).as_posix() for path in project_files(project)}
    missing = set(ALWAYS_BAKED) - files
    assert not missing, f"missing files: {sorted(missing)}"
    assert_only_chosen(files, CI_FILES, answers["ci_provider"])
    assert_only_chosen(files, API_FILES, answers["api"])
    assert_only_chosen(files, SERVERLESS_FILES, answers["serverless"])
    assert_only_chosen(files, MANAGED_ENDPOINT_FILES, answers["managed_endpoint"])
    assert_only_chosen(files, UI_FILES, answers["ui"])
    bundled = {answers["serverless"], answers["managed_endpoint"]} & {
        "gcp-functions", "azure-functions", "azure-ml"
    }  # fmt: skip
    assert (files >= BUNDLE_FILES) == bool(bundled)
    assert not (BUNDLE_FILES & files) or bundled
    assert_only_chosen(files, ORCHESTRATOR_FILES, answers["orchestrator"])
    assert_only_chosen(files, BATCH_ENGINE_FILES, answers["batch_engine"])
    assert_only_chosen(files, TRACKING_FILES, answers["tracking"])
    assert "src/churn_forecast/tracking/__init__.py" in files  # the seam: every project logs to it
    scoring_units = {path for path in files if path.startswith("deploy/cron/churn-forecast-scor")}
    cron_with_spark = answers["orchestrator"] == "cron" and answers["batch_engine"] == "spark"
    assert len(scoring_units) == (2 if cron_with_spark else 0), sorted(scoring_units)
    if answers["api"] == "none":
        assert not (project / "src/churn_forecast/api").exists()
    assert not (project / "_variants").exists()
    if answers["ci_provider"] != "github":
        assert not (project / ".github").exists()


def test_the_readme_is_short_and_every_link_in_it_and_the_docs_resolves(baked: Baked) -> None:
    """The README gets a person from clone to green and to the site (issue 26); the site's pages
    of unchosen options are gone, and nothing links to them."""
    answers, project = baked
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.count("\n") <= 150, f"README.md has {readme.count(chr(10))} lines (150 at most)"
    scheduled = answers["orchestrator"] != "none"
    assert (project / "docs" / "scheduling.md").is_file() == scheduled
    pages = [project / "README.md", *sorted((project / "docs").glob("*.md"))]
    for page in pages:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if target.startswith("generated/") or "/generated/" in target:
                continue  # written when the site is built (reference.py)
            assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"


def test_no_unrendered_jinja_and_no_empty_files(baked: Baked) -> None:
    _, project = baked
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        assert not UNRENDERED_JINJA.search(relative), f"unrendered name: {relative}"
        text = path.read_text(encoding="utf-8")
        match = UNRENDERED_JINJA.search(text)
        assert not match, (
            f"unrendered Jinja in {relative}: {text[match.start() : match.start() + 60]!r}"
        )
        if path.name not in INTENTIONALLY_EMPTY:
            assert text.strip(), f"{relative} is empty"
    empty = [
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_dir() and ".git" not in path.parts and not any(path.iterdir())
    ]
    assert not empty, f"empty folders left by unchosen options: {empty}"


def test_answers_reach_the_project_metadata(baked: Baked) -> None:
    answers, project = baked
    metadata = read_pyproject(project)["project"]
    license_name = answers["license"]
    assert metadata["license"] == LICENSE_EXPRESSIONS.get(license_name, license_name)
    assert LICENSE_MARKERS[license_name] in (project / "LICENSE").read_text(encoding="utf-8")
    assert metadata["requires-python"] == f">={answers['python_version']}"
    assert (project / ".python-version").read_text().strip() == answers["python_version"]
    target = read_pyproject(project)["tool"]["ruff"]["target-version"]
    assert target == "py" + answers["python_version"].replace(".", "")
    problem = (project / "src/churn_forecast/problem.py").read_text(encoding="utf-8")
    chosen, metric = PROBLEM_MARKERS[answers["problem_type"]]
    assert chosen in problem
    assert f'PRIMARY_METRIC = "{metric}"' in problem


@pytest.mark.once
def test_ruff_finds_nothing_to_fix(baked: Baked) -> None:
    _, project = baked
    for command in (("ruff", "check", "."), ("ruff", "format", "--check", ".")):
        result = run_in(project, sys.executable, "-m", *command, "--no-cache")
        assert result.returncode == 0, explain(result)


@pytest.mark.once
def test_import_contracts_hold(baked: Baked) -> None:
    """The package's layers (pyproject.toml's [tool.importlinter]) hold in every combination."""
    _, project = baked
    result = lint_imports(project)
    assert result.returncode == 0, explain(result)
    assert "0 broken" in result.stdout


@pytest.mark.once
@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        # the modelling steps reach up into a workflow
        (
            "modeling/training.py",
            "from churn_forecast.workflows.info import model_info",
            "Adapters over",
        ),
        # the core learns of the command line's library
        ("store/files.py", "import typer", "knows nothing"),
        # one adapter imports another
        ("ui/main.py", "from churn_forecast.api.app import create_app", "Adapters over"),
    ],
    ids=["upward", "core-imports-typer", "adapter-imports-adapter"],
)
def test_import_contracts_refuse_a_planted_import(
    output_dir: Path, module: str, planted: str, broken: str
) -> None:
    project = bake(output_dir, api="flask", ui="streamlit")
    path = project / "src" / "churn_forecast" / module
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first_import = next(i for i, line in enumerate(lines) if line.startswith(("from ", "import ")))
    lines.insert(first_import, planted + "  # planted\n")
    path.write_text("".join(lines), encoding="utf-8")
    result = lint_imports(project)
    assert result.returncode != 0, explain(result)
    assert "1 broken" in result.stdout
    broken_section = result.stdout.split("Broken contracts")[-1]
    assert broken in broken_section, result.stdout
    assert f"churn_forecast.{module[:-3].replace('/', '.')} ->" in broken_section


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """import-linter, as the project's pre-commit hook runs it, on the baked source (not installed:
    the package is found on PYTHONPATH, which the graph builder only reads, never imports)."""
    command = (str(Path(sys.executable).with_name("lint-imports")), "--no-cache")
    env = clean_env(PYTHONPATH=str(project / "src"))
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.once
def test_package_imports_on_the_chosen_python(baked: Baked, tmp_path: Path) -> None:
    answers, baked_project = baked
    project = Path(shutil.copytree(baked_project, tmp_path / baked_project.name))  # uv writes
    version = answers["python_version"]
    if not python_available(version):
        pytest.skip(f"Python {version} is not installed on this machine")
    result = run_in(
        project,
        *("uv", "run", "--no-dev", "--python", version),
        *(
            "python",
            "-c",
            "import sys, churn_forecast; print(sys.version, churn_forecast.__version__)",
        ),
    )
    assert result.returncode == 0, explain(result)
    assert result.stdout.startswith(version), result.stdout
    assert result.stdout.split()[-1] == "0.1.0"


CI_VALIDATORS = {
    "github": ("actionlint", "-no-color", ".github/workflows/ci.yml"),
    "gitlab": ("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"),
}


@pytest.mark.once
def test_dockerfile_passes_hadolint(baked: Baked) -> None:
    answers, project = baked
    if answers["api"] == "none":
        assert not (project / "Dockerfile").exists()
        return
    result = run_in(project, "hadolint", "--no-color", "Dockerfile")
    assert result.returncode == 0, explain(result)


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.once
@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_units_pass_systemd_analyze_verify(output_dir: Path) -> None:
    project = bake(output_dir, orchestrator="cron", api="none", batch_engine="spark")
    deploy = project / "deploy/cron"
    units = [str(path) for path in (*deploy.glob("*.service"), *deploy.glob("*.timer"))]
    assert len(units) == 6, units  # training, monitoring and (with Spark) scoring
    result = run_in(project, SYSTEMD_ANALYZE or "", "verify", *units)
    # verify exits 0 on keys it does not know; any message at all is a defect here.
    assert result.returncode == 0, explain(result)
    assert result.stdout + result.stderr == "", explain(result)


@pytest.mark.once
@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify_rejects_a_broken_unit(output_dir: Path) -> None:
    """Guards the check above: a typo in a unit must produce a message."""
    project = bake(output_dir, orchestrator="cron", api="none")
    service = project / "deploy/cron/churn-forecast-training.service"
    service.write_text(service.read_text().replace("Type=oneshot", "Type=oneshoot"))
    result = run_in(project, SYSTEMD_ANALYZE or "", "verify", str(service))
    assert "oneshoot" in result.stdout + result.stderr


def validate_ci(project: Path, provider: str) -> subprocess.CompletedProcess[str]:
    if provider == "github":  # actionlint looks for the repository root
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    return run_in(project, *CI_VALIDATORS[provider])


@pytest.mark.once
def test_ci_configuration_is_valid(baked: Baked) -> None:
    answers, project = baked
    provider = answers["ci_provider"]
    if provider == "none":
        assert not (project / ".github").exists()
        assert not (project / ".gitlab-ci.yml").exists()
        return
    result = validate_ci(project, provider)
    assert result.returncode == 0, explain(result)


@pytest.mark.once
@pytest.mark.parametrize(
    ("provider", "path", "broken_line"),
    [
        ("github", ".github/workflows/ci.yml", "      - run: echo ${{ matrix.nonexistent }}\n"),
        ("gitlab", ".gitlab-ci.yml", "broken-job:\n  script: 42\n"),
    ],
)
def test_ci_validators_reject_a_broken_configuration(
    output_dir: Path, provider: str, path: str, broken_line: str
) -> None:
    """Guards the check above: a validator that passes everything would prove nothing."""
    project = bake(output_dir, ci_provider=provider)
    with (project / path).open("a", encoding="utf-8") as config:
        config.write(broken_line)
    assert validate_ci(project, provider).returncode != 0


@pytest.mark.once
@pytest.mark.parametrize(
    ("problem_type", "orchestrator", "serverless"),
    [
        ("classification", "airflow", "aws-lambda"),
        ("regression", "dagster", "gcp-functions"),
        ("classification", "cron", "azure-functions"),
        ("regression", "airflow", "none"),  # with MLflow, which no bundled target combines with
    ],
)
def test_longest_allowed_names_still_pass_ruff(
    output_dir: Path, problem_type: str, orchestrator: str, serverless: str
) -> None:
    """Names are pasted into imports and docstrings: the longest must still fit the line limit."""
    longest = "a" * 40
    bundled = serverless != "none"
    project = bake(
        output_dir,
        project_slug=longest,
        package_name=longest,
        problem_type=problem_type,
        orchestrator=orchestrator,
        serverless=serverless,
        managed_endpoint="azure-ml" if bundled else "none",
        tracking="none" if bundled else "mlflow",
        ui="streamlit",
        batch_engine="spark",
    )
    for command in (("ruff", "check", "."), ("ruff", "format", "--check", ".")):
        result = run_in(project, sys.executable, "-m", *command)
        assert result.returncode == 0, explain(result)


def test_ci_runs_every_default_nox_session_sql_and_the_audit(baked: Baked) -> None:
    answers, project = baked
    noxfile = (project / "noxfile.py").read_text()
    defaults = re.search(r"nox\.options\.sessions = (\[.*?\])", noxfile, re.DOTALL)
    assert defaults, "noxfile.py sets no default sessions"
    sessions = ast.literal_eval(defaults.group(1))
    # CI only: sql needs PostgreSQL's binaries (CI installs them), the audit PyPI's advisories.
    ci = [*sessions, "sql", "audit"]
    assert "def sql(session" in noxfile
    if answers["ci_provider"] == "github":
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
        assert workflow["jobs"]["nox"]["strategy"]["matrix"]["session"] == ci
    elif answers["ci_provider"] == "gitlab":
        pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
        assert pipeline["nox"]["parallel"]["matrix"] == [{"SESSION": ci}]
    assert sessions[:4] == ["lint", "typecheck", "tests", "notebooks"]
    assert ("serve" in sessions) == (answers["api"] == "flask")
    assert ("image" in sessions) == (answers["api"] == "flask")
    assert ("dag" in sessions) == (answers["orchestrator"] != "none")
    assert ("ui" in sessions) == (answers["ui"] == "streamlit")
    assert ("spark" in sessions) == (answers["batch_engine"] == "spark")
    assert ("mlflow" in sessions) == (answers["tracking"] == "mlflow")
