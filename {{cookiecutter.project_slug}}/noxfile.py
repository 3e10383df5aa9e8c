"""Developer tasks: the same sessions CI runs.

    uv run nox                          # every default session (nox.options.sessions below)
    uv run nox -s tests                 # one session
    uv run nox -s tests -- -k config    # arguments after -- go to the tool

Each session installs the project and one dependency group from pyproject.toml at the versions
locked in uv.lock, so nox, pre-commit and CI run the very same tools.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
{%- for session in cookiecutter | nox_sessions %}
    "{{ session }}",
{%- endfor %}
]

PYTHON = "{{ cookiecutter.python_version }}"
# Tests marked with one of these session names (a real server, an orchestrator, long statistical
# trials) run there only.
# `sql` is not a default session (it needs PostgreSQL's binaries; CI runs it).
SEPARATE_SESSIONS = [
    "sql",
    "stats",
    "docs",
    *(name for name in ("serve", "ui", "spark", "mlflow", "dag") if name in nox.options.sessions),
]
{%- if cookiecutter.orchestrator in ["airflow", "dagster"] %}
# The orchestrator's own types, so that the type checker checks the adapter against its real API.
ORCHESTRATOR_GROUPS = ["{{ cookiecutter.orchestrator }}"]
{%- else %}
ORCHESTRATOR_GROUPS: list[str] = []
{%- endif %}
{%- if cookiecutter.batch_engine == "spark" and cookiecutter.orchestrator != "none" %}
# The orchestrator's batch-scoring step runs a Spark job.
SPARK_GROUPS = ["spark"]
{%- elif cookiecutter.orchestrator != "none" %}
SPARK_GROUPS: list[str] = []
{%- endif %}

FAMILY_VARIABLE = "{{ cookiecutter.package_name | upper }}_TRAINING_FAMILY"
FAMILY_GROUPS = {"lightgbm": "lightgbm", "xgboost": "xgboost"}  # others: scikit-learn's own


def project_family() -> str:
    """The training.family setting, from the environment or .env: every session installs its
    library, and the tests train their models with it (`--family`)."""
    if FAMILY_VARIABLE in os.environ:
        return os.environ[FAMILY_VARIABLE]
    env_file = Path(".env")
    lines = env_file.read_text(encoding="utf-8").splitlines() if env_file.is_file() else []
    for line in lines:
        name, _, value = line.strip().removeprefix("export ").partition("=")
        if name.strip() == FAMILY_VARIABLE:
            return value.strip().strip("\"'")
    return "linear"


FAMILY = project_family()
TESTED_FAMILY = [f"--family={FAMILY}"]


def sync(session: nox.Session, *groups: str, compile_bytecode: bool = False) -> None:
    """Install the project (with its extras) and dependency groups into the session's venv.

    `compile_bytecode` compiles every installed module at once, in parallel, for the `tests`
    session: its workers and the commands they start all import pandas and scikit-learn at the
    same moment, each compiling them on its own, and a fresh session took 170 s instead of 94.
    A session of one process at a time compiles only what it imports, once, faster than all of
    it (`serve`: 48 s instead of 62).
    """
    # uv, and the `uv run` inside pre-commit hooks, then use this environment instead of .venv.
    session.env["UV_PROJECT_ENVIRONMENT"] = session.virtualenv.location
    family = [FAMILY_GROUPS[FAMILY]] if FAMILY in FAMILY_GROUPS else []
    selected = [f"--group={group}" for group in (*groups, *family)]
    compiled = ["--compile-bytecode"] if compile_bytecode else []
    session.run_install("uv", "sync", "--all-extras", "--no-default-groups", *selected, *compiled)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Every pre-commit check on every file: ruff, formatting, YAML/TOML, large files, secrets.

    The type checker is a pre-commit hook too, but it needs every library installed: the
    `typecheck` session runs it, so it is skipped here.
    """
    sync(session, "lint")
    session.env["SKIP"] = "mypy"
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy, strict, on the package, the tests and the benchmarks (configured in pyproject.toml)."""
    sync(session, "typecheck", *ORCHESTRATOR_GROUPS)
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly (a broken link or reference, a page missing from the
    navigation, a docstring Sphinx cannot read: each fails the build), then open it in headless
    Chromium. The site is in docs/_build/html; screenshots in .nox/docs/screenshots.

    Arguments after -- go to sphinx-build (`-- -E` rebuilds every page).
    """
    sync(session, "docs")
    session.run(
        "sphinx-build", "--fail-on-warning", "--keep-going", "--quiet",
        "--builder", "html", "docs", "docs/_build/html", *session.posargs,
    )  # fmt: skip
    screenshots = Path(session.virtualenv.location) / "screenshots"  # short, for Chromium
    screenshots.mkdir(exist_ok=True)
    session.env["DOCS_SCREENSHOTS"] = str(screenshots)
    session.run("pytest", "-m", "docs", "tests/docs", "-p", "no:cacheprovider")


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """Known vulnerabilities in the locked dependencies, from PyPI's advisory database.

    Strict: a dependency that cannot be looked up (no network, a private index) fails the audit
    instead of being skipped in silence. CI runs it; `uv run nox` does not (it needs PyPI).
    """
    session.env["UV_PROJECT_ENVIRONMENT"] = session.virtualenv.location
    session.run_install("uv", "sync", "--only-group=audit")
    requirements = Path(session.create_tmp()) / "requirements.txt"
    # Everything the project can install (every extra and group), pinned as uv.lock pins it.
    session.run(
        "uv",
        "export",
        "--locked",
        "--all-extras",
        "--all-groups",
        "--no-emit-project",
        f"--output-file={requirements}",
        silent=True,
    )
    audit = ["pip-audit", "--strict", "--require-hashes", "--disable-pip"]
    session.run(*audit, "--requirement", str(requirements))


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite with branch coverage; fails under the threshold set in pyproject.toml."""
    sync(session, "test", compile_bytecode=True)
    marked = " and ".join(f"not {name}" for name in SEPARATE_SESSIONS)
    selection = ["-m", marked] if marked else []
    # One worker per core; a test file stays on one worker, so its module fixtures are built once.
    parallel = ["--numprocesses=auto", "--dist=loadfile"]
    coverage = ["--cov", "--cov-report=term-missing"]
    session.run("pytest", *parallel, *selection, *coverage, *TESTED_FAMILY, *session.posargs)


@nox.session(python=PYTHON)
def stats(session: nox.Session) -> None:
    """Drift detection's statistical guarantees, each over 100 seeded trials: at most 5% false
    alarms, and the shifts it must find found in 95% of trials. The longest tests of all (about
    20 s): a session of their own, so that `nox -s tests` stays quick while you work; `uv run nox`
    and CI run both."""
    sync(session, "test")
    session.run("pytest", "-m", "stats", "tests/monitoring", *TESTED_FAMILY, *session.posargs)


@nox.session(python=PYTHON)
def notebooks(session: nox.Session) -> None:
    """Run every notebook top to bottom in a fresh kernel; an error in any cell fails the session.

    Nothing is written back: the committed notebooks stay without outputs.
    """
    sync(session, "notebooks")
    for notebook in sorted(Path("notebooks").glob("*.ipynb")):
        session.run("jupyter", "execute", "--timeout=600", str(notebook))


@nox.session(python=PYTHON)
def sql(session: nox.Session) -> None:
    """A real PostgreSQL server in a temporary folder, from the machine's own binaries (Debian:
    `apt-get install postgresql`): train from a query, score into a table, monitor, retrain, and
    the server's faults (a wrong password, a slow query, a crash mid-write)."""
    sync(session, "test")
    session.run("pytest", "-m", "sql", "tests/tables", *TESTED_FAMILY, *session.posargs)
{%- if cookiecutter.api == "flask" %}


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Start the real gunicorn on a free loopback port, call every endpoint, fuzz it, stop it."""
    sync(session, "serve")
    session.run("pytest", "-m", "serve", *TESTED_FAMILY, *session.posargs)


@nox.session(python=PYTHON)
def image(session: nox.Session) -> None:
    """The API served from an environment synced exactly as the Dockerfile syncs the image's
    (its SERVING_GROUPS: no pandas, no scikit-learn), with a model of the project's family: what
    serves in development but not in the image fails here, not in production."""
    sync(session, "serve")
    groups = next(
        line.split("=", 1)[1].strip().strip('"').split()
        for line in Path("Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.startswith("ARG SERVING_GROUPS=")
    )
    image_env = Path(session.create_tmp()).resolve() / "image-venv"
    session.run("uv", "venv", "--quiet", "--allow-existing", "--python", PYTHON, str(image_env))
    python = str(image_env / "bin" / "python")
    session.run(
        "uv", "sync", "--locked", "--no-default-groups", *groups, "--no-install-project",
        "--compile-bytecode",
        env={"UV_PROJECT_ENVIRONMENT": str(image_env)},
    )  # fmt: skip
    session.run("uv", "pip", "install", "--quiet", "--python", python, "--no-deps", ".")
    session.env["SERVE_PYTHON"] = python
    session.run(
        "pytest", "-m", "serve", "tests/api/test_gunicorn.py", "-k", "every_endpoint",
        *TESTED_FAMILY, *session.posargs,
    )  # fmt: skip
{%- endif %}
{%- if cookiecutter.ui == "streamlit" %}


@nox.session(python=PYTHON)
def ui(session: nox.Session) -> None:
    """Start `streamlit run` on a free loopback port and drive the app in headless Chromium.

    The browser is the machine's own (Debian: `apt-get install chromium chromium-driver`); nothing
    is downloaded. Screenshots of each page are kept in .nox/ui/screenshots.
    """
    sync(session, "browser")
    screenshots = Path(session.virtualenv.location) / "screenshots"  # not create_tmp: TMPDIR
    screenshots.mkdir(exist_ok=True)  # must stay short for Chromium (see tests/ui/test_browser.py)
    session.env["UI_SCREENSHOTS"] = str(screenshots)
    session.run("pytest", "-m", "ui", "tests/ui", *TESTED_FAMILY, *session.posargs)
{%- endif %}
{%- if cookiecutter.batch_engine == "spark" %}


@nox.session(python=PYTHON)
def spark(session: nox.Session) -> None:
    """Real PySpark in local mode: score, monitor and sample partitioned datasets, spark-submit.

    Spark starts a Java process: it needs Java 17 or 21 (`java -version`; Debian and Ubuntu:
    `apt-get install openjdk-17-jre-headless`).
    """
    sync(session, "test", "spark")
    session.run("pytest", "-m", "spark", "tests/spark", *TESTED_FAMILY, *session.posargs)
{%- endif %}
{%- if cookiecutter.tracking == "mlflow" %}


@nox.session(python=PYTHON)
def mlflow(session: nox.Session) -> None:
    """Start a real `mlflow server` on a free loopback port (SQLite, a local artifact root);
    train, evaluate, promote, retrain, roll back and serve through it; check what MLflow shows."""
    sync(session, "test")
    session.run("pytest", "-m", "mlflow", "tests/tracking", *TESTED_FAMILY, *session.posargs)
{%- endif %}
{%- if cookiecutter.orchestrator == "airflow" %}


@nox.session(python=PYTHON)
def dag(session: nox.Session) -> None:
    """Load the DAGs into a DagBag and run them with `dag.test()` on a throwaway SQLite database."""
    sync(session, "airflow", *SPARK_GROUPS)
    session.run("pytest", "-m", "dag", "tests/orchestration", *TESTED_FAMILY, *session.posargs)
{%- elif cookiecutter.orchestrator == "dagster" %}


@nox.session(python=PYTHON)
def dag(session: nox.Session) -> None:
    """Validate the Dagster definitions and run the jobs in process, asset checks included."""
    sync(session, "dagster", *SPARK_GROUPS)
    session.run("pytest", "-m", "dag", "tests/orchestration", *TESTED_FAMILY, *session.posargs)
{%- elif cookiecutter.orchestrator == "cron" %}


@nox.session(python=PYTHON)
def dag(session: nox.Session) -> None:
    """Verify the systemd units and run the scheduled commands: training, monitoring, the lock."""
    sync(session, "test", *SPARK_GROUPS)
    session.run("pytest", "-m", "dag", *TESTED_FAMILY, *session.posargs)
{%- endif %}
