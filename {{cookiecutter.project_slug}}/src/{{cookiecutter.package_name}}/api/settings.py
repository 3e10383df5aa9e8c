"""The API's settings (`<PREFIX>API_*`): keys, limits, the model reload and the prediction log.

A group of the one settings tree (`config.Settings.api`); it lives here, beside the code that reads
it, so that a project without the API has neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Accepted API keys, comma-separated; several at once allow rotation.",
    )
    keys_file: Path | None = Field(
        default=None, description="A secrets file with one API key per line, e.g. a mounted secret."
    )
    allow_anonymous: bool = Field(
        default=False, description="Serve without keys. Off by default: no keys, no start."
    )
    max_batch: int = Field(default=1_000, ge=1, description="Most records in one request.")
    max_body_bytes: int = Field(default=1_000_000, ge=1_024, description="Largest request body.")
    model_reload_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often each worker looks for a newly promoted model (0: every request).",
    )
    read_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="Longest wait for the next part of a request body before answering 408.",
    )
    prediction_log: Path | None = Field(
        default=None, description="Append sampled predictions here as JSON lines (for monitoring)."
    )
    prediction_log_sample_rate: float = Field(
        default=1.0, ge=0, le=1, description="Share of requests whose predictions are logged."
    )

    @field_validator("keys", mode="before")
    @classmethod
    def split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value
