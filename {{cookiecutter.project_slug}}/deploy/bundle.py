"""Assemble a folder to deploy: the entry files of a target, the package, its pinned
requirements and the model in use.

    uv run python deploy/bundle.py TARGET [--output DIR] [--version VERSION]

TARGET is a folder of `deploy/` with an entry file for that platform; the bundle goes to
`dist/TARGET/` (git-ignored) and holds:

    <entry files>        copied from deploy/TARGET/
    <package>/           the package's source (the platform puts the folder on sys.path)
    *.dist-info/         its name and version, where importlib.metadata finds them
    requirements.txt     the target's dependency group as uv.lock pins it, with hashes
    models/              the model version to serve (default: CURRENT) and CURRENT

Only the serving libraries are installed there (no pandas, no scikit-learn): the model must
have its ONNX export, and the bundle refuses one that does not load, before anything is written.
The bundle is written next to the output and moved into place whole: a failure leaves the
previous bundle as it was.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.modeling.loading import load_predictor
from {{ cookiecutter.package_name }}.store import open_store

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "src" / "{{ cookiecutter.package_name }}"
DISTRIBUTION = "{{ cookiecutter.project_slug }}"
# Each target: its folder under deploy/, and the dependency group its platform installs.
TARGETS = {
{%- if cookiecutter.serverless in ["gcp-functions", "azure-functions"] %}
    "{{ cookiecutter.serverless }}": "{{ cookiecutter.serverless }}",
{%- endif %}
{%- if cookiecutter.managed_endpoint == "azure-ml" %}
    "azureml": "azure-ml",
{%- endif %}
}
UNSHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")
MARKER = ".bundle"  # in every bundle: only a folder holding it is ever replaced


class BundleError(Exception):
    """Why no bundle was written, in one line."""


def requirements(group: str) -> str:
    """The group's pinned requirements with hashes, as `uv export` writes them from uv.lock."""
    command = [
        "uv",
        "export",
        "--locked",
        "--no-default-groups",
        f"--only-group={group}",
        "--no-emit-project",
        "--no-header",
        "--quiet",
    ]
    result = subprocess.run(  # noqa: S603 - a fixed command
        command, cwd=PROJECT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        msg = f"`{' '.join(command)}` failed: {result.stderr.strip()}"
        raise BundleError(msg)
    return result.stdout


def checked_version(models: Path, version: str | None) -> str:
    """The version to ship, after checking that the serving libraries load it (its ONNX)."""
    try:
        store = open_store(load_settings().with_overrides(**{"models.dir": models}))
        chosen = version or store.current()
        predictor = load_predictor(store, chosen)
    except ProjectError as error:
        raise BundleError(str(error)) from None
    if predictor.runtime != "onnxruntime":
        msg = f"model {chosen} has no ONNX export; the bundle installs no scikit-learn to serve it"
        raise BundleError(msg)
    return chosen


def write_metadata(folder: Path) -> None:
    """The distribution's name and version beside the package, where `importlib.metadata` looks
    (the package reads its `__version__` there; the platform installs the dependencies alone)."""
    version = metadata.version(DISTRIBUTION)
    info = folder / f"{DISTRIBUTION.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    fields = f"Metadata-Version: 2.1\nName: {DISTRIBUTION}\nVersion: {version}\n"
    (info / "METADATA").write_text(fields, encoding="utf-8")


def write_bundle(target: str, output: Path, models: Path, version: str | None) -> str:
    """Write the bundle of `target` to `output` (replaced whole); return the version shipped."""
    if target not in TARGETS:
        msg = f"unknown target {target!r}; this project bundles: {', '.join(TARGETS)}"
        raise BundleError(msg)
    if output.exists() and not (output / MARKER).is_file():
        msg = f"'{output}' exists and is not a bundle: choose another --output"
        raise BundleError(msg)
    chosen = checked_version(models, version)
    pinned = requirements(TARGETS[target])
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        shutil.copytree(PROJECT / "deploy" / target, staging, dirs_exist_ok=True, ignore=UNSHIPPED)
        shutil.copytree(PACKAGE, staging / PACKAGE.name, ignore=UNSHIPPED)
        (staging / "requirements.txt").write_text(pinned, encoding="utf-8")
        write_metadata(staging)
        (staging / MARKER).write_text(f"{target} {chosen}\n", encoding="utf-8")
        shutil.copytree(models / chosen, staging / "models" / chosen, ignore=UNSHIPPED)
        (staging / "models" / "CURRENT").write_text(chosen + "\n", encoding="utf-8")
        staging.chmod(0o755)
        previous = output.with_name(f".{output.name}.previous")
        shutil.rmtree(previous, ignore_errors=True)  # left by a run that was killed
        if output.exists():
            output.replace(previous)
        staging.replace(output)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(TARGETS), help="what to bundle for")
    parser.add_argument("--output", type=Path, help="the bundle's folder (default: dist/TARGET)")
    parser.add_argument("--models", type=Path, help="the models folder (default: the setting)")
    parser.add_argument("--version", help="the model version to ship (default: CURRENT)")
    args = parser.parse_args(argv)
    output = args.output or PROJECT / "dist" / args.target
    try:
        models = args.models or load_settings().models.dir
        version = write_bundle(args.target, output.resolve(), Path(models), args.version)
    except (BundleError, ProjectError, OSError, metadata.PackageNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"bundled {args.target} with model {version} in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
