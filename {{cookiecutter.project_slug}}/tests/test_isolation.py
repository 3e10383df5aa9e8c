"""The test suite never reads the user's settings, so it can never touch a real models folder
(or model registry).

A user who follows the README exports `<PREFIX>_MODELS_DIR=/their/models` and may keep a `.env`;
running the tests must leave that folder alone. This runs a test that trains and promotes a model
inside a second pytest, with both set to a watched folder, and checks the folder stays empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.config import ENV_PREFIX

TESTS = Path(__file__).resolve().parent


def test_the_users_settings_never_reach_the_tests(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watched = tmp_path / "the users real models"
    watched.mkdir()
    for name in ("MODELS_DIR", "DATA_DIR", "REPORTS_DIR"):
        monkeypatch.setenv(f"{ENV_PREFIX}{name}", str(watched))
{%- if cookiecutter.tracking == "mlflow" %}
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{watched}/mlflow.db")  # a registry
{%- endif %}
    env_file = pytester.path / ".env"  # the second pytest's working directory, as a user's
    env_file.write_text(f"{ENV_PREFIX}MODELS_DIR={watched}\n", encoding="utf-8")
    monkeypatch.setattr(config, "ENV_FILE", env_file)
    assert config.load_settings().models.dir == watched  # the bait is in place

    # A process of its own, as a real run: pytest in this one would disturb coverage measurement.
    result = pytester.runpytest_subprocess(
        str(TESTS / "test_cli.py"),
        "-k",
        "train_then_predict_then_info",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:cov",
        "-p",
        "no:xdist",
        f"--rootdir={TESTS.parent}",
    )

    result.assert_outcomes(passed=1)
    assert list(watched.iterdir()) == [], "a test wrote into the user's models folder"
