"""`{{ cookiecutter.project_slug }} spark ...`: the Spark commands, added to the main CLI.

Run them from a laptop (Spark in local mode, or any `--master`), under spark-submit
(`deploy/spark/submit.py`), or as a Databricks job (the wheel's console script): the same code.
"""

from __future__ import annotations

from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.cli.common import (
    ModelsDir,
    Seed,
    Verbose,
    Version,
    check_table_name,
    load,
    reported,
    require,
    show_drift,
)

Format = Annotated[
    str | None,
    typer.Option("--format", help="parquet, csv or json (default: by suffix; a folder: parquet)."),
]
Master = Annotated[
    str | None,
    typer.Option(help="Spark master when not under spark-submit (default: spark.master)."),
]


def require_pyspark() -> None:
    require("pyspark", "the Spark commands need PySpark", group="spark")


spark_app: typer.Typer = typer.Typer(
    help="Score, monitor and sample datasets of any size on Apache Spark (needs Java 17+).",
    no_args_is_help=True,
)


@spark_app.command("predict")
def predict(
    source: Annotated[
        str | None,
        typer.Argument(help="Dataset to score: a file or folder, any URI; default: spark.source."),
    ] = None,
    destination: Annotated[
        str | None,
        typer.Argument(help="Parquet dataset (a folder) to write; default: spark.destination."),
    ] = None,
    partition_by: Annotated[
        list[str] | None,
        typer.Option("--partition-by", help="Output column(s) to partition the output by."),
    ] = None,
    file_format: Format = None,
    master: Master = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Validate and score a dataset on the executors; write the output only if every row passed."""
    require_pyspark()
    from {{ cookiecutter.package_name }}.workflows.spark import predict_on_spark

    settings = load(verbose, **{"models.dir": models_dir, "spark.master": master})
    with reported(verbose):
        run = predict_on_spark(
            settings,
            source or settings.required("spark.source"),
            destination or settings.required("spark.destination"),
            model_version,
            partition_by=partition_by or (),
            file_format=file_format,
        )
    typer.echo(
        f"scored {run.rows:,} rows ({run.input_partitions} input partitions, {run.output_files}"
        f" output files) with model {run.version} ({run.runtime}) in {run.seconds:.1f} s"
        f" on {run.master} into {run.destination}"
    )


@spark_app.command("monitor")
def monitor(
    batch: Annotated[
        str | None, typer.Argument(help="Dataset to compare; default: monitoring.data.")
    ] = None,
    sample_rows: Annotated[
        int | None, typer.Option(min=1_000, help="Rows compared (default: spark.sample_rows).")
    ] = None,
    file_format: Format = None,
    master: Master = None,
    model_version: Version = None,
    models_dir: ModelsDir = None,
    verbose: Verbose = False,
) -> None:
    """Drift check of a random sample (every row validated on the executors). Exit 1 on drift."""
    require_pyspark()
    from {{ cookiecutter.package_name }}.workflows.spark import monitor_on_spark

    overrides = {"models.dir": models_dir, "spark.master": master, "spark.sample_rows": sample_rows}
    settings = load(verbose, **overrides)
    with reported(verbose, exit_code=2):  # 1 means drift here: bad input is 2
        outcome = monitor_on_spark(settings, batch, model_version, file_format=file_format)
    rows, total = outcome.result.rows, outcome.batch.sampled_from or outcome.result.rows
    show_drift(outcome, f"a sample of {rows:,} of {total:,} rows")


@spark_app.command("sample")
def sample(
    source: Annotated[str, typer.Argument(help="Labelled dataset: a file or a folder, any URI.")],
    output: Annotated[
        str,
        typer.Argument(
            callback=check_table_name, help="A .parquet, .csv or .jsonl file to train on."
        ),
    ],
    rows: Annotated[
        int | None, typer.Option(min=1, help="Rows to draw (default: spark.sample_rows).")
    ] = None,
    seed: Seed = None,
    file_format: Format = None,
    master: Master = None,
    verbose: Verbose = False,
) -> None:
    """Draw a random sample of labelled rows (every row validated) into a file to train on."""
    require_pyspark()
    from {{ cookiecutter.package_name }}.workflows.spark import sample_on_spark

    settings = load(verbose, **{"training.seed": seed, "spark.master": master})
    with reported(verbose):
        outcome = sample_on_spark(settings, source, output, rows, file_format=file_format)
    typer.echo(f"wrote {outcome.rows:,} of {outcome.total_rows:,} rows to {outcome.output}")
