import os

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app


def test_serve_hands_over_to_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, args: calls.append(args))
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (args,) = calls
    assert args[-1] == "{{ cookiecutter.package_name }}.api.wsgi:app"
    assert args[args.index("--config") + 1] == "gunicorn.conf.py"
    assert os.environ["PORT"] == "8123"
    assert os.environ["WEB_CONCURRENCY"] == "3"
