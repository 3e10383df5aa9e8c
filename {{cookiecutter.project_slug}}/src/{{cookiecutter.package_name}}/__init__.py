"""The project's importable code: notebooks, the CLI and services all import it."""

from importlib.metadata import version

__version__ = version("{{ cookiecutter.project_slug }}")
