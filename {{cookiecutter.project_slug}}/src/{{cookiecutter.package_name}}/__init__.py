"""The project's importable code: notebooks, the CLI and services all import it."""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__`, read from the installed distribution only when asked for (it costs ~50 ms,
    which every command-line start would pay otherwise)."""
    if name == "__version__":
        from importlib.metadata import version

        return version("{{ cookiecutter.project_slug }}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
