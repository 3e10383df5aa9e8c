"""Jinja filters of the template, loaded by cookiecutter via `_extensions` in cookiecutter.json."""

from __future__ import annotations

import json
import sys
from typing import Any

import cookiecutter
import jinja2
from cookiecutter.utils import simple_filter
from jinja2.ext import Extension


class CompiledTemplates(Extension):
    """Keep each file's compiled template between bakes, in Jinja's own bytecode cache.

    Compiling the project's 240 files was most of a bake's time; a later bake (a re-bake, `cruft
    update`, the template's tests) loads them instead. Jinja checks each entry against its file's
    source, so an edited file is compiled again. The cache is a folder of the user's own in the
    temporary directory (Jinja creates it private, and refuses one that another user owns). Its
    names carry the Python, Jinja and cookiecutter versions, which decide what a compiled template
    looks like: bakes on two Pythons keep an entry each rather than replacing each other's.
    """

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        python = f"py{sys.version_info.major}.{sys.version_info.minor}"
        versions = f"{python}-{jinja2.__version__}-{cookiecutter.__version__}"
        pattern = f"ds-template-{versions}-%s.cache"
        environment.bytecode_cache = jinja2.FileSystemBytecodeCache(pattern=pattern)


@simple_filter
def toml_string(value: str) -> str:
    """Quote `value` as a TOML basic string, so names with quotes or accents stay valid TOML.

    JSON string escapes are a subset of TOML's, and the pre-gen hook has already refused control
    characters, so a JSON-encoded string is a correct TOML string.
    """
    return json.dumps(value, ensure_ascii=False)


@simple_filter
def public_answers(context: dict[str, Any]) -> str:
    """The user's answers as pretty JSON, without cookiecutter's private keys (local paths)."""
    answers = {key: value for key, value in context.items() if not key.startswith("_")}
    return json.dumps(answers, indent=2, ensure_ascii=False)


def default_sessions(context: dict[str, Any]) -> list[str]:
    """The generated noxfile's default sessions: what `uv run nox` runs, and CI with them.

    One list for the noxfile, the GitHub workflow and the GitLab pipeline, so they cannot drift.
    """
    sessions = ["lint", "typecheck", "tests", "notebooks", "stats", "docs"]
    if context.get("api") == "flask":
        sessions.append("serve")  # the real gunicorn server, called over HTTP
        sessions.append("image")  # the same, from the Docker image's environment
    if context.get("ui") == "streamlit":
        sessions.append("ui")  # the Streamlit app in a real headless browser
    if context.get("batch_engine") == "spark":
        sessions.append("spark")  # real PySpark in local mode (Java 17+)
    if context.get("tracking") == "mlflow":
        sessions.append("mlflow")  # a real MLflow server: runs, registry, alias, serving
    if context.get("orchestrator", "none") != "none":
        sessions.append("dag")  # the pipeline on the chosen orchestrator
    return sessions


@simple_filter
def ci_sessions(context: dict[str, Any]) -> list[str]:
    """What CI runs: every default session, the SQL sources and the dependency audit.

    `sql` starts a real PostgreSQL server from the machine's binaries, which a laptop may not have
    (CI installs them); the audit asks PyPI's advisory database about every locked dependency, so
    it needs the network and can turn red when a new advisory is published. CI runs both;
    `uv run nox` does not.
    """
    return [*default_sessions(context), "sql", "audit"]


@simple_filter
def nox_sessions(context: dict[str, Any]) -> list[str]:
    """`nox.options.sessions` of the generated noxfile."""
    return default_sessions(context)


@simple_filter
def adapter_layer(context: dict[str, Any]) -> str:
    """The import contracts' layer of adapters that a bake has (API, web app, orchestrator), as
    import-linter writes independent siblings: `pkg.api | pkg.ui`. Empty when there is none."""
    present = {
        "api": context.get("api") == "flask",
        "ui": context.get("ui") == "streamlit",
        "orchestration": context.get("orchestrator") in {"airflow", "dagster"},
    }
    package = context["package_name"]
    return " | ".join(f"{package}.{name}" for name, baked in present.items() if baked)
