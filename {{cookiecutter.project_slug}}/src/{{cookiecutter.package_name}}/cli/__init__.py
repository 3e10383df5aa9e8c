"""The command line, installed as a console script named after the project; `--help` lists it all.

A thin adapter: it parses flags, calls one workflow (`workflows/`), and prints the result. Errors
are one line on stderr (`--verbose` shows the traceback). Exit codes: 0 success, 1 failure, 2 bad
usage (including an unknown or invalid setting).

Each command imports its workflow when it runs, so `--help` starts without loading pandas or
scikit-learn.
"""

from __future__ import annotations

import json
{%- if cookiecutter.api == "flask" or cookiecutter.ui == "streamlit" %}
import os
{%- endif %}
import sys
from pathlib import Path
from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.cli.common import (
    Data,
    ModelsDir,
    Seed,
    Verbose,
    Version,
    check_output,
    check_table_name,
    load,
    reported,
{%- if cookiecutter.ui == "streamlit" %}
    require,
{%- endif %}
    schema_problem,
    show_drift,
)

app = typer.Typer(
    name="{{ cookiecutter.project_slug }}",
    help="Train, evaluate and use the {{ cookiecutter.project_slug }} model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: formatting it with rich would double the start-up time
)


def run(prog_name: str | None = None) -> None:
    """The console script: every command, and a schema.py that does not load said in one line
    (exit 2) by each command that needs it; `schema infer --force`, which repairs it, does not."""
    try:
        app(prog_name=prog_name)
    except Exception as error:
        problem = schema_problem(error)
        if problem is None or {"--verbose", "-v"} & set(sys.argv[1:]):
            raise
        typer.echo(f"error: {problem}", err=True)
        raise SystemExit(2) from None


def version_callback(show: bool) -> None:
    if show:
        from {{ cookiecutter.package_name }} import __version__

        typer.echo(__version__)
        raise typer.Exit


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Settings come from environment variables and .env (`settings` lists them); flags override."""


@app.command()
def data(
    output: Annotated[
        str, typer.Option(callback=check_table_name, help="A .csv, .parquet or .jsonl file.")
    ] = "data/raw/sample.parquet",
    rows: Annotated[int | None, typer.Option(min=1, help="Default: data.sample_rows.")] = None,
    seed: Seed = None,
    drift: Annotated[
        float, typer.Option(min=0, help="Move the features this many standard deviations.")
    ] = 0.0,
    verbose: Verbose = False,
) -> None:
    """Write the embedded sample dataset to a file (--drift: a batch to try `monitor` on)."""
    from {{ cookiecutter.package_name }}.workflows.data import write_sample

    settings = load(verbose, **{"training.seed": seed})
    with reported(verbose):
        written = write_sample(settings, output, rows, drift=drift)
    typer.echo(f"wrote {written:,} rows to {output}")


@app.command()
def train(
    data_path: Data = None,
    seed: Seed = None,
    min_score: Annotated[float | None, typer.Option(help="Quality gate.")] = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Train a model, evaluate it on a holdout, and promote it if it passes the quality gate.

    Without --data: the data.source setting, else the embedded sample dataset.
    """
    from {{ cookiecutter.package_name }}.workflows.train import train as train_model

    overrides = {"training.seed": seed, "training.min_score": min_score, "models.dir": models_dir}
    settings = load(verbose, **overrides)
    with reported(verbose):
        outcome = train_model(settings, data_path)
    if outcome.left_out:
        typer.echo(outcome.left_out)
    typer.echo(f"model {outcome.version}: " + json.dumps(outcome.metrics))
    typer.echo(str(outcome.gate))
    typer.echo(outcome.serving)
    typer.echo(f"report: {outcome.report[0].parent}")
    if outcome.unservable:
        typer.echo(f"not promoted: {outcome.unservable}", err=True)
    if not outcome.promoted:
        typer.echo("not promoted: the current model is unchanged", err=True)
        raise typer.Exit(1)
    typer.echo(f"promoted {outcome.version} to current")


@app.command()
def tune(
    data_path: Data = None,
    trials: Annotated[int | None, typer.Option(min=1, help="Most trials.")] = None,
    timeout: Annotated[float | None, typer.Option(min=1, help="Most seconds.")] = None,
    parameters: Annotated[
        bool, typer.Option("--parameters", help="List the parameter names the family takes.")
    ] = False,
    progress: Annotated[bool | None, typer.Option(help="Default: when on a terminal.")] = None,
    verbose: Verbose = False,
) -> None:
    """Search the family's hyperparameters by cross-validation; write the best to tuned.json.

    The family is the training.family setting, its search space in search_space.py; `train`
    then uses the parameters written (review and commit the file). Ctrl-C keeps the best so far.
    """
    settings = load(verbose, **{"tuning.trials": trials, "tuning.timeout": timeout})
    if parameters:
        from {{ cookiecutter.package_name }}.modeling.families import (
            new_estimator,
            parameter_names,
        )
        from {{ cookiecutter.package_name }}.modeling.training import build

        with reported(verbose, exit_code=2):
            family = settings.training.family
            names = parameter_names(new_estimator(family, 0), build(family, 0, {}))
        typer.echo("\n".join(sorted(names)))
        return
    from {{ cookiecutter.package_name }}.workflows.tune import tune as tune_family

    show = sys.stderr.isatty() if progress is None else progress
    with reported(verbose):
        outcome = tune_family(settings, data_path, progress=show)
    metric = outcome.metric
    typer.echo(
        f"{outcome.family}: best cross-validated {metric} {outcome.best_score:.4f} (defaults"
        f" {outcome.default_score:.4f}) after {outcome.trials} trial(s) in {outcome.seconds} s"
        + (" (interrupted)" if outcome.interrupted else "")
    )
    typer.echo(json.dumps(outcome.hyperparameters))
    typer.echo(f"written to {outcome.file}: `train` fits the {outcome.family} family with them")


@app.command()
def evaluate(
    data_path: Annotated[
        str | None,
        typer.Option("--data", help="Labelled CSV, Parquet or JSON lines; default: the holdout."),
    ] = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Score a model on labelled data (default: its own holdout). Exit 1 if below the gate."""
    from {{ cookiecutter.package_name }}.workflows.evaluate import evaluate_model

    settings = load(verbose, **{"models.dir": models_dir})
    with reported(verbose):
        outcome = evaluate_model(settings, data_path, model_version)
    if outcome.left_out:
        typer.echo(outcome.left_out)
    typer.echo(
        f"model {outcome.version} on {outcome.data} ({outcome.rows:,} rows): "
        + json.dumps(outcome.metrics)
    )
    typer.echo(str(outcome.gate))
    typer.echo(f"report: {outcome.report[0].parent}")
    if not outcome.gate.passed:
        raise typer.Exit(1)


@app.command()
def predict(
    source: Annotated[
        str,
        typer.Argument(help="A CSV, Parquet or JSON-lines file, sql/NAME.sql or table:NAME."),
    ],
    destination: Annotated[
        str,
        typer.Argument(
            callback=check_output, help="Output .csv, .parquet or .jsonl file, or table:NAME."
        ),
    ],
    chunk_rows: Annotated[int | None, typer.Option(min=1, help="Rows per chunk.")] = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    progress: Annotated[bool | None, typer.Option(help="Default: when on a terminal.")] = None,
    verbose: Verbose = False,
) -> None:
    """Score a file of any size, chunk by chunk, into a new file."""
    from {{ cookiecutter.package_name }}.workflows.predict import predict as predict_file

    settings = load(verbose, **{"data.chunk_rows": chunk_rows, "models.dir": models_dir})
    show = sys.stderr.isatty() if progress is None else progress
    with reported(verbose):
        outcome = predict_file(settings, source, destination, model_version, progress=show)
    typer.echo(
        f"scored {outcome.rows:,} rows with model {outcome.version} into {outcome.destination}"
    )
    if outcome.note:
        typer.echo(outcome.note)


@app.command()
def monitor(
    batch: Annotated[
        str | None,
        typer.Argument(
            help="CSV, Parquet, JSON lines or the API's prediction log; default: monitoring.data."
        ),
    ] = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Compare a batch with the model's training data. Exit 0: no drift, 1: drift, 2: bad input."""
    from {{ cookiecutter.package_name }}.workflows.monitor import monitor as monitor_batch

    settings = load(verbose, **{"models.dir": models_dir})
    with reported(verbose, exit_code=2):  # 1 means drift here: bad input is 2
        outcome = monitor_batch(settings, batch, model_version)
    read = outcome.batch
    if read.skipped:
        typer.echo(
            f"skipped {read.skipped:,} prediction-log line(s) that hold no valid record, e.g. "
            + "; ".join(read.examples)
        )
    show_drift(outcome, f"{outcome.result.rows:,} rows")


@app.command()
def retrain(
    data_path: Annotated[
        str | None,
        typer.Option(
            "--data",
            help="New labelled data; default: the data.source setting, else the embedded sample.",
        ),
    ] = None,
    reference_data: Annotated[
        str | None,
        typer.Option(help="Earlier labelled data to train on as well (default: new data only)."),
    ] = None,
    tolerance: Annotated[
        float | None, typer.Option(min=0, help="How far below the champion a challenger may be.")
    ] = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Train a challenger; promote it only if it passes the gate and is not worse than the champion.

    Exit 0 when the challenger was promoted, 1 when the champion stays. The decision is logged in
    the model store (models/events.jsonl).
    """
    from {{ cookiecutter.package_name }}.workflows.retrain import retrain as retrain_model

    settings = load(verbose, **{"models.dir": models_dir, "retrain.tolerance": tolerance})
    with reported(verbose):
        decision = retrain_model(settings, data_path, reference_data)
    if decision.left_out:
        typer.echo(decision.left_out)
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
    from {{ cookiecutter.package_name }}.workflows.rollback import rollback as roll_back

    settings = load(verbose, **{"models.dir": models_dir})
    with reported(verbose):
        event = roll_back(settings, to)
    typer.echo(event.reason)


@app.command()
def info(
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Print a model's metadata as JSON (default: the current model)."""
    from {{ cookiecutter.package_name }}.workflows.info import model_info

    settings = load(verbose, **{"models.dir": models_dir})
    with reported(verbose):
        metadata = model_info(settings, model_version)
    typer.echo(json.dumps(metadata, indent=2))


schema_app = typer.Typer(
    help="Draft schema.py from your data, or check data against it.", no_args_is_help=True
)
app.add_typer(schema_app, name="schema")


@schema_app.command("infer")
def infer_schema(
    source: Annotated[str, typer.Argument(help="A CSV, Parquet or JSON-lines table of your data.")],
    target: Annotated[
        str | None, typer.Option(help="The column to predict (not needed with --check).")
    ] = None,
    positive_class: Annotated[
        str | None,
        typer.Option(help="Two classes: the one whose probability the model gives."),
    ] = None,
    max_categories: Annotated[
        int, typer.Option(min=2, help="Text columns with more distinct values are left out.")
    ] = 20,
    force: Annotated[bool, typer.Option(help="Replace an existing schema.py.")] = False,
    check: Annotated[
        bool, typer.Option(help="Only report whether the table still matches schema.py.")
    ] = False,
    output: Annotated[Path | None, typer.Option(help="Default: src/<package>/schema.py.")] = None,
    verbose: Verbose = False,
) -> None:
    """Draft src/<package>/schema.py from a table (each decision printed with its reason).

    With --check: exit 0 if the table matches the current schema, 1 if not.
    """
    from {{ cookiecutter.package_name }}.workflows import schema_infer

    settings = load(verbose)
    if check:
        with reported(verbose):
            checked = schema_infer.check_schema(settings, source)
        for problem in checked.problems:
            typer.echo(f"mismatch: {problem}")
        for name in checked.unused:
            typer.echo(f"not used: {name!r} is in the table but not in the schema")
        if checked.left_out:
            typer.echo(checked.left_out)
        verdict = "matches" if checked.matches else "does NOT match"
        typer.echo(f"{source} ({checked.rows:,} rows) {verdict} schema.py")
        if not checked.matches:
            raise typer.Exit(1)
        return
    if target is None:
        raise typer.BadParameter("name the column to predict", param_hint="--target")
    command = f"uv run {app.info.name} schema infer {Path(source).name} --target {target}"
    if positive_class is not None:
        command += f" --positive-class {positive_class}"
    with reported(verbose):
        drafted = schema_infer.infer_schema(
            settings,
            source,
            target,
            positive=positive_class,
            max_categories=max_categories,
            output=output,
            force=force,
            command=command,
        )
    for decision in drafted.decisions:
        typer.echo(str(decision))
    if drafted.sampled:
        typer.echo(
            f"read {drafted.rows:,} rows in chunks; identifiers, free text and the shape of dates"
            f" were judged on a uniform sample of {drafted.sampled:,} rows, the rest on every row"
        )
    typer.echo(f"wrote {drafted.path} ({drafted.features} features): review it, then `uv run nox`")


@app.command("settings")
def show_settings(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    verbose: Verbose = False,
) -> None:
    """Print every setting's variable name and effective value (secrets masked)."""
    from {{ cookiecutter.package_name }}.config import masked

    values = masked(load(verbose))
    if as_json:
        typer.echo(json.dumps(values, indent=2))
        return
    for name, value in values.items():
        shown = "" if value is None else value if isinstance(value, str) else json.dumps(value)
        typer.echo(f"{name}={shown}")
{%- if cookiecutter.api == "flask" %}


@app.command()
def serve(
    port: Annotated[int, typer.Option(envvar="PORT", min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(envvar="WEB_CONCURRENCY", min=1)] = 2,
    verbose: Verbose = False,
) -> None:
    """Serve the current model over HTTP with gunicorn (run it from the project's folder)."""
    from {{ cookiecutter.package_name }}.api.app import configured_keys

    settings = load(verbose)
    with reported(verbose, exit_code=2):  # no key, an unreadable keys file: say so before gunicorn
        configured_keys(settings.api)
    os.environ.update(PORT=str(port), HOST=host, WEB_CONCURRENCY=str(workers))
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    # Replace this process, so that signals (SIGTERM from a container runtime) reach gunicorn.
    os.execv(sys.executable, [*command, "{{ cookiecutter.package_name }}.api.wsgi:app"])  # noqa: S606
{%- endif %}
{%- if cookiecutter.ui == "streamlit" %}


@app.command()
def ui(
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8501,
    host: Annotated[
        str, typer.Option(help="The address to listen on; 0.0.0.0: every network.")
    ] = "127.0.0.1",
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Start the web app: score a record or a file, the model card, the latest drift report."""
    from {{ cookiecutter.package_name }}.config import env_name

    require("streamlit", "the web app needs Streamlit", group="ui")
    load(verbose, **{"models.dir": models_dir})  # a bad setting: one line here, not a broken page
    if models_dir is not None:
        os.environ[env_name("models", "dir")] = str(models_dir)
    script = Path(__file__).parents[1] / "ui" / "app.py"
    options = [f"--server.port={port}", f"--server.address={host}"]
    # .streamlit/config.toml's settings, for a start from another folder than the project's
    options += ["--server.headless=true", "--server.maxUploadSize=100"]
    options += ["--client.toolbarMode=viewer", "--client.showErrorDetails=type"]
    options += ["--browser.gatherUsageStats=false"]  # wherever it starts, it reports nothing
    # Replace this process, so that signals (Ctrl-C, a container's SIGTERM) reach Streamlit.
    command = [sys.executable, "-m", "streamlit", "run", str(script), *options]
    os.execv(sys.executable, command)  # noqa: S606
{%- endif %}
{%- if cookiecutter.batch_engine == "spark" %}


from {{ cookiecutter.package_name }}.cli.spark import spark_app  # noqa: E402  (the commands first)

app.add_typer(spark_app, name="spark")
{%- endif %}
