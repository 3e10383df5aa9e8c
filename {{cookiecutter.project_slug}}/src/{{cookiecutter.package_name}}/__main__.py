"""`python -m <package>`: the same command line as the console script."""

from {{ cookiecutter.package_name }}.cli import app

app(prog_name="{{ cookiecutter.project_slug }}")
