"""Bake projects from the template and ask them questions: the vocabulary every test uses."""

from __future__ import annotations

import fcntl
import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from allpairspy import AllPairs
from cookiecutter.main import cookiecutter

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TEMPLATE = Path(__file__).resolve().parents[1]
HOOKS = TEMPLATE / "hooks"
CONTEXT = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
DEFAULTS = {"project_slug": "churn-forecast", "package_name": "churn_forecast"}

# Jinja that survived rendering. `${{ … }}` is GitHub Actions' own syntax, not Jinja.
UNRENDERED_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")
# Files that are empty on purpose: markers read by tools, not code.
INTENTIONALLY_EMPTY = {".gitkeep", "py.typed"}


def load_hook(name: str) -> ModuleType:
    """Import a hook as a module (its checks are plain functions) without running its main()."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HOOKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def choice_options() -> dict[str, list[str]]:
    """Every option with a fixed set of values, read from cookiecutter.json, in prompt order."""
    return {
        name: values
        for name, values in CONTEXT.items()
        if isinstance(values, list) and not name.startswith("_")
    }


def pairwise_combinations() -> list[dict[str, str]]:
    """A covering set in which every pair of values of any two options appears at least once.

    Generated from cookiecutter.json, so a new option or value is covered without editing a test;
    combinations that the pre-gen hook refuses are left out.
    """
    options = choice_options()
    names = list(options)
    check_combinations = load_hook("pre_gen_project").check_combinations

    def supported(row: list[str]) -> bool:
        return not check_combinations(dict(zip(names, row, strict=False)))

    rows = [list(row) for row in AllPairs([options[name] for name in names], filter_func=supported)]
    # AllPairs may miss pairs when its filter refuses combinations: add a supported row for each.
    every_row = [list(row) for row in itertools.product(*(options[name] for name in names))]
    for a, b in itertools.combinations(range(len(names)), 2):
        for va, vb in itertools.product(options[names[a]], options[names[b]]):
            if any(row[a] == va and row[b] == vb for row in rows):
                continue
            extra = next((r for r in every_row if r[a] == va and r[b] == vb and supported(r)), None)
            if extra is not None:
                rows.append(extra)
    return [dict(zip(names, row, strict=True)) for row in rows]


def each_value_combinations() -> list[dict[str, str]]:
    """Fewer bakes: rows of the pairwise set, taken while they bake a value of an option that no
    row taken so far bakes, until every value of every option is baked once."""
    rows = pairwise_combinations()
    wanted = {(name, value) for row in rows for name, value in row.items()}
    taken: list[dict[str, str]] = []
    while wanted:
        best = max(rows, key=lambda row: len(wanted & set(row.items())))
        taken.append(best)
        wanted -= set(best.items())
    return taken


def fewer_bakes() -> bool:
    """TEMPLATE_BAKES=each-value: the nox sessions of the other Pythons, which bake less (what
    depends on the Python, the hooks' and the Jinja extensions' code, runs in any bake)."""
    return os.environ.get("TEMPLATE_BAKES") == "each-value"


def matrix_combinations() -> list[dict[str, str]]:
    """The bakes of the matrix tests: every pair of values, or every value once (`fewer_bakes`)."""
    return each_value_combinations() if fewer_bakes() else pairwise_combinations()


def combination_id(answers: Mapping[str, str]) -> str:
    return ",".join(f"{key}={value}" for key, value in answers.items())


def bake(output_dir: Path, **answers: str) -> Path:
    """Bake the template with these answers, defaults for the rest; return the project directory."""
    context = {**DEFAULTS, **answers}
    return Path(
        cookiecutter(
            str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(output_dir)
        )
    )


# What nox and uv set to point tools at the test session's own environment.
SESSION_VARIABLES = {
    "VIRTUAL_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "UV_PYTHON",
    "CONDA_PREFIX",
    "PYTHONPATH",
}


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for commands inside a baked project: none of the test session's venv."""
    env = {key: value for key, value in os.environ.items() if key not in SESSION_VARIABLES}
    env.update(UV_PYTHON_DOWNLOADS="never", NO_COLOR="1", **extra)
    return env


def run_in(
    project: Path, *command: str, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in a baked project (`env`: variables to set); the output is kept for the
    failure message."""
    return subprocess.run(
        command,
        cwd=project,
        env={**clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# Lines that say what failed, repeated first: CI logs keep the start of a long message.
FAILURE_LINE = re.compile(
    r"^(FAILED|ERROR) |error:|Error: |Traceback|^E  |^[A-Z]+[0-9]+ .*|^ *--> |^Found [0-9]+ error"
)


def explain(result: subprocess.CompletedProcess[str]) -> str:
    printed = f"{result.stdout}\n{result.stderr}"
    failures = [line for line in printed.splitlines() if FAILURE_LINE.search(line)][:40]
    summary = "\n".join(failures) or "(no line names a failure)"
    command = " ".join(map(str, result.args))
    return f"$ {command}\nexit {result.returncode}\nwhat failed:\n{summary}\n---\n{printed}"


def project_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and not {".git", ".venv", ".nox"} & set(path.parts):
            yield path


def read_pyproject(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def synced(project: Path) -> None:
    """`uv sync` in a baked project, then its packages compiled where uv keeps them (its cache),
    for every environment that any later bake or session installs them into.

    uv installs a package by hard-linking the files of its cached copy, and a `__pycache__`
    folder in that copy is linked too. Without it, every environment compiled pandas,
    scikit-learn and SciPy again on first import (about 4 s of CPU per environment, 17 s for the
    full compile of a `tests` session), and a bake has up to ten. Python checks a `.pyc` against
    the size and modification time of its source, which hard links share, so a stale one is never
    loaded; where uv copies instead of linking, the compiled files are only ignored.
    """
    result = run_in(project, "uv", "sync")
    assert result.returncode == 0, explain(result)
    venv = project / ".venv"
    # What a wheel installs into site-packages; not its `.data` folder (uv refuses a wheel whose
    # `scripts` hold anything but files) nor its metadata.
    cached = [
        entry
        for copy in cached_copies(next(venv.glob("lib/python3.*/site-packages")))
        for entry in copy.iterdir()
        if entry.suffix not in {".data", ".dist-info"}
    ]
    # One compiler at a time: a second worker then finds the files compiled, rather than
    # compiling the same packages beside the first.
    with (Path(tempfile.gettempdir()) / "ds-template-bytecode.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        compiled = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "compileall", "-qq", "-j", "0", *map(str, cached)],
            capture_output=True,
            text=True,
            check=False,  # a package may ship a file that is not Python 3 (a test fixture)
        )
    assert "Traceback" not in compiled.stderr, compiled.stderr


def cached_copies(site_packages: Path) -> list[Path]:
    """The folders of uv's cache whose files the environment's packages are hard links to."""
    cache_dir = subprocess.run(
        ["uv", "cache", "dir"], env=clean_env(), capture_output=True, text=True, check=True
    ).stdout.strip()
    by_name: dict[str, list[Path]] = {}
    for copy in (Path(cache_dir) / "archive-v0").glob("*/*.dist-info"):
        by_name.setdefault(copy.name, []).append(copy.parent)
    return [
        copy
        for installed in site_packages.glob("*.dist-info")
        for copy in by_name.get(installed.name, [])
        if (copy / installed.name / "METADATA").is_file()
        and (copy / installed.name / "METADATA").samefile(installed / "METADATA")
    ]


def python_available(version: str) -> bool:
    """Whether uv finds this interpreter on the machine (downloads are off: no network in CI)."""
    result = subprocess.run(
        ["uv", "python", "find", version],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0
