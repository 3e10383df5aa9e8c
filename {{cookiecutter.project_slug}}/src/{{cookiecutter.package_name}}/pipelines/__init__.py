"""Orchestrator adapters: the steps of `pipeline` as scheduled tasks, and nothing more.

Schedulers import these modules often (Airflow re-parses DAG files every few minutes), so importing
them is light: pandas, scikit-learn and the core load inside the tasks, when a step runs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.config import Settings

# Cron syntax, read where the schedules are defined; both Airflow and Dagster accept it.
TRAINING_SCHEDULE_ENV = "{{ cookiecutter.package_name | upper }}_TRAINING_SCHEDULE"
DEFAULT_TRAINING_SCHEDULE = "0 3 * * *"  # every day at 03:00 UTC
MONITORING_SCHEDULE_ENV = "{{ cookiecutter.package_name | upper }}_MONITORING_SCHEDULE"
DEFAULT_MONITORING_SCHEDULE = "30 * * * *"  # every hour, at half past


def training_schedule() -> str:
    return os.environ.get(TRAINING_SCHEDULE_ENV, DEFAULT_TRAINING_SCHEDULE)


def monitoring_schedule() -> str:
    return os.environ.get(MONITORING_SCHEDULE_ENV, DEFAULT_MONITORING_SCHEDULE)


def settings() -> Settings:
    """The project's settings, read when a step runs, not when the scheduler loads the code."""
    from {{ cookiecutter.package_name }}.config import Settings

    return Settings()
