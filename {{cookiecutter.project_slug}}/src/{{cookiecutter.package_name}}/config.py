"""The project's settings: one typed object, defaults in code, overrides from the environment.

Every setting can be overridden by an environment variable, its name in capitals after the prefix
in `ENV_PREFIX` (for `data_dir`: `{{ cookiecutter.package_name | upper }}_DATA_DIR=/mnt/data`), or by the same line
in a `.env` file in the working directory. Values are validated once, when the settings are read.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "{{ cookiecutter.package_name | upper }}_"


class Settings(BaseSettings):
    """Where the project reads and writes; later steps add their own settings here."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Raw, interim and processed data.")
    models_dir: Path = Field(default=Path("models"), description="Trained models and metadata.")
    random_seed: int = Field(default=42, ge=0, description="Seed for every random step.")

    @property
    def raw_data_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def processed_data_dir(self) -> Path:
        return self.data_dir / "processed"


@cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
