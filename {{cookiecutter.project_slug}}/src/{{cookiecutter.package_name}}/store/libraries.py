"""Which installed libraries a pickled model needs, and whether the installed ones can load it.

A pickle refers to the classes of every library whose objects it holds (scikit-learn's, but also
xgboost's or lightgbm's when `problem.make_estimator` returns one of theirs). Unpickling with other
major.minor versions of those libraries can fail, or worse, silently compute something else.
The store saves their versions with each model and refuses a mismatch before unpickling.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.metadata import PackageNotFoundError, packages_distributions
from importlib.metadata import version as installed_version
from typing import Any

from {{ cookiecutter.package_name }}.errors import ArtifactError

# Always in a pickle of a fitted pipeline, whatever its estimator.
ALWAYS = ("joblib", "numpy", "scikit-learn")
OWN_PACKAGE = __name__.split(".")[0]
# Import names whose distribution is named otherwise (found without scanning every installed file).
DISTRIBUTIONS = {"sklearn": "scikit-learn"}


def modules_of(model: Any) -> Iterator[str]:
    """The top-level module of every object inside a fitted scikit-learn-style model."""
    seen: set[int] = set()
    pending = [model]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        module = getattr(type(current), "__module__", "") or ""
        if callable(current) and not isinstance(current, type):
            module = getattr(current, "__module__", module) or module
        yield module.split(".")[0]
        if hasattr(current, "get_params"):
            pending += list(current.get_params(deep=False).values())
        elif isinstance(current, list | tuple):
            pending += list(current)


@cache
def distributions_of(module: str) -> tuple[str, ...]:
    """The installed distributions that provide a top-level module (usually one, or none)."""
    name = DISTRIBUTIONS.get(module, module)
    try:
        installed_version(name)
    except PackageNotFoundError:  # the slow way: every installed distribution's file list
        return tuple(packages_distributions().get(module, ()))
    return (name,)


def libraries_of(model: Any) -> dict[str, str]:
    """The installed distributions (name -> version) whose code the model's objects come from."""
    names = set(ALWAYS)
    for module in set(modules_of(model)) - {"builtins", OWN_PACKAGE}:
        names.update(distributions_of(module))
    return {name: installed_version(name) for name in sorted(names)}


def check_compatible(version: str, saved: dict[str, str]) -> None:
    """Refuse a model saved with other major.minor versions of the libraries it needs."""
    problems = []
    for name, saved_version in sorted(saved.items()):
        try:
            installed = installed_version(name)
        except PackageNotFoundError:
            problems.append(f"{name} {saved_version} (not installed)")
            continue
        if str(saved_version).split(".")[:2] != installed.split(".")[:2]:
            problems.append(f"{name} {saved_version} (installed: {installed})")
    if problems:
        msg = (
            f"model {version} was saved with {', '.join(problems)}; loading a pickle across "
            "versions is unsafe: retrain it, or install those versions"
        )
        raise ArtifactError(msg)


def check_libraries(metadata: dict[str, Any]) -> None:
    """Refuse a model whose metadata does not name its libraries, or names other versions."""
    version, libraries = str(metadata["version"]), metadata.get("libraries")
    if not isinstance(libraries, dict):
        msg = f"model {version} does not say which library versions saved it; retrain it"
        raise ArtifactError(msg)
    check_compatible(version, libraries)
