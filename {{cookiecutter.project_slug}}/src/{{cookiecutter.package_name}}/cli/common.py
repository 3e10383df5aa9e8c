"""What every command shares: the common options, one-line errors, settings with the flags on top.

The commands (`cli/__init__.py`, and `cli/spark.py` where Spark is baked) import these; nothing here
imports a workflow, so `--help` stays fast.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.config import Settings
    from {{ cookiecutter.package_name }}.workflows.monitor import Monitoring

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")]
ModelsDir = Annotated[Path | None, typer.Option(help="Where model versions live.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Random seed (default: from settings).")]
Version = Annotated[str | None, typer.Option("--model-version", help="Default: the current one.")]
Data = Annotated[str | None, typer.Option("--data", help="A CSV, Parquet or JSON-lines file.")]
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.py"
REDRAFT = "schema infer FILE --target COLUMN --force"


def schema_problem(error: BaseException) -> str | None:
    """A schema.py that does not load, in one line: which line, what is wrong, how to repair it;
    None when `error` did not come from schema.py."""
    if isinstance(error, SyntaxError) and error.filename:
        if Path(error.filename).resolve() != SCHEMA_FILE:
            return None
        line, detail = error.lineno, f"SyntaxError: {error.msg}"
    else:
        frames = traceback.extract_tb(error.__traceback__)
        lines = [frame.lineno for frame in frames if Path(frame.filename).resolve() == SCHEMA_FILE]
        if not lines:
            return None
        line = lines[-1]
        detail = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
    try:
        shown = SCHEMA_FILE.relative_to(Path.cwd())
    except ValueError:
        shown = SCHEMA_FILE
    return f"{shown} line {line}: {detail} (fix that line, or draft the file again: {REDRAFT})"


@contextmanager
def reported(verbose: bool, exit_code: int = 1) -> Iterator[None]:
    """Show an error as one line and exit: a bad setting with 2, any other ProjectError with
    `exit_code`; with --verbose, let the traceback through."""
    from {{ cookiecutter.package_name }}.errors import ProjectError, SettingsError

    try:
        yield
    except ProjectError as error:
        if verbose:
            raise
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2 if isinstance(error, SettingsError) else exit_code) from None
    except OSError as error:  # a full disk, a file too large, no permission
        if verbose:
            raise
        where = f": '{error.filename}'" if error.filename else ""
        typer.echo(f"error: {error.strerror or error}{where}", err=True)
        raise typer.Exit(exit_code) from None
{%- if cookiecutter.tracking == "mlflow" %}


def load(verbose: bool, **overrides: Any) -> Settings:
    """The settings, with the flags that were given (dotted names) on top. `--models-dir` names
    a folder that MLflow tracking does not use: refused rather than silently ignored."""
    from {{ cookiecutter.package_name }}.config import env_name, load_settings
    from {{ cookiecutter.package_name }}.errors import SettingsError

    with reported(verbose, exit_code=2):
        settings = load_settings(**overrides)
        if overrides.get("models.dir") is not None and settings.tracking.backend == "mlflow":
            msg = (
                "--models-dir names a models folder, and models are in MLflow here"
                f" (tracking.backend=mlflow): set {env_name('tracking', 'backend')}=files"
                " to use a folder"
            )
            raise SettingsError(msg)
        return settings
{%- else %}


def load(verbose: bool, **overrides: Any) -> Settings:
    """The settings, with the flags that were given (dotted names) on top."""
    from {{ cookiecutter.package_name }}.config import load_settings

    with reported(verbose, exit_code=2):
        return load_settings(**overrides)
{%- endif %}


def check_table_name(location: str) -> str:
    from {{ cookiecutter.package_name }} import tables
    from {{ cookiecutter.package_name }}.errors import DataError

    try:
        tables.format_of(location)
    except DataError as error:
        raise typer.BadParameter(str(error)) from None
    return location


def check_output(location: str) -> str:
    """A file of a format we write, or table:NAME of the database (checked when it is used)."""
    from {{ cookiecutter.package_name }}.tables.sql import is_table

    return location if is_table(location) else check_table_name(location)
{%- if cookiecutter.ui == "streamlit" or cookiecutter.batch_engine == "spark" %}


def require(module: str, needs: str, *, group: str) -> None:
    """Exit 1 saying how to install an optional library, rather than fail on an import later."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        typer.echo(
            f"error: {needs}, which is not installed here: run `uv sync --group {group}`", err=True
        )
        raise typer.Exit(1)
{%- endif %}


def show_drift(outcome: Monitoring, compared: str) -> None:
    """Each drifted check, the verdict on the `compared` rows, the report; exit 1 on drift."""
    result = outcome.result
    for check in result.drifted:
        typer.echo(
            f"drift: {check.name}: {check.effect_name} {check.effect:.3f}, "
            f"corrected p {check.p_adjusted:.2g} ({check.test})"
        )
    verdict = "DRIFT" if result.drift else "no drift"
    typer.echo(
        f"{verdict}: {len(result.drifted)} of {len(result.checks)} checks, {compared} "
        f"against model {outcome.version}"
    )
    typer.echo(f"report: {outcome.html_report} (and {outcome.json_report.name})")
    if result.drift:
        raise typer.Exit(1)
