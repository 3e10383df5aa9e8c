"""The project's settings: one typed object, defaults in code, overrides from the environment.

Every setting can be overridden by an environment variable named `ENV_PREFIX` + its name in
capitals (`data_dir` is read from `<ENV_PREFIX>DATA_DIR`), or by the same line in a `.env` file in
the working directory; the CLI's flags override both. Values are validated once,
when the settings are read.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from {{ cookiecutter.package_name }} import problem
from {{ cookiecutter.package_name }}.errors import SettingMissingError

ENV_PREFIX = "{{ cookiecutter.package_name | upper }}_"


class Settings(BaseSettings):
    """Where the project reads and writes, and the knobs of its pipeline."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Raw, interim and processed data.")
    models_dir: Path = Field(default=Path("models"), description="Model versions and CURRENT.")
    reports_dir: Path = Field(default=Path("reports"), description="Metrics and plots.")
    source_data: Path | None = Field(
        default=None,
        description="Labelled CSV or Parquet file that `train` and the scheduled pipeline learn"
        " from; unset: the embedded sample dataset.",
    )
    random_seed: int = Field(default=42, ge=0, description="Seed for every random step.")
    sample_rows: int = Field(default=10_000, ge=100, description="Rows of the sample dataset.")
    test_size: float = Field(default=0.2, gt=0, lt=0.9, description="Holdout share for evaluation.")
    min_score: float = Field(
        default=problem.DEFAULT_MIN_SCORE,
        description=f"Quality gate: a model scoring below this {problem.PRIMARY_METRIC} on the"
        " holdout is kept but not promoted.",
    )
    chunk_rows: int = Field(default=100_000, ge=1, description="Rows per chunk when predicting.")
    monitoring_data: Path | None = Field(
        default=None,
        description="Batch that the scheduled drift check compares with the model's training data:"
        " CSV, Parquet, or the API's prediction log (.jsonl).",
    )
    drift_alpha: float = Field(
        default=0.01,
        gt=0,
        lt=1,
        description="Chance of a false drift alarm per batch (all tests together, Holm-corrected).",
    )
    drift_psi_threshold: float = Field(
        default=0.1,
        gt=0,
        description="Smallest PSI that counts as drift (0.1 moderate, 0.25 large).",
    )
    drift_missing_rate_tolerance: float = Field(
        default=0.05, gt=0, lt=1, description="Largest change of a missing rate that is not drift."
    )
    drift_min_rows: int = Field(default=100, ge=10, description="Fewest rows a batch may have.")
    retrain_tolerance: float = Field(
        default=0.01,
        ge=0,
        description=f"A challenger may score up to this much {problem.PRIMARY_METRIC} below the"
        " champion and still replace it.",
    )

    def required_path(self, name: str) -> Path:
        """A path setting that a step cannot run without, such as `monitoring_data`."""
        value = getattr(self, name)
        if value is None:
            msg = f"the {name} setting is empty: set {ENV_PREFIX}{name.upper()} (see config.py)"
            raise SettingMissingError(msg)
        return value

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
