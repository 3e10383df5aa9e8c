"""Bad answers are refused before anything is written, with a message saying what to type."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TEMPLATE, clean_env, fewer_bakes, read_pyproject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
JINJA_DELIMITERS = ("{{", "{%", "{#")


def crashed(output: str) -> bool:
    """A traceback other than the one cookiecutter itself logs for every failed hook."""
    return output.count("Traceback") > output.count("FailedHookException: Hook script failed")


def bake_cli(output_dir: Path, **answers: str) -> subprocess.CompletedProcess[str]:
    """Bake the way a user does, through the cookiecutter command line."""
    pairs = [f"{key}={value}" for key, value in answers.items()]
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), *pairs],
        cwd=output_dir,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


BAD_ANSWERS = [
    ("project_slug", "My-Project"),
    ("project_slug", "2027-forecast"),
    ("project_slug", "churn_forecast"),
    ("project_slug", "churn--forecast"),
    ("project_slug", "-churn"),
    ("project_slug", "churn-forecast-" + "x" * 30),
    ("package_name", "class"),
    ("package_name", "pandas"),
    ("package_name", "flask"),
    ("package_name", "test"),
    ("package_name", "json"),
    ("package_name", "churn-forecast"),
    ("package_name", "1churn"),
    ("package_name", "ChurnForecast"),
    ("email", "not-an-email"),
    ("email", "ada@localhost"),
    ("version", "latest"),
    ("version", "1..0"),
    ("description", "line one\nline two"),
    ("author_name", "   "),
    ("project_name", ""),
]


@pytest.mark.parametrize(("field", "value"), BAD_ANSWERS, ids=lambda v: repr(v)[:30])
def test_bad_answer_is_refused_naming_field_value_and_fix(
    output_dir: Path, field: str, value: str
) -> None:
    result = bake_cli(output_dir, **{field: value})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{field}={value!r}" in output, output
    line = next(line for line in output.splitlines() if f"{field}={value!r}" in line)
    assert "Try: " in line, f"no suggestion in: {line}"
    assert not crashed(output), output
    assert not any(output_dir.iterdir()), "a refused bake left files behind"


def test_unsupported_combination_is_refused(output_dir: Path) -> None:
    result = bake_cli(output_dir, api="none", serverless="aws-lambda")
    assert result.returncode == 1
    assert "serverless='aws-lambda': needs api to be flask" in result.stderr
    assert not any(output_dir.iterdir())


def test_every_problem_is_reported_at_once(output_dir: Path) -> None:
    result = bake_cli(output_dir, package_name="pandas", email="nope", version="latest")
    assert result.returncode == 1
    assert "3 problem(s)" in result.stderr
    for field in ("package_name", "email", "version"):
        assert f"{field}=" in result.stderr


@pytest.mark.parametrize(
    ("name", "slug", "package"),
    [
        ("Ñandú Forecast 2027", "nandu-forecast-2027", "nandu_forecast_2027"),
        ("my project!!", "my-project", "my_project"),
        ("  Churn   Forecast  ", "churn-forecast", "churn_forecast"),
        ("Straße & Co. Analytics", "strasse-co-analytics", "strasse_co_analytics"),
    ],
)
def test_odd_project_names_derive_a_valid_slug_and_package(
    output_dir: Path, name: str, slug: str, package: str
) -> None:
    result = bake_cli(output_dir, project_name=name)
    assert result.returncode == 0, result.stderr
    project = output_dir / slug
    assert (project / "src" / package / "__init__.py").is_file()
    assert read_pyproject(project)["project"]["name"] == slug
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {name}\n")


def test_name_without_letters_is_refused_with_a_hint_about_the_name(output_dir: Path) -> None:
    result = bake_cli(output_dir, project_name="!!!")
    assert result.returncode == 1
    assert "project_slug='_'" in result.stderr
    assert "derived from project_name='!!!'" in result.stderr
    assert not any(output_dir.iterdir())


def no_jinja(text: str) -> bool:
    # `cookiecutter --no-input` renders answers as Jinja templates itself, before any hook runs.
    return not any(delimiter in text for delimiter in JINJA_DELIMITERS)


project_names = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=50,
).filter(no_jinja)


# Names go through the hooks' Unicode handling (unicodedata's tables differ by Python): drawn on
# every Python, most on the one that bakes every pair (see helpers.fewer_bakes).
NAME_EXAMPLES = 10 if fewer_bakes() else 30


@settings(
    max_examples=NAME_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=project_names)
def test_any_project_name_bakes_a_valid_project_or_is_refused_clearly(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    output_dir = tmp_path_factory.mktemp("bake")
    result = bake_cli(output_dir, project_name=name)
    output = result.stdout + result.stderr
    assert not crashed(output), output
    if result.returncode != 0:
        assert "ds-template: cannot bake this project" in result.stderr, output
        assert "Try: " in result.stderr
        assert not any(output_dir.iterdir()), "a refused bake left files behind"
        return
    (project,) = output_dir.iterdir()
    assert SLUG.match(project.name), project.name
    package = read_pyproject(project)["tool"]["coverage"]["run"]["source"][0]
    assert package.isidentifier(), package
    assert (project / "src" / package / "__init__.py").is_file()
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {name}\n")
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
