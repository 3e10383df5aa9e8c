"""`schema infer` as a team runs it: draft a file, keep an existing one, check new data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.columns import Column, profile
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.workflows.schema_infer import schema_file

runner = CliRunner()


@pytest.fixture
def labelled(tmp_path: Path, sample: pd.DataFrame) -> str:
    return tables.write_table(sample, tmp_path / "labelled.csv")


def infer(*args: str):
    return runner.invoke(app, ["schema", "infer", *args])


def test_a_draft_is_written_with_every_decision_printed(labelled: str, tmp_path: Path) -> None:
    output = tmp_path / "schema.py"
    result = infer(labelled, "--target", SCHEMA.target.name, "--output", str(output))
    assert result.exit_code == 0, result.output
    assert f"target '{SCHEMA.target.name}'" in result.output
    for name in SCHEMA.names:
        assert f"'{name}'" in result.output
    text = output.read_text(encoding="utf-8")
    assert "from .columns import Column, Schema, Target" in text
    assert "schema infer labelled.csv --target" in text
    compile(text, str(output), "exec")


def test_an_existing_schema_is_kept_without_force(labelled: str, tmp_path: Path) -> None:
    output = tmp_path / "schema.py"
    output.write_text("# mine\n", encoding="utf-8")
    result = infer(labelled, "--target", SCHEMA.target.name, "--output", str(output))
    assert result.exit_code == 1
    assert "pass --force to replace it" in result.output
    assert output.read_text(encoding="utf-8") == "# mine\n"
    forced = infer(labelled, "--target", SCHEMA.target.name, "--output", str(output), "--force")
    assert forced.exit_code == 0, forced.output
    assert output.read_text(encoding="utf-8") != "# mine\n"


def test_a_refused_draft_writes_nothing(labelled: str, tmp_path: Path) -> None:
    output = tmp_path / "schema.py"
    result = infer(labelled, "--target", "no such column", "--output", str(output))
    assert result.exit_code == 1
    assert "the table has no column 'no such column' to predict" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not output.exists()


def test_the_target_is_required_to_draft(labelled: str) -> None:
    result = infer(labelled)
    assert result.exit_code == 2
    assert "--target" in result.output


def test_check_says_a_matching_table_matches(labelled: str) -> None:
    result = infer("--check", labelled)
    assert result.exit_code == 0, result.output
    assert "matches schema.py" in result.output


def test_check_lists_every_mismatch_and_unused_column(tmp_path: Path, sample: pd.DataFrame) -> None:
    changed = sample.drop(columns=SCHEMA.names[0]).assign(**{"a new column": 1})
    location = tables.write_table(changed, tmp_path / "new.parquet")
    result = infer("--check", location)
    assert result.exit_code == 1
    assert f"mismatch: column '{SCHEMA.names[0]}' is missing" in result.output
    assert "not used: 'a new column'" in result.output
    assert "does NOT match schema.py" in result.output


def test_check_reads_in_chunks_and_names_the_rows_of_a_problem(
    tmp_path: Path,
    sample: pd.DataFrame,
    bounded_column: Column,
    out_of_range: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file larger than memory is checked chunk by chunk: a problem in one chunk names its rows;
    a column missing from every chunk is said once, as it is."""
    monkeypatch.setattr(profile, "chunk_rows", lambda columns: 100)
    table = sample.head(500).copy()
    table.loc[249, bounded_column.name] = out_of_range
    others = [name for name in SCHEMA.names if name != bounded_column.name]
    if others:  # a schema of one column has no other column to leave out
        table = table.drop(columns=others[0])
    result = infer("--check", tables.write_table(table, tmp_path / "large.csv"))
    assert result.exit_code == 1
    mismatches = [line for line in result.output.splitlines() if line.startswith("mismatch: ")]
    if others:
        assert f"mismatch: column '{others[0]}' is missing" in mismatches
    assert len(mismatches) == 1 + bool(others), mismatches
    ranged = f"mismatch: rows 201-300: column '{bounded_column.name}'"
    assert any(line.startswith(ranged) for line in mismatches), mismatches
    assert "(500 rows) does NOT match" in result.output


def test_the_schema_file_is_the_projects_own() -> None:
    path = schema_file()
    assert path.name == "schema.py"
    assert (path.parents[2] / "pyproject.toml").is_file()


def test_check_counts_the_rows_without_a_target(tmp_path: Path, sample: pd.DataFrame) -> None:
    table = sample.head(500).astype({SCHEMA.target.name: object})
    table.loc[[1, 2], SCHEMA.target.name] = None
    result = infer("--check", tables.write_table(table, tmp_path / "gaps.csv"))
    assert result.exit_code == 0, result.output
    assert "left out 2 row(s) of " in result.output
    assert "matches schema.py" in result.output


def copy_of_the_project(tmp_path: Path) -> Path:
    """The package in a project folder of its own, whose schema.py a test may break.

    Its compiled modules come along (copied with their sources' times, so they stay valid): the
    copy's commands then compile only the schema a test rewrites."""
    root = tmp_path / "project"
    package = Path({{ cookiecutter.package_name }}.__file__).parent
    shutil.copytree(package, root / "src" / package.name)
    (root / "pyproject.toml").write_text("[project]\nname = 'copy'\n", encoding="utf-8")
    return root


def command(
    root: Path, environment: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """The command line of the copy (`python -m <package>`), as the console script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", *args],
        cwd=root,
        env={**environment, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def broken_copy(tmp_path: Path, broken: str) -> tuple[Path, int]:
    """A copy of the project whose schema.py ends with `broken`, and that line's number."""
    root = copy_of_the_project(tmp_path)
    schema = root / "src" / "{{ cookiecutter.package_name }}" / "schema.py"
    lines = schema.read_text(encoding="utf-8").splitlines()
    schema.write_text("\n".join([*lines, "", broken, ""]), encoding="utf-8")
    return root, len(lines) + 2


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ("TARGET = Target('y', 'category', classes=('a', 'b'), positive='c')", "positive must be"),
        ("TARGET = Targt('y', 'number')", "NameError: name 'Targt' is not defined"),
        ("TARGET = Target('y', 'number'", "SyntaxError"),
    ],
)
def test_a_broken_schema_is_said_in_one_line(
    tmp_path: Path,
    sample: pd.DataFrame,
    isolated_environment: dict[str, str],
    broken: str,
    said: str,
) -> None:
    root, line = broken_copy(tmp_path, broken)
    data = tables.write_table(sample.head(400), root / "data.csv")
    for args in (["train"], ["schema", "infer", "--check", data]):
        result = command(root, isolated_environment, *args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert f"schema.py line {line}: " in result.stderr
        assert said in result.stderr
        assert "schema infer FILE --target COLUMN --force" in result.stderr


def test_a_schema_that_does_not_even_parse_is_repaired_by_infer(
    tmp_path: Path, sample: pd.DataFrame, isolated_environment: dict[str, str]
) -> None:
    """The command the error names rewrites schema.py whatever it holds."""
    root, _ = broken_copy(tmp_path, "TARGET = Target('y', 'number'")
    data = tables.write_table(sample.head(400), root / "data.csv")
    redraft = ["schema", "infer", data, "--target", SCHEMA.target.name, "--force"]
    repaired = command(root, isolated_environment, *redraft)
    assert repaired.returncode == 0, repaired.stderr
    checked = command(root, isolated_environment, "schema", "infer", "--check", data)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "matches schema.py" in checked.stdout
