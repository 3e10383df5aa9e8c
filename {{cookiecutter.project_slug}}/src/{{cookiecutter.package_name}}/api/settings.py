"""The API's own settings, read like the project's (same prefix, environment and .env)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from {{ cookiecutter.package_name }}.config import ENV_PREFIX


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Accepted API keys, comma-separated; several at once allow rotation.",
    )
    api_keys_file: Path | None = Field(
        default=None,
        description="A secrets file with one API key per line, e.g. a mounted secret.",
    )
    api_allow_anonymous: bool = Field(
        default=False, description="Serve without keys. Off by default: no keys, no start."
    )
    api_max_batch: int = Field(default=1_000, ge=1, description="Most records in one request.")
    api_max_body_bytes: int = Field(
        default=1_000_000, ge=1_024, description="Largest request body."
    )
    api_model_reload_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often each worker looks for a newly promoted model (0: every request).",
    )
    prediction_log: Path | None = Field(
        default=None, description="Append sampled predictions here as JSON lines (for monitoring)."
    )
    prediction_log_sample_rate: float = Field(
        default=1.0, ge=0, le=1, description="Share of requests whose predictions are logged."
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    def keys(self) -> list[str]:
        """Every configured key: from the setting and from the secrets file."""
        keys = [key.get_secret_value() for key in self.api_keys]
        if self.api_keys_file is not None:
            lines = self.api_keys_file.read_text(encoding="utf-8").splitlines()
            keys += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        return keys
