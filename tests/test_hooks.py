"""The hooks' rules and removals, called directly (the bake tests cover them end to end)."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import jinja2
import pytest
from cookiecutter.main import cookiecutter
from helpers import TEMPLATE, bake, choice_options, load_hook

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

GOOD_ANSWERS = {
    "project_name": "Churn Forecast",
    "project_slug": "churn-forecast",
    "package_name": "churn_forecast",
    "description": "Predict churn.",
    "author_name": "Ada Lovelace",
    "email": "ada@example.com",
    "version": "0.1.0",
    "problem_type": "classification",
    "api": "flask",
    "serverless": "none",
    "managed_endpoint": "none",
    "ui": "none",
    "batch_engine": "pandas",
    "tracking": "none",
    "orchestrator": "none",
    "python_version": "3.12",
    "license": "MIT",
    "ci_provider": "github",
}


def test_good_answers_have_no_problems() -> None:
    assert pre_gen.find_problems(GOOD_ANSWERS) == []


def test_hook_choices_match_cookiecutter_json() -> None:
    assert {name: set(values) for name, values in pre_gen.CHOICES.items()} == {
        name: set(values) for name, values in choice_options().items()
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("python_version", "3.9"), ("license", "GPL-3.0"), ("ci_provider", "jenkins")],
)
def test_value_outside_the_choices_is_refused(field: str, value: str) -> None:
    (problem,) = pre_gen.find_problems({**GOOD_ANSWERS, field: value})
    assert problem.field == field
    assert "must be one of" in problem.rule


@pytest.mark.parametrize(
    ("slug", "suggestion"),
    [
        ("2027-forecast", "forecast"),
        ("My_Project", "my-project"),
        ("Ñandú--Forecast", "nandu-forecast"),
        ("---", "my-project"),
    ],
)
def test_slug_suggestion_is_itself_valid(slug: str, suggestion: str) -> None:
    assert pre_gen.suggest_slug(slug) == suggestion
    assert pre_gen.SLUG_PATTERN.match(suggestion)


def test_valid_pep440_versions_are_accepted() -> None:
    for version in (
        "0.1.0",
        "1.0.0rc1",
        "2024.11",
        "1.0.post1",
        "1.0.dev3",
        "1!2.0",
        "1.0+local.7",
    ):
        assert pre_gen.check_version({"version": version}) == [], version


SERVERLESS_NEEDS_API = pre_gen.Requirement(
    option="serverless", value="aws-lambda", needs="api", allowed=("flask",)
)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("serverless", "aws-lambda"),
        ("serverless", "gcp-functions"),
        ("serverless", "azure-functions"),
        ("managed_endpoint", "azure-ml"),
    ],
)
def test_a_deployment_target_without_the_api_is_refused(option: str, value: str) -> None:
    answers = {**GOOD_ANSWERS, "api": "none", option: value}
    (problem,) = pre_gen.find_problems(answers)
    assert str(problem) == (
        f"{option}={value!r}: needs api to be flask, but api='none'."
        f" Try: api=flask, or choose another {option}"
    )


@pytest.mark.parametrize(
    ("target", "value"),
    [
        ("serverless", "aws-lambda"),
        ("serverless", "gcp-functions"),
        ("managed_endpoint", "azure-ml"),
    ],
)
def test_mlflow_tracking_with_a_bundled_deployment_is_refused_saying_why(
    target: str, value: str
) -> None:
    answers = {**GOOD_ANSWERS, "tracking": "mlflow", target: value}
    (problem,) = pre_gen.find_problems(answers)
    assert str(problem) == (
        f"tracking='mlflow': needs {target} to be none, but {target}={value!r} (its deployment"
        f" bundle ships a models folder, not a model registry). Try: {target}=none, or choose"
        " another tracking"
    )


def test_unsupported_combination_is_refused_naming_both_options() -> None:
    answers = {"serverless": "aws-lambda", "api": "none"}
    (problem,) = pre_gen.check_combinations(answers, (SERVERLESS_NEEDS_API,))
    assert problem.field == "serverless"
    assert "needs api to be flask" in str(problem)
    assert "Try: api=flask" in str(problem)


def test_supported_and_partial_combinations_pass() -> None:
    rules = (SERVERLESS_NEEDS_API,)
    assert pre_gen.check_combinations({"serverless": "aws-lambda", "api": "flask"}, rules) == []
    assert pre_gen.check_combinations({"serverless": "none", "api": "none"}, rules) == []
    assert pre_gen.check_combinations({"serverless": "aws-lambda"}, rules) == []


@pytest.mark.parametrize(
    ("provider", "removed"),
    [
        ("github", [".gitlab-ci.yml"]),
        ("gitlab", [".github"]),
        ("none", [".github", ".gitlab-ci.yml"]),
    ],
)
def test_post_gen_removes_the_files_of_unchosen_values(provider: str, removed: list[str]) -> None:
    answers = {"ci_provider": provider, "api": "flask", "serverless": "aws-lambda"}
    answers |= {"orchestrator": "cron", "managed_endpoint": "none", "ui": "streamlit"}
    answers |= {"batch_engine": "spark", "tracking": "mlflow"}  # their files stay: chosen
    orchestrators = {"src/{package}/orchestration", "dags", "tests/orchestration"}
    functions = {
        "src/{package}/api/gcp_function.py", "tests/api/test_gcp_function.py",
        "deploy/gcp-functions", "src/{package}/api/azure_function.py",
        "tests/api/test_azure_function.py", "deploy/azure-functions", "deploy/bundle.py",
        "tests/test_bundle.py", "src/{package}/api/azureml_score.py", "tests/api/test_azureml.py",
        "deploy/azureml",
    }  # fmt: skip
    assert sorted(set(post_gen.unchosen_paths(answers)) - orchestrators - functions) == [
        *removed,
        "src/{package}/orchestration/airflow_dag.py",
        "src/{package}/orchestration/dagster_defs.py",
        "tests/orchestration/test_airflow_dag.py",
        "tests/orchestration/test_dagster_defs.py",
    ]
    assert functions <= set(post_gen.unchosen_paths(answers))


def test_a_file_that_a_chosen_value_of_another_option_needs_stays() -> None:
    """deploy/bundle.py belongs to the function targets and to the Azure ML endpoint."""
    answers = {"api": "flask", "serverless": "none", "managed_endpoint": "azure-ml", "ui": "none"}
    unchosen = post_gen.unchosen_paths(answers)
    assert "deploy/bundle.py" not in unchosen
    assert "deploy/gcp-functions" in unchosen
    assert len(unchosen) == len(set(unchosen)), "a path is listed twice"
    answers |= {"managed_endpoint": "none"}
    assert "deploy/bundle.py" in post_gen.unchosen_paths(answers)


@pytest.mark.parametrize(
    ("orchestrator", "kept", "removed"),
    [
        ("airflow", "src/{package}/orchestration", "src/{package}/orchestration/dagster_defs.py"),
        ("dagster", "src/{package}/orchestration", "src/{package}/orchestration/airflow_dag.py"),
        ("none", "", "src/{package}/orchestration"),
        ("cron", "", "src/{package}/orchestration"),
    ],
)
def test_a_path_shared_by_two_values_stays_when_either_is_chosen(
    orchestrator: str, kept: str, removed: str
) -> None:
    unchosen = post_gen.unchosen_paths({"orchestrator": orchestrator})
    assert removed in unchosen
    assert kept not in unchosen


def test_post_gen_can_run_again_on_a_baked_project(output_dir: Path) -> None:
    """`cruft update` re-runs the hook: removing what is already gone must not fail."""
    project = bake(output_dir, license="BSD-3-Clause", ci_provider="gitlab")
    license_text = (project / "LICENSE").read_text(encoding="utf-8")
    answers = {**GOOD_ANSWERS, "license": "BSD-3-Clause", "ci_provider": "gitlab"}
    post_gen.remove_unchosen_option_files(answers, project)
    post_gen.install_variants(answers, project)
    assert (project / "LICENSE").read_text(encoding="utf-8") == license_text
    assert (project / ".gitlab-ci.yml").is_file()


def test_variants_of_the_chosen_value_move_into_place(tmp_path: Path) -> None:
    for value in ("a", "b"):
        variant = tmp_path / "_variants" / "flavour" / value / "src" / "pkg" / "flavour.py"
        variant.parent.mkdir(parents=True)
        variant.write_text(f"FLAVOUR = {value!r}\n")
    post_gen.install_variants({"flavour": "b"}, tmp_path)
    assert (tmp_path / "src/pkg/flavour.py").read_text() == "FLAVOUR = 'b'\n"
    assert not (tmp_path / "_variants").exists()


def test_next_steps_name_the_project_directory() -> None:
    steps = post_gen.next_steps(GOOD_ANSWERS)
    assert "cd churn-forecast" in steps
    assert "uv run nox" in steps


def test_a_bake_after_a_template_edit_renders_the_edited_file(tmp_path: Path) -> None:
    """Compiled templates are kept between bakes (local_extensions.CompiledTemplates): a bake
    writes them into Jinja's cache, and a file edited since is compiled again, never served
    stale. (Entries are named by the file's path in the template, so each copy of the template
    shares them: the edits make this copy's README new to the cache.)"""
    template = tmp_path / "template"
    ignored = shutil.ignore_patterns(".git", ".venv", ".nox", "*_cache", "__pycache__")
    shutil.copytree(TEMPLATE, template, ignore=ignored)
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    original = readme.read_text(encoding="utf-8")
    edits = [f"\nEdit {uuid.uuid4().hex}.\n" for _ in range(2)]
    cache = Path(jinja2.FileSystemBytecodeCache().directory)
    baked = []
    for number, edit in enumerate(edits):
        readme.write_text(original + edit, encoding="utf-8")
        started = time.time() - 1
        output = tmp_path / f"bake-{number}"
        baked.append(Path(cookiecutter(str(template), no_input=True, output_dir=str(output))))
        written = [e for e in cache.glob("ds-template-*.cache") if e.stat().st_mtime > started]
        assert written, f"the bake kept no compiled template in Jinja's cache {cache}"
    for project, edit in zip(baked, edits, strict=True):
        assert (project / "README.md").read_text(encoding="utf-8").endswith(edit)
