"""Shape the baked project to the chosen options, then say what to do next.

Runs inside the new project directory. Removals are idempotent (a path that is already gone is
fine), so `cruft update` can run this hook again on an existing project. Pure Python, no shell: it
works the same on Linux, macOS and Windows.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

# Cookiecutter renders this literal. JSON never holds three quotes in a row, so no answer ends it.
RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

# For each option, the paths that belong to each of its values: the paths of every value that was
# not chosen are removed, unless a chosen value (of any option) lists them too. New options add a
# line here, not a branch of code. `{package}` is the package directory, `{slug}` the project's.
OPTION_PATHS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "ci_provider": {
        "github": (".github",),
        "gitlab": (".gitlab-ci.yml",),
        "none": (),
    },
    "api": {
        "flask": (
            "src/{package}/api",
            "gunicorn.conf.py",
            "Dockerfile",
            ".dockerignore",
            "tests/api",
            "tests/test_cli_serve.py",
            "benchmarks/bench_api.py",
            "benchmarks/bench_cold_start.py",
            "benchmarks/bare_app.py",
            "benchmarks/peer_fastapi.py",
            "benchmarks/peer_mlflow.py",
            "src/{package}/ui/remote.py",  # the Streamlit app scoring through the API
            "tests/ui/test_remote.py",
            "docs/serving.md",
        ),
        "none": (),
    },
    "serverless": {
        "aws-lambda": ("src/{package}/api/lambda_handler.py", "tests/api/test_lambda.py"),
        "gcp-functions": (
            "src/{package}/api/gcp_function.py",
            "tests/api/test_gcp_function.py",
            "deploy/gcp-functions",
            "deploy/bundle.py",
            "tests/test_bundle.py",
        ),
        "azure-functions": (
            "src/{package}/api/azure_function.py",
            "tests/api/test_azure_function.py",
            "deploy/azure-functions",
            "deploy/bundle.py",
            "tests/test_bundle.py",
        ),
        "none": (),
    },
    "managed_endpoint": {
        "azure-ml": (
            "src/{package}/api/azureml_score.py",
            "tests/api/test_azureml.py",
            "deploy/azureml",
            "deploy/bundle.py",
            "tests/test_bundle.py",
        ),
        "none": (),
    },
    "ui": {
        "streamlit": (
            "src/{package}/ui",
            "tests/ui",
            ".streamlit",
            "benchmarks/bench_ui_memory.py",
            "docs/app.md",
        ),
        "none": (),
    },
    "batch_engine": {
        "spark": (
            "src/{package}/spark",
            "src/{package}/workflows/spark.py",
            "src/{package}/cli/spark.py",
            "tests/spark",
            "deploy/spark",
            "deploy/databricks",
            "benchmarks/bench_spark.py",
            "deploy/cron/{slug}-scoring.service",  # with orchestrator=cron; else deploy/cron goes
            "deploy/cron/{slug}-scoring.timer",
            "docs/spark.md",
        ),
        "pandas": (),
    },
    "tracking": {
        "mlflow": (
            "src/{package}/tracking/mlflow_runs.py",
            "src/{package}/tracking/settings.py",
            "src/{package}/store/mlflow_registry.py",
            "tests/tracking",
            "benchmarks/bench_tracking.py",
            "docs/mlflow.md",
        ),
        "none": (),
    },
    "orchestrator": {
        "airflow": (
            "src/{package}/orchestration",
            "src/{package}/orchestration/airflow_dag.py",
            "dags",
            "tests/orchestration",
            "tests/orchestration/test_airflow_dag.py",
            "docs/scheduling.md",
        ),
        "dagster": (
            "src/{package}/orchestration",
            "src/{package}/orchestration/dagster_defs.py",
            "tests/orchestration",
            "tests/orchestration/test_dagster_defs.py",
            "docs/scheduling.md",
        ),
        "cron": ("deploy/cron", "tests/deploy", "docs/scheduling.md"),
        "none": (),
    },
}
# Files that differ by an option's value live in `_variants/<option>/<value>/`, laid out as in the
# project: the chosen value's files move into place, the rest are dropped.
VARIANTS_DIR = "_variants"


def remove(path: Path) -> None:
    """Delete a file or a directory tree; a path that does not exist is already removed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def unchosen_paths(answers: Mapping[str, object]) -> list[str]:
    """Paths of the values not chosen, except those that a chosen value of any option lists too
    (`deploy/bundle.py` serves both the serverless targets and the managed endpoint)."""
    chosen = {
        path
        for option, paths_by_value in OPTION_PATHS.items()
        for path in paths_by_value.get(str(answers.get(option)), ())
    }
    unchosen = [
        path
        for option, paths_by_value in OPTION_PATHS.items()
        for value, paths in paths_by_value.items()
        if answers.get(option) != value
        for path in paths
        if path not in chosen
    ]
    return list(dict.fromkeys(unchosen))


def remove_unchosen_option_files(answers: Mapping[str, object], root: Path) -> None:
    for relative in unchosen_paths(answers):
        path = root / relative.format(package=answers["package_name"], slug=answers["project_slug"])
        remove(path)
        for folder in path.parents:  # `deploy/` once its only target is gone
            if folder == root or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()


def install_variants(answers: Mapping[str, object], root: Path) -> None:
    variants = root / VARIANTS_DIR
    if not variants.is_dir():  # already installed: the hook is running again
        return
    for option_dir in sorted(variants.iterdir()):
        chosen = option_dir / str(answers[option_dir.name])
        for source in sorted(chosen.rglob("*")) if chosen.is_dir() else ():
            if source.is_file():
                target = root / source.relative_to(chosen)
                target.parent.mkdir(parents=True, exist_ok=True)
                source.replace(target)
    remove(variants)


def next_steps(answers: Mapping[str, object]) -> str:
    slug = answers["project_slug"]
    return f"""
Baked {slug}. Next steps:

    cd {slug}
    git init -b main && git add -A       # pre-commit and CI work on a git repository
    uv sync                              # the environment and its lock file, uv.lock
    uv run pre-commit install            # the shared checks on every commit
    uv run nox                           # every check CI runs

Then commit, uv.lock included. README.md explains the rest, including template updates (cruft).
"""


def main() -> int:
    answers = json.loads(RENDERED_ANSWERS)
    root = Path.cwd()
    remove_unchosen_option_files(answers, root)
    install_variants(answers, root)
    print(next_steps(answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
