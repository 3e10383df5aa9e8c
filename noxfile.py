"""The template's own checks. `uv run nox` runs them all, exactly as CI does.

uv run nox -s lint          # ruff and mypy (strict) on the hooks, tests and benchmarks
uv run nox -s tests         # fast bake tests on every supported Python (about a minute each)
uv run nox -s generated     # slow: baked projects run their own pre-commit and nox sessions
uv run nox -s tests-3.12 -- -k refused    # one Python; arguments after -- go to pytest
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests", "generated"]

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
PRIMARY = "3.12"  # the Python of the sessions that run once


def timed(function: Callable[[nox.Session], None]) -> Callable[[nox.Session], None]:
    """Append the session's name and seconds to the file NOX_TIMES names (`.ci/run`'s table)."""

    @functools.wraps(function)
    def session_body(session: nox.Session) -> None:
        start = time.monotonic()
        try:
            function(session)
        finally:
            if times := os.environ.get("NOX_TIMES"):
                with Path(times).open("a", encoding="utf-8") as file:
                    file.write(f"nox -s {session.name}\t{time.monotonic() - start:.0f}\n")

    return session_body


def sync(session: nox.Session) -> None:
    """Install the template's dev tools, at the versions in uv.lock, into the session's venv."""
    session.env["UV_PROJECT_ENVIRONMENT"] = session.virtualenv.location
    session.run_install("uv", "sync", "--locked")


@nox.session(python=PRIMARY)
@timed
def lint(session: nox.Session) -> None:
    sync(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("actionlint", "-no-color", ".github/workflows/ci.yml")


@nox.session(python=PYTHONS)
@timed
def tests(session: nox.Session) -> None:
    """Bake every option value and pair; refused answers; the hooks' rules.

    The hooks and the Jinja extensions run on each Python; the checks of a baked project with
    other tools (ruff, uv, hadolint, the CI validators) give the same answer whichever Python runs
    pytest, so only the 3.12 session runs them (marked `once`), and only it bakes every pair of
    option values: the other Pythons bake every value once.
    """
    sync(session)
    selection = "not slow" if session.python == PRIMARY else "not slow and not once"
    if session.python != PRIMARY:
        session.env["TEMPLATE_BAKES"] = "each-value"  # see tests/helpers.py: fewer_bakes
    session.run("pytest", "-m", selection, "-n", "auto", *session.posargs)


@nox.session(python=PRIMARY)
@timed
def generated(session: nox.Session) -> None:
    """Bake representative projects and run their own pre-commit and nox sessions.

    The slowest tests are listed at the end: the per-part times of this session.
    """
    sync(session)
    session.run("pytest", "-m", "slow", "-n", "auto", "--durations", "40", *session.posargs)
