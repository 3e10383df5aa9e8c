from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.config import (
    DEFAULT_MIN_SCORE,
    ENV_PREFIX,
    Settings,
    load_settings,
    masked,
    setting_names,
)
from {{ cookiecutter.package_name }}.errors import SettingMissingError, SettingsError


def test_defaults_keep_data_and_models_inside_the_project() -> None:
    settings = load_settings()
    assert settings.data.dir == "data"
    assert settings.data.raw_dir == "data/raw"
    assert settings.data.processed_dir == "data/processed"
    assert settings.models.dir == Path("models")
    assert settings.training.min_score == DEFAULT_MIN_SCORE
    assert settings.data.source is None


def test_environment_overrides_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}MODELS_DIR", str(tmp_path))
    monkeypatch.setenv(f"{ENV_PREFIX}DATA_SAMPLE_ROWS", "500")
    settings = load_settings()
    assert settings.models.dir == tmp_path
    assert settings.data.sample_rows == 500


def test_dotenv_file_overrides_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"# a comment\nexport {ENV_PREFIX}TRAINING_SEED=7\n")
    monkeypatch.setattr(config, "ENV_FILE", env_file)
    assert load_settings().training.seed == 7


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_SEED", "7")
    settings = load_settings(**{"training.seed": 9, "models.dir": None})
    assert settings.training.seed == 9
    assert settings.models.dir == Path("models")  # None means "not given"


def test_hyperparameters_are_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}TRAINING_HYPERPARAMETERS", '{"max_iter": 50}')
    assert load_settings().training.hyperparameters == {"max_iter": 50}


@pytest.mark.parametrize(
    ("name", "value"),
    [("TRAINING_SEED", "-1"), ("TRAINING_TEST_SIZE", "0.95"), ("DATA_CHUNK_ROWS", "0")],
)
def test_invalid_value_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}{name}", value)
    with pytest.raises(SettingsError, match=f"{ENV_PREFIX}{name}: .*got '{value}'"):
        load_settings()


def test_a_typo_is_refused_with_the_closest_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}MODELS_DRI", "/mnt/models")
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert f"{ENV_PREFIX}MODELS_DRI (in the environment) is not a setting" in message
    assert f"did you mean {ENV_PREFIX}MODELS_DIR?" in message
    assert "\n" not in message


def test_a_typo_in_the_dotenv_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"{ENV_PREFIX}TRAINING_SEDE=3\n")
    monkeypatch.setattr(config, "ENV_FILE", env_file)
    with pytest.raises(SettingsError, match=f"did you mean {ENV_PREFIX}TRAINING_SEED"):
        load_settings()


def test_a_renamed_setting_names_its_new_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}MIN_SCORE", "0.8")
    with pytest.raises(SettingsError, match=f"it was renamed {ENV_PREFIX}TRAINING_MIN_SCORE"):
        load_settings()


def test_variables_of_other_programs_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTHER_TOOL_MODELS_DIR", "/elsewhere")
    assert load_settings().models.dir == Path("models")


def test_every_setting_has_a_variable_name_and_a_description() -> None:
    names = setting_names()
    assert names[f"{ENV_PREFIX}MODELS_DIR"] == "models.dir"
    assert names[f"{ENV_PREFIX}DRIFT_ALPHA"] == "drift.alpha"
    for group in Settings.model_fields.values():
        for name, field in group.annotation.model_fields.items():  # type: ignore[union-attr]
            assert field.description, name


def test_masked_settings_list_every_variable() -> None:
    shown = masked(load_settings())
    assert set(shown) == set(setting_names())
    assert shown[f"{ENV_PREFIX}MODELS_DIR"] == "models"
{%- if cookiecutter.api == "flask" %}


def test_masked_settings_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEYS", "s3cret,other")
    shown = masked(load_settings())
    assert "s3cret" not in str(shown)
    assert shown[f"{ENV_PREFIX}API_KEYS"] == ["**********", "**********"]
{%- endif %}


def test_a_required_setting_says_which_variable_to_set() -> None:
    with pytest.raises(SettingMissingError, match=f"set {ENV_PREFIX}MONITORING_DATA"):
        load_settings().required("monitoring.data")


def test_settings_cannot_be_changed_in_place() -> None:
    settings = load_settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.training.seed = 3  # type: ignore[misc]
