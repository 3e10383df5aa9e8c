from pathlib import Path

import pytest
from pydantic import ValidationError

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.config import (
    ENV_PREFIX,
    Settings,
    get_settings,
)


def test_defaults_keep_data_and_models_inside_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(f"{ENV_PREFIX}DATA_DIR", raising=False)
    settings = Settings(_env_file=None)
    assert settings.data_dir == Path("data")
    assert settings.raw_data_dir == Path("data/raw")
    assert settings.processed_data_dir == Path("data/processed")
    assert settings.models_dir == Path("models")
    assert settings.min_score == problem.DEFAULT_MIN_SCORE


def test_environment_overrides_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}MODELS_DIR", str(tmp_path))
    assert Settings(_env_file=None).models_dir == tmp_path


def test_dotenv_file_overrides_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"{ENV_PREFIX}RANDOM_SEED=7\n")
    assert Settings().random_seed == 7


@pytest.mark.parametrize(
    ("name", "value"), [("RANDOM_SEED", "-1"), ("TEST_SIZE", "0.95"), ("CHUNK_ROWS", "0")]
)
def test_invalid_value_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}{name}", value)
    with pytest.raises(ValidationError, match=name.lower()):
        Settings(_env_file=None)


def test_settings_are_read_once_per_process() -> None:
    get_settings.cache_clear()
    assert get_settings() is get_settings()
