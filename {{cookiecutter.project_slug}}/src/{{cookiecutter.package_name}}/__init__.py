"""The project's importable code: notebooks, the CLI and services all import it.

Yours to edit, at the top of the package:

    schema.py     the columns and the target (`schema infer` drafts it from your table)
    problem.py    the model: estimators by family, predictions, metrics, plots (its contract:
                  modeling/contract.py)
    features.py   the feature pipeline, fitted inside the model
    search_space.py  the hyperparameters `tune` searches, per family
    config.py     the settings tree (override any setting with a <PREFIX>_GROUP_NAME variable)
    errors.py     the one-line errors every adapter shows
    cli/          the command line

The machinery, in layers: a module imports only from the layers below its own, and the adapters on
one layer never import each other (`lint-imports` checks it; the contracts are in pyproject.toml).

    cli                                   the command line, which also starts the servers
{%- if cookiecutter.api == "flask" or cookiecutter.ui == "streamlit" or cookiecutter.orchestrator in ["airflow", "dagster"] %}
    {{ cookiecutter | adapter_layer | replace(cookiecutter.package_name ~ ".", "") }}{{ " " * (38 - (cookiecutter | adapter_layer | replace(cookiecutter.package_name ~ ".", "") | length)) }}the other adapters: HTTP, the web app, the orchestrator
{%- endif %}
    workflows                             one module per command: train, predict, monitor, ...
{%- if cookiecutter.batch_engine == "spark" %}
    spark                                 the same checks and model on Apache Spark
{%- endif %}
    monitoring | modeling                 drift statistics; training, scoring, predictors, ONNX
    problem | features | search_space     yours, above
    store                                 model versions, the current one, events; its holder
    tracking                              what each run records (and where)
    columns : schema : tables             column kinds, validation, the sample; reading/writing
    config | fs                           settings; atomic writes to paths and fsspec URIs
    errors                                the one-line errors, imported by everything
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__`, read from the installed distribution only when asked for (it costs ~50 ms,
    which every command-line start would pay otherwise)."""
    if name == "__version__":
        from importlib.metadata import version

        return version("{{ cookiecutter.project_slug }}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
