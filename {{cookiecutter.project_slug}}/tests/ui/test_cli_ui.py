"""The `ui` command, which hands the terminal over to `streamlit run`, and Streamlit's settings."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, env_name

PROJECT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands the `ui` command would replace itself with (nothing is started)."""
    commands: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, args: commands.append(list(args)))
    # The command sets this for Streamlit's process; the test's environment gets it back.
    monkeypatch.setenv(env_name("models", "dir"), "placeholder")
    monkeypatch.delenv(env_name("models", "dir"))
    return commands


def option(command: list[str], name: str) -> str:
    return next(arg.split("=", 1)[1] for arg in command if arg.startswith(f"--{name}="))


def test_ui_hands_over_to_streamlit_on_this_machine_only(started: list[list[str]]) -> None:
    result = runner.invoke(app, ["ui"])
    assert result.exit_code == 0, result.output
    (command,) = started
    assert command[1:4] == ["-m", "streamlit", "run"]
    script = Path(command[4])
    assert script.is_file()
    assert script.parts[-2:] == ("ui", "app.py")
    assert option(command, "server.address") == "127.0.0.1"
    assert option(command, "server.port") == "8501"
    assert option(command, "browser.gatherUsageStats") == "false"
    # The project folder's .streamlit/config.toml, for a start from any other folder.
    assert option(command, "server.headless") == "true"
    assert option(command, "client.showErrorDetails") == "type"  # no traceback for visitors


def test_ui_takes_a_port_an_address_and_a_models_folder(
    started: list[list[str]], tmp_path: Path
) -> None:
    args = ["ui", "--port", "9123", "--host", "0.0.0.0", "--models-dir", str(tmp_path)]  # noqa: S104
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (command,) = started
    assert (option(command, "server.port"), option(command, "server.address")) == (
        "9123",
        "0.0.0.0",  # noqa: S104
    )
    assert os.environ[env_name("models", "dir")] == str(tmp_path)


def test_ui_refuses_a_bad_setting_before_starting_anything(
    started: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}UI_MODEL_RELOAD_SECONDS", "soon")
    result = runner.invoke(app, ["ui"])
    assert result.exit_code == 2
    assert f"{ENV_PREFIX}UI_MODEL_RELOAD_SECONDS" in result.output
    assert not started


def test_ui_without_streamlit_says_how_to_install_it(
    started: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def without_streamlit(name: str, *args: object) -> object:
        return None if name == "streamlit" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", without_streamlit)
    result = runner.invoke(app, ["ui"])
    assert result.exit_code == 1
    assert "uv sync --group ui" in result.output
    assert not started


@pytest.fixture
def streamlit_config(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Streamlit's options as read from the project's folder (and put back afterwards)."""
    from streamlit import config

    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("HOME", str(PROJECT / "no-home"))  # no ~/.streamlit/config.toml
    config.get_config_options(force_reparse=True)
    yield
    monkeypatch.undo()
    config.get_config_options(force_reparse=True)


@pytest.mark.usefixtures("streamlit_config")
def test_the_streamlit_settings_keep_the_app_on_this_machine_and_private() -> None:
    from streamlit import config

    assert config.get_option("server.address") == "127.0.0.1"
    assert config.get_option("server.headless") is True
    assert config.get_option("browser.gatherUsageStats") is False
    assert 1 <= config.get_option("server.maxUploadSize") <= 1_000  # MB
    assert config.get_option("client.showErrorDetails") == "type"
