"""The web app's settings (`<PREFIX>UI_*`): when to look for a new model, how to score.

A group of the one settings tree (`config.Settings.ui`); it lives here, beside the app.
"""

from __future__ import annotations
{%- if cookiecutter.api == "flask" %}

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr
{%- else %}

from pydantic import BaseModel, ConfigDict, Field
{%- endif %}


class UiSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    model_reload_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often the web app looks for a newly promoted model (0: each interaction).",
    )
{%- if cookiecutter.api == "flask" %}
    api_url: HttpUrl | None = Field(
        default=None,
        description="Score through the API at this URL (its /predict) instead of loading the model"
        " in the app; unset: the app loads the model itself.",
    )
    api_key: SecretStr | None = Field(
        default=None, description="The API key the app sends to api_url (Authorization: Bearer)."
    )
    api_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Longest wait for one answer of the API."
    )
    api_batch: int = Field(
        default=1_000, ge=1, description="Records per request to the API (at most its max_batch)."
    )
{%- endif %}
