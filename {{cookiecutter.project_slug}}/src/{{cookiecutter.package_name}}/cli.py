"""The command line, installed as a console script named after the project; `--help` lists it all.

A thin adapter: it parses flags, calls the core, and prints results. Errors are one line on stderr
(`--verbose` shows the traceback). Exit codes: 0 success, 1 failure, 2 bad usage.
"""

from __future__ import annotations

import json
{%- if cookiecutter.api == "flask" %}
import os
{%- endif %}
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from {{ cookiecutter.package_name }} import __version__, artifacts, pipeline
from {{ cookiecutter.package_name }} import retrain as retraining
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.dataset import make_dataset
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.evaluate import (
    evaluate as evaluate_model,
)
from {{ cookiecutter.package_name }}.evaluate import (
    quality_gate,
    write_report,
)
from {{ cookiecutter.package_name }}.monitoring import monitor as monitoring
from {{ cookiecutter.package_name }}.predict import predict_file

app = typer.Typer(
    name="{{ cookiecutter.project_slug }}",
    help="Train, evaluate and use the {{ cookiecutter.project_slug }} model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

OUTPUT_TYPES = (".csv", ".parquet")
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")]
ModelsDir = Annotated[Path | None, typer.Option(help="Where model versions live.")]
Seed = Annotated[int | None, typer.Option(help="Random seed (default: from settings).")]
Version = Annotated[str | None, typer.Option("--model-version", help="Default: CURRENT.")]


def settings_from(**overrides: Any) -> Settings:
    """Settings from the environment and .env, with the flags that were given on top."""
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e['input']!r})"
            for e in error.errors()
        )
        typer.echo(f"error: invalid settings: {problems}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def reported(verbose: bool, exit_code: int = 1) -> Iterator[None]:
    """Show a ProjectError as one line and exit (1); with --verbose, let the traceback through."""
    try:
        yield
    except ProjectError as error:
        if verbose:
            raise
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(exit_code) from None


def check_suffix(path: Path) -> Path:
    if path.suffix.lower() not in OUTPUT_TYPES:
        msg = f"'{path}' must end in {' or '.join(OUTPUT_TYPES)}"
        raise typer.BadParameter(msg)
    return path


def version_callback(show: bool) -> None:
    if show:
        typer.echo(__version__)
        raise typer.Exit


@app.callback()
def main(
    show_version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True)
    ] = False,
) -> None:
    """Settings come from environment variables (see config.py) and .env; flags override them."""


@app.command()
def data(
    output: Annotated[Path, typer.Option(callback=check_suffix)] = Path("data/raw/sample.parquet"),
    rows: Annotated[int | None, typer.Option(min=1, help="Default: from settings.")] = None,
    seed: Seed = None,
    verbose: Verbose = False,
) -> None:
    """Write the embedded sample dataset to a CSV or Parquet file."""
    settings = settings_from(random_seed=seed)
    with reported(verbose):
        table = make_dataset(rows or settings.sample_rows, settings.random_seed)
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.suffix.lower() == ".csv":
            table.to_csv(output, index=False)
        else:
            table.to_parquet(output, index=False)
    typer.echo(f"wrote {len(table):,} rows to {output}")


@app.command()
def train(
    data_path: Annotated[
        Path | None,
        typer.Option(
            "--data", help="CSV or Parquet; default: the source_data setting, else the sample."
        ),
    ] = None,
    seed: Seed = None,
    min_score: Annotated[float | None, typer.Option(help="Quality gate.")] = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Train a model, evaluate it on a holdout, and promote it if it passes the quality gate."""
    settings = settings_from(random_seed=seed, min_score=min_score, models_dir=models_dir)
    with reported(verbose):
        table = pipeline.load_labelled_data(
            data_path or settings.source_data, rows=settings.sample_rows, seed=settings.random_seed
        )
        outcome = pipeline.train_and_register(table, settings)
    typer.echo(f"model {outcome.version}: " + json.dumps(outcome.metrics))
    typer.echo(str(outcome.gate))
    typer.echo(f"report: {outcome.report[0].parent}")
    if not outcome.promoted:
        typer.echo("not promoted: the current model is unchanged", err=True)
        raise typer.Exit(1)
    typer.echo(f"promoted {outcome.version} to current")


@app.command()
def evaluate(
    data_path: Annotated[
        Path | None,
        typer.Option("--data", help="CSV or Parquet with the target; default: a fresh sample."),
    ] = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Score a model on labelled data; write metrics.json and plots under the reports folder."""
    settings = settings_from(models_dir=models_dir)
    with reported(verbose):
        loaded = artifacts.load_model(settings.models_dir, model_version)
        # Without a file: a sample drawn with another seed, so rows the model was not trained on.
        table = pipeline.load_labelled_data(
            data_path, rows=settings.sample_rows, seed=settings.random_seed + 1
        )
        evaluation = evaluate_model(loaded.model, table)
        gate = quality_gate(evaluation.metrics, settings.min_score)
        out_dir = settings.reports_dir / f"{loaded.version}-evaluation"
        paths = write_report(evaluation, gate, out_dir)
    typer.echo(f"model {loaded.version}: " + json.dumps(evaluation.metrics))
    typer.echo(str(gate))
    typer.echo(f"report: {paths[0].parent}")


@app.command()
def predict(
    source: Annotated[Path, typer.Argument(help="CSV or Parquet file to score.")],
    destination: Annotated[Path, typer.Argument(help="Output .csv or .parquet file.")],
    chunk_rows: Annotated[int | None, typer.Option(min=1, help="Rows per chunk.")] = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    progress: Annotated[bool | None, typer.Option(help="Default: when on a terminal.")] = None,
    verbose: Verbose = False,
) -> None:
    """Score a file of any size, chunk by chunk, into a new CSV or Parquet file."""
    settings = settings_from(chunk_rows=chunk_rows, models_dir=models_dir)
    check_suffix(destination)
    with reported(verbose):
        loaded = artifacts.load_model(settings.models_dir, model_version)
        rows = predict_file(
            loaded.model,
            source,
            destination,
            chunk_rows=settings.chunk_rows,
            progress=sys.stderr.isatty() if progress is None else progress,
        )
    typer.echo(f"scored {rows:,} rows with model {loaded.version} into {destination}")


@app.command()
def monitor(
    batch: Annotated[
        Path | None,
        typer.Argument(
            help="CSV, Parquet, or the API's prediction log (.jsonl); default: monitoring_data."
        ),
    ] = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Compare a batch with the model's training data. Exit 0: no drift, 1: drift, 2: bad input."""
    settings = settings_from(models_dir=models_dir)
    with reported(verbose, exit_code=2):  # 1 means drift here: bad input is 2
        batch = batch or settings.required_path("monitoring_data")
        outcome = monitoring.monitor(batch, settings, model_version)
    result = outcome.result
    for check in result.drifted:
        typer.echo(
            f"drift: {check.name}: {check.effect_name} {check.effect:.3f}, "
            f"corrected p {check.p_adjusted:.2g} ({check.test})"
        )
    verdict = "DRIFT" if result.drift else "no drift"
    typer.echo(
        f"{verdict}: {len(result.drifted)} of {len(result.checks)} checks, {result.rows:,} rows "
        f"against model {outcome.version}"
    )
    typer.echo(f"report: {outcome.html_report} (and {outcome.json_report.name})")
    if result.drift:
        raise typer.Exit(1)


@app.command()
def retrain(
    data_path: Annotated[
        Path | None,
        typer.Option("--data", help="New labelled CSV or Parquet data; default: source_data."),
    ] = None,
    reference_data: Annotated[
        Path | None,
        typer.Option(help="Earlier labelled data to train on as well (default: new data only)."),
    ] = None,
    tolerance: Annotated[
        float | None, typer.Option(min=0, help="How far below the champion a challenger may be.")
    ] = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Train a challenger; promote it only if it passes the gate and is not worse than the champion.

    Exit 0 when the challenger was promoted, 1 when the champion stays. The decision is appended
    to decisions.jsonl in the models folder.
    """
    settings = settings_from(models_dir=models_dir, retrain_tolerance=tolerance)
    with reported(verbose):
        new = pipeline.read_validated(data_path or settings.required_path("source_data"))
        reference = None if reference_data is None else pipeline.read_validated(reference_data)
        decision = retraining.retrain(new, settings, reference)
    metric = decision.metric
    champion = decision.champion_metrics
    typer.echo(
        f"challenger {decision.challenger}: {metric} {decision.challenger_metrics[metric]:.4f}"
        + (f"; champion {decision.champion}: {champion[metric]:.4f}" if champion else "")
        + f" (same {decision.holdout_rows:,}-row holdout)"
    )
    typer.echo(("promoted: " if decision.promoted else "kept the champion: ") + decision.reason)
    if not decision.promoted:
        raise typer.Exit(1)


@app.command()
def rollback(
    to: Annotated[
        str | None, typer.Option(help="Version to restore (default: the previous current one).")
    ] = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Make an earlier model version current again; nothing is deleted."""
    settings = settings_from(models_dir=models_dir)
    with reported(verbose):
        decision = retraining.rollback(settings, to)
    typer.echo(decision.reason)


@app.command()
def info(
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Print a model's metadata as JSON (default: the current model)."""
    settings = settings_from(models_dir=models_dir)
    with reported(verbose):
        metadata = artifacts.read_metadata(settings.models_dir, model_version)
    typer.echo(json.dumps(metadata, indent=2))
{%- if cookiecutter.api == "flask" %}


@app.command()
def serve(
    port: Annotated[int, typer.Option(envvar="PORT", min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(envvar="WEB_CONCURRENCY", min=1)] = 2,
) -> None:
    """Serve the current model over HTTP with gunicorn (run it from the project's folder)."""
    os.environ.update(PORT=str(port), HOST=host, WEB_CONCURRENCY=str(workers))
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    # Replace this process, so that signals (SIGTERM from a container runtime) reach gunicorn.
    os.execv(sys.executable, [*command, "{{ cookiecutter.package_name }}.api.wsgi:app"])  # noqa: S606
{%- endif %}
