"""The hyperparameters a model is fitted with: the setting, else the best that `tune` found.

`tune` writes its best parameters, with the score that chose them, to the file of the
tuning.file setting (`tuned.json`): a file to review and commit like code. `train` and `retrain`
use it for the family it was tuned for, while the training.hyperparameters setting is empty.
"""

from __future__ import annotations

import json
from typing import Any

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import SettingsError


def read_tuned(settings: Settings) -> dict[str, Any] | None:
    """The tuning file's content, or None when there is none; one line when it is unreadable."""
    path = settings.tuning.file
    if not path.is_file():
        return None
    try:
        tuned = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = f"'{path}' (the tuning.file setting) is not readable JSON ({error}): run `tune` again"
        raise SettingsError(msg) from None
    if not isinstance(tuned, dict) or not isinstance(tuned.get("hyperparameters"), dict):
        msg = f"'{path}' (the tuning.file setting) holds no \"hyperparameters\" object: run `tune`"
        raise SettingsError(msg)
    return tuned


def chosen_hyperparameters(settings: Settings) -> dict[str, Any]:
    """The training.hyperparameters setting when it is set; else the tuning file's parameters
    when they were tuned for the training.family; else none (the estimator's defaults)."""
    if settings.training.hyperparameters:
        return dict(settings.training.hyperparameters)
    tuned = read_tuned(settings)
    if tuned is None or tuned.get("family") != settings.training.family:
        return {}
    return dict(tuned["hyperparameters"])
