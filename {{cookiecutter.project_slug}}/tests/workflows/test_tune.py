"""`tune`: a seeded cross-validated search whose best parameters `train` then uses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from {{ cookiecutter.package_name }} import search_space
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.errors import SettingsError
from {{ cookiecutter.package_name }}.store import open_store
from {{ cookiecutter.package_name }}.workflows.train import train
from {{ cookiecutter.package_name }}.workflows.tune import tune
from {{ cookiecutter.package_name }}.workflows.tuned import chosen_hyperparameters

BUDGET = {"tuning.trials": 3, "tuning.folds": 2}


@pytest.fixture
def quick(settings: Settings) -> Settings:
    return settings.with_overrides(**BUDGET, **{"data.sample_rows": 600})


def test_tune_writes_the_best_parameters_and_train_uses_them(quick: Settings) -> None:
    outcome = tune(quick)
    assert outcome.trials == 3
    assert not outcome.interrupted
    assert outcome.best_score > 0
    assert outcome.default_score > 0
    written = json.loads(quick.tuning.file.read_text(encoding="utf-8"))
    assert written["family"] == quick.training.family
    assert written["hyperparameters"] == outcome.hyperparameters
    assert written["best_score"] == pytest.approx(outcome.best_score)
    assert written["default_score"] == pytest.approx(outcome.default_score)
    assert chosen_hyperparameters(quick) == outcome.hyperparameters
    trained = train(quick)
    assert open_store(quick).metadata(trained.version)["hyperparameters"] == outcome.hyperparameters


def test_the_same_seed_finds_the_same_parameters(quick: Settings) -> None:
    first = tune(quick).hyperparameters
    assert tune(quick).hyperparameters == first


def test_parameters_tuned_for_another_family_are_not_used(quick: Settings) -> None:
    quick.tuning.file.write_text(
        json.dumps({"family": "some_other_family", "hyperparameters": {"C": 3}}), encoding="utf-8"
    )
    assert chosen_hyperparameters(quick) == {}


def test_the_setting_wins_over_the_tuning_file(quick: Settings) -> None:
    tune(quick)
    name = next(iter(json.loads(quick.tuning.file.read_text(encoding="utf-8"))["hyperparameters"]))
    chosen = quick.with_overrides(**{"training.hyperparameters": {name: 1}})
    assert chosen_hyperparameters(chosen) == {name: 1}


def test_an_unreadable_tuning_file_is_one_line(quick: Settings) -> None:
    quick.tuning.file.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"is not readable JSON .*: run `tune` again"):
        chosen_hyperparameters(quick)


def test_ctrl_c_keeps_the_best_trial_so_far(
    quick: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = quick.training.family
    space = search_space.SPACES[family]
    calls = []

    def interrupted_on_the_second(trial: Any) -> dict[str, Any]:
        calls.append(trial)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return space(trial)

    monkeypatch.setitem(search_space.SPACES, family, interrupted_on_the_second)
    outcome = tune(quick.with_overrides(**{"tuning.trials": 5}))
    assert outcome.interrupted
    assert outcome.trials == 1
    assert quick.tuning.file.is_file()


def test_a_family_without_a_search_space_is_refused(
    quick: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(search_space.SPACES, quick.training.family)
    with pytest.raises(SettingsError, match=r"search_space\.py has no search space"):
        tune(quick)
    assert not quick.tuning.file.exists()
