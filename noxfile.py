"""The template's own checks. `uv run nox` runs them all, exactly as CI does.

uv run nox -s lint          # ruff and mypy (strict) on the hooks, tests and benchmarks
uv run nox -s tests         # fast bake tests on every supported Python (about a minute each)
uv run nox -s generated     # slow: baked projects run their own pre-commit and nox sessions
uv run nox -s tests-3.12 -- -k refused    # one Python; arguments after -- go to pytest
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "generated"]

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def sync(session: nox.Session) -> None:
    """Install the template's dev tools, at the versions in uv.lock, into the session's venv."""
    session.env["UV_PROJECT_ENVIRONMENT"] = session.virtualenv.location
    session.run_install("uv", "sync", "--locked")


@nox.session(python="3.12")
def lint(session: nox.Session) -> None:
    sync(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("actionlint", "-no-color", ".github/workflows/ci.yml")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Bake every option value and pair; refused answers; the hooks' rules."""
    sync(session)
    session.run("pytest", "-m", "not slow", "-n", "auto", *session.posargs)


@nox.session(python="3.12")
def generated(session: nox.Session) -> None:
    """Bake representative projects and run their own pre-commit and nox sessions."""
    sync(session)
    session.run("pytest", "-m", "slow", "-n", "auto", *session.posargs)
