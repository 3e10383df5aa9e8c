"""`python -m <package>`: the same command line as the console script."""

from {{ cookiecutter.package_name }}.cli import run

run(prog_name="{{ cookiecutter.project_slug }}")
