import os

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import ENV_PREFIX


def test_serve_hands_over_to_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, args: calls.append(args))
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEYS", "a-key")
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (args,) = calls
    assert args[-1] == "{{ cookiecutter.package_name }}.api.wsgi:app"
    assert args[args.index("--config") + 1] == "gunicorn.conf.py"
    assert os.environ["PORT"] == "8123"
    assert os.environ["WEB_CONCURRENCY"] == "3"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (None, None, "no API key configured"),
        ("API_KEYS_FILE", "/no/such/keys", "cannot read the API keys file"),
        ("API_KEYS", "clé", "characters a header cannot carry"),
    ],
)
def test_serve_refuses_to_start_without_a_usable_key_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str | None, value: str | None, message: str
) -> None:
    monkeypatch.setattr(os, "execv", lambda path, args: pytest.fail("gunicorn was started"))
    if variable is not None and value is not None:
        monkeypatch.setenv(f"{ENV_PREFIX}{variable}", value)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
