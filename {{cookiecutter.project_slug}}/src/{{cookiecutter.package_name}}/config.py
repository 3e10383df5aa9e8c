"""The project's settings: one typed tree, defaults in code, overrides from the environment.

Settings come in groups (`data`, `models`, `training`, ...). Each can be overridden by an
environment variable named `<ENV_PREFIX><GROUP>_<NAME>` in capitals (`settings.models.dir` is
read from the MODELS_DIR variable with the prefix), or by the same line in a `.env` file in the
working directory; the CLI's flags override both. The `settings` command prints every name with
its value. A variable with the prefix that names no setting is refused, with the closest valid
name: a typo must not silently fall back to a default.

Importing this module is cheap (pydantic only): the CLI's `--help`, schedulers that parse DAG files
every few minutes, and `info` all read settings without loading pandas or scikit-learn.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError
{%- if cookiecutter.api == "flask" %}

from {{ cookiecutter.package_name }}.api.settings import ApiSettings
from {{ cookiecutter.package_name }}.errors import (
    DataError,
    SettingMissingError,
    SettingsError,
)
{%- else %}

from {{ cookiecutter.package_name }}.errors import (
    DataError,
    SettingMissingError,
    SettingsError,
)
{%- endif %}
{%- if cookiecutter.batch_engine == "spark" %}
from {{ cookiecutter.package_name }}.spark.settings import SparkSettings
{%- endif %}
{%- if cookiecutter.tracking == "mlflow" %}
from {{ cookiecutter.package_name }}.tracking.settings import TrackingSettings
{%- endif %}
{%- if cookiecutter.ui == "streamlit" %}
from {{ cookiecutter.package_name }}.ui.settings import UiSettings
{%- endif %}

ENV_PREFIX = "{{ cookiecutter.package_name | upper }}_"
# Where `load_settings` looks for a .env file; the test suite sets it to None (see conftest.py).
ENV_FILE: Path | None = Path(".env")
{%- if cookiecutter.problem_type == "classification" %}
DEFAULT_MIN_SCORE = 0.75  # the primary metric is ROC AUC (problem.PRIMARY_METRIC)
{%- else %}
DEFAULT_MIN_SCORE = 0.5  # the primary metric is R² (problem.PRIMARY_METRIC)
{%- endif %}
{%- if cookiecutter.api == "flask" %}
REQUIRE_ONNX = True  # the API image serves ONNX Runtime alone: no pandas, scikit-learn or pickles
{%- else %}
REQUIRE_ONNX = False  # no API image: every command that serves has the model's libraries
{%- endif %}
# Settings renamed since earlier versions of the template: the refusal of an old name names the new.
RENAMED = {
    "RANDOM_SEED": "TRAINING_SEED",
    "TEST_SIZE": "TRAINING_TEST_SIZE",
    "MIN_SCORE": "TRAINING_MIN_SCORE",
    "SOURCE_DATA": "DATA_SOURCE",
    "SAMPLE_ROWS": "DATA_SAMPLE_ROWS",
    "CHUNK_ROWS": "DATA_CHUNK_ROWS",
    "PREDICTION_LOG": "API_PREDICTION_LOG",
    "PREDICTION_LOG_SAMPLE_RATE": "API_PREDICTION_LOG_SAMPLE_RATE",
}


class Group(BaseModel):
    """A group of settings: frozen, and no field that is not declared."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DataSettings(Group):
    dir: str = Field(
        default="data",
        description="Raw and processed snapshots: a folder or an fsspec URI (s3://bucket/data).",
    )
    source: str | None = Field(
        default=None,
        description="Labelled CSV, Parquet or JSON-lines table that `train` and the scheduled"
        " pipeline learn from (a path or an fsspec URI); unset: the embedded sample dataset.",
    )
    sample_rows: int = Field(default=10_000, ge=100, description="Rows of the sample dataset.")
    chunk_rows: int = Field(default=100_000, ge=1, description="Rows per chunk when predicting.")
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL of the database that query files (sql/NAME.sql) and tables"
        " (table:NAME) use, e.g. postgresql+psycopg://user:password@host/db; unset: DuckDB in"
        " memory, which queries local CSV and Parquet files by path. A secret: never printed.",
    )
    database_url_file: Path | None = Field(
        default=None,
        description="A file that holds data.database_url instead (a mounted secret, e.g."
        " /run/secrets/database_url), read when a query runs; set one of the two.",
    )
    query_timeout_seconds: float = Field(
        default=600, gt=0, description="The longest a SQL statement may run (PostgreSQL)."
    )
    query_params: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description="Values bound to the queries' :parameters, a JSON object:"
        ' {"since": "2024-01-01"}.',
    )

    @field_validator("database_url_file")
    @classmethod
    def one_way_to_the_database(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        if path is not None and info.data.get("database_url") is not None:
            msg = "set the database URL or the file that holds it, not both"
            raise ValueError(msg)
        return path

    def database_secret(self) -> str | None:
        """The database's URL, from the setting or the file that holds it (None: unset)."""
        if self.database_url_file is None:
            return None if self.database_url is None else self.database_url.get_secret_value()
        variable = env_name("data", "database_url_file")
        try:
            text = self.database_url_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            msg = f"cannot read {variable} '{self.database_url_file}': {reason}"
            raise DataError(msg) from None
        if not text:
            msg = f"{variable} '{self.database_url_file}' is empty: it should hold the URL"
            raise DataError(msg)
        return text

    @property
    def raw_dir(self) -> str:
        return f"{self.dir.rstrip('/')}/raw"

    @property
    def processed_dir(self) -> str:
        return f"{self.dir.rstrip('/')}/processed"


class ModelsSettings(Group):
    dir: Path = Field(default=Path("models"), description="Model versions, CURRENT and events.")


class ReportsSettings(Group):
    dir: Path = Field(default=Path("reports"), description="Evaluation and drift reports.")


class TrainingSettings(Group):
    seed: int = Field(default=42, ge=0, description="Seed for every random step.")
    test_size: float = Field(default=0.2, gt=0, lt=0.9, description="Holdout share for evaluation.")
    min_score: float = Field(
        default=DEFAULT_MIN_SCORE,
        description="Quality gate: a model whose primary metric on the holdout is below this is"
        " kept but not promoted.",
    )
    family: str = Field(
        default="linear",
        description="The estimator family, one of problem.ESTIMATORS: linear,"
        " hist_gradient_boosting, lightgbm (uv sync --group lightgbm) or xgboost (--group"
        " xgboost).",
    )
    hyperparameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Parameters of the family's estimator (by name) or of the pipeline (by path,"
        ' features__...), as JSON: {"C": 0.5}; empty: those in tuning.file, when for this family.',
    )
    unlabelled: Literal["leave_out", "refuse"] = Field(
        default="leave_out",
        description="Rows without a target: leave_out trains and evaluates on the others (and"
        " says how many it left out); refuse refuses the table.",
    )
    require_onnx: bool = Field(
        default=REQUIRE_ONNX,
        description="Promote only a model whose ONNX export passed its parity check (what the"
        " API image serves); false: promote pickles too, and build the image with the model's"
        " libraries (README: Use your own model).",
    )
    schedule: str = Field(
        default="0 3 * * *", description="When orchestrators train (cron syntax, UTC)."
    )


class TuningSettings(Group):
    trials: int = Field(default=30, ge=1, description="Most trials `tune` runs.")
    timeout: float = Field(
        default=600, gt=0, description="Most seconds `tune` searches (it ends the trial under way)."
    )
    folds: int = Field(default=5, ge=2, le=20, description="Cross-validation folds per trial.")
    file: Path = Field(
        default=Path("tuned.json"),
        description="The best parameters `tune` found, to review and commit; `train` uses them for"
        " their family while training.hyperparameters is empty.",
    )


class MonitoringSettings(Group):
    data: str | None = Field(
        default=None,
        description="Batch that the scheduled drift check compares with the model's training data:"
        " CSV, Parquet, JSON lines, or the API's prediction log (a path or an fsspec URI).",
    )
    schedule: str = Field(
        default="30 * * * *", description="When orchestrators look for drift (cron syntax, UTC)."
    )


class DriftSettings(Group):
    alpha: float = Field(
        default=0.01,
        gt=0,
        lt=1,
        description="Chance of a false drift alarm per batch (all tests together, Holm-corrected).",
    )
    psi_threshold: float = Field(
        default=0.1,
        gt=0,
        description="Smallest PSI that counts as drift (0.1 moderate, 0.25 large).",
    )
    missing_rate_tolerance: float = Field(
        default=0.05, gt=0, lt=1, description="Largest change of a missing rate that is not drift."
    )
    min_rows: int = Field(default=100, ge=10, description="Fewest rows a batch may have.")


class RetrainSettings(Group):
    tolerance: float = Field(
        default=0.01,
        ge=0,
        description="A challenger may score up to this much below the champion (primary metric)"
        " and still replace it.",
    )


class Settings(BaseSettings):
    """Every setting of the project, in one tree."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,  # MODELS_DIR is models.dir; DATA_SAMPLE_ROWS is data.sample_rows
        env_file=None,
        extra="forbid",
        frozen=True,
    )

    data: DataSettings = DataSettings()
    models: ModelsSettings = ModelsSettings()
    reports: ReportsSettings = ReportsSettings()
    training: TrainingSettings = TrainingSettings()
    tuning: TuningSettings = TuningSettings()
    monitoring: MonitoringSettings = MonitoringSettings()
    drift: DriftSettings = DriftSettings()
    retrain: RetrainSettings = RetrainSettings()
{%- if cookiecutter.api == "flask" %}
    api: ApiSettings = ApiSettings()
{%- endif %}
{%- if cookiecutter.ui == "streamlit" %}
    ui: UiSettings = UiSettings()
{%- endif %}
{%- if cookiecutter.batch_engine == "spark" %}
    spark: SparkSettings = SparkSettings()
{%- endif %}
{%- if cookiecutter.tracking == "mlflow" %}
    tracking: TrackingSettings = TrackingSettings()
{%- endif %}

    def required(self, dotted: str) -> Any:
        """A setting that a step cannot run without, such as `monitoring.data`."""
        group, name = dotted.split(".")
        value = getattr(getattr(self, group), name)
        if value is None:
            variable = env_name(group, name)
            msg = f"the {dotted} setting is empty: set {variable} (`settings` lists them all)"
            raise SettingMissingError(msg)
        return value

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some settings replaced, by dotted name: `models.dir=Path("elsewhere")`."""
        return validated(merge(self.model_dump(), overrides))


def env_name(group: str, name: str) -> str:
    return f"{ENV_PREFIX}{group}_{name}".upper()


def setting_names() -> dict[str, str]:
    """Every environment variable name, and the dotted setting it sets."""
    return {
        env_name(group, name): f"{group}.{name}"
        for group, field in Settings.model_fields.items()
        for name in field.annotation.model_fields  # type: ignore[union-attr]
    }


def dotenv_names(env_file: Path | None) -> list[str]:
    """The variable names set in a .env file (comments, blank lines and `export ` skipped)."""
    if env_file is None or not env_file.is_file():
        return []
    names = []
    for line in env_file.read_text(encoding="utf-8").splitlines():
        line = line.strip().removeprefix("export ").strip()
        if line and not line.startswith("#") and "=" in line:
            names.append(line.split("=", 1)[0].strip())
    return names


def unknown_name_error(name: str, origin: str) -> str:
    known = setting_names()
    bare = name.upper().removeprefix(ENV_PREFIX)
    if bare in RENAMED:
        hint = f"it was renamed {ENV_PREFIX}{RENAMED[bare]}"
    else:
        close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else "no setting has a similar name"
    return f"{name} (in {origin}) is not a setting: {hint} (`settings` lists them all)"


def check_names(environ: Mapping[str, str], env_file: Path | None) -> None:
    """Refuse a variable with the project's prefix that matches no setting."""
    known = setting_names()
    sources = [(name, "the environment") for name in environ]
    sources += [(name, str(env_file)) for name in dotenv_names(env_file)]
    for name, origin in sources:
        if name.upper().startswith(ENV_PREFIX) and name.upper() not in known:
            raise SettingsError(unknown_name_error(name, origin))


def merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with dotted overrides applied (`{"models.dir": ...}`); None means "not given"."""
    merged = {group: dict(values) for group, values in base.items()}
    for dotted, value in overrides.items():
        if value is not None:
            group, name = dotted.split(".")
            merged.setdefault(group, {})[name] = value
    return merged


def validated(values: dict[str, Any]) -> Settings:
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        raise SettingsError(one_line_errors(error)) from None


def one_line_errors(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        name = env_name(*location[:2]) if len(location) >= 2 else ".".join(location)
        problems.append(f"{name}: {item['msg']} (got {item['input']!r})")
    return "invalid settings: " + "; ".join(problems)


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment and .env, with `overrides` (dotted names) on top.

    Raises SettingsError, one line, for an unknown variable or an invalid value.
    """
    check_names(os.environ, ENV_FILE)
    try:
        settings = Settings(_env_file=ENV_FILE)
    except ValidationError as error:
        raise SettingsError(one_line_errors(error)) from None
    except SourceError as error:  # a value that should be JSON and is not
        raise SettingsError(json_error(os.environ, error)) from None
    return settings.with_overrides(**overrides) if overrides else settings


def json_error(environ: Mapping[str, str], error: SourceError) -> str:
    """One line naming the variable whose value is not the JSON its setting takes."""
    for variable, dotted in setting_names().items():
        value = environ.get(variable)
        if value is None:
            continue
        group, name = dotted.split(".")
        annotation = Settings.model_fields[group].annotation.model_fields[name].annotation  # type: ignore[union-attr]
        if "dict" not in str(annotation) and "list" not in str(annotation):
            continue
        try:
            json.loads(value)
        except json.JSONDecodeError as problem:
            example = '{"C": 0.5}'
            return f"{variable}: not valid JSON ({problem}; got {value!r}); e.g. {example}"
    return f"invalid settings: {error}"


def masked(settings: Settings) -> dict[str, Any]:
    """Every setting by its variable name, secrets shown as stars: what `settings` prints."""
    shown: dict[str, Any] = {}
    for group, values in json.loads(settings.model_dump_json()).items():
        for name, value in values.items():
            shown[env_name(group, name)] = value
    return shown
