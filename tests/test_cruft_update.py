"""A project made with `cruft create` takes a template change with `cruft update`, cleanly.

The template is copied into a git repository of its own (cruft clones templates from git), a
project is baked from it and committed, then the template changes and `cruft update` runs in the
project: the change arrives, nothing is rejected, and `cruft check` says the project is current.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TEMPLATE, clean_env, explain

GIT = ("git", "-c", "user.name=Test", "-c", "user.email=test@example.com")
NOT_TEMPLATE = shutil.ignore_patterns(".git", ".venv", ".nox", "__pycache__", ".pytest_cache")


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )


def check(cwd: Path, *command: str) -> str:
    result = run(cwd, *command)
    assert result.returncode == 0, explain(result)
    return result.stdout + result.stderr


def commit(repository: Path, message: str) -> None:
    check(repository, "git", "add", "-A")
    check(repository, *GIT, "commit", "-q", "-m", message)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """A git repository holding a copy of this template."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE, copy, ignore=NOT_TEMPLATE)
    check(copy, "git", "init", "-q", "-b", "main")
    commit(copy, "The template")
    return copy


def test_cruft_update_applies_a_template_change_cleanly(template: Path, tmp_path: Path) -> None:
    cruft = str(Path(sys.executable).with_name("cruft"))  # a dev dependency of the template
    out = tmp_path / "projects"
    out.mkdir()
    check(out, cruft, "create", str(template), "--no-input", "--output-dir", str(out))
    project = out / "churn-forecast"
    assert (project / ".cruft.json").is_file()
    check(project, "git", "init", "-q", "-b", "main")
    commit(project, "Bake the project")
    assert run(project, cruft, "check").returncode == 0

    # The template improves: a new line in a file every project has, a new file, and a module
    # moved (the command line's import of it follows), as the layout changes move modules.
    contributing = template / "{{cookiecutter.project_slug}}" / "CONTRIBUTING.md"
    contributing.write_text(
        contributing.read_text(encoding="utf-8") + "\nReviews answer within one working day.\n",
        encoding="utf-8",
    )
    (template / "{{cookiecutter.project_slug}}" / "SECURITY.md").write_text(
        "# Security of {{ cookiecutter.project_name }}\n", encoding="utf-8"
    )
    package = template / "{{cookiecutter.project_slug}}" / "src" / "{{cookiecutter.package_name}}"
    (package / "workflows" / "info.py").rename(package / "workflows" / "model_info.py")
    cli = package / "cli" / "__init__.py"
    cli_source = cli.read_text(encoding="utf-8")
    assert ".workflows.info import" in cli_source
    cli.write_text(cli_source.replace(".workflows.info import", ".workflows.model_info import"))
    commit(template, "Improve the template")

    assert run(project, cruft, "check").returncode != 0, "cruft should see the project is behind"
    check(project, cruft, "update", "--skip-apply-ask", "--not-strict")
    updated = (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert updated.endswith("Reviews answer within one working day.\n")
    assert (project / "SECURITY.md").read_text(encoding="utf-8") == "# Security of Churn Forecast\n"
    workflows = project / "src" / "churn_forecast" / "workflows"
    assert (workflows / "model_info.py").is_file()
    assert not (workflows / "info.py").exists(), "the moved module stayed at its old place too"
    cli_module = project / "src" / "churn_forecast" / "cli" / "__init__.py"
    assert "churn_forecast.workflows.model_info import" in cli_module.read_text(encoding="utf-8")
    assert not list(project.rglob("*.rej")), "a hunk of the update did not apply"
    assert run(project, cruft, "check").returncode == 0
    changed = check(project, "git", "status", "--porcelain", "--no-renames")
    assert {line[3:] for line in changed.splitlines()} == {
        ".cruft.json",
        "CONTRIBUTING.md",
        "SECURITY.md",
        "src/churn_forecast/cli/__init__.py",
        "src/churn_forecast/workflows/info.py",
        "src/churn_forecast/workflows/model_info.py",
    }
