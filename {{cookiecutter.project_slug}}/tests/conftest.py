"""Fixtures every test can use, and the isolation that keeps tests away from the user's setup.

Heavy libraries are imported inside the fixtures that need them: pytest-xdist's controller loads
this file too, and it needs none of them.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.columns import Column
from {{ cookiecutter.package_name }}.config import ENV_PREFIX, Settings
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.store import ModelStore, open_store

if TYPE_CHECKING:
    import pandas as pd
    from selenium.webdriver.remote.webdriver import WebDriver

    from {{ cookiecutter.package_name }}.workflows.train import TrainingOutcome

SAMPLE_ROWS = 2_000
pytest_plugins = ("pytester",)  # test_isolation.py runs a test inside a second pytest


{%- if cookiecutter.tracking == "mlflow" %}
# What tests run with instead: the models folder (tests/tracking use MLflow, on databases of
# their own).
TEST_SETTINGS = {f"{ENV_PREFIX}TRACKING_BACKEND": "files"}
{%- else %}
TEST_SETTINGS: dict[str, str] = {}
{%- endif %}


def is_user_setting(name: str) -> bool:
    """The project's variables, and MLflow's (a test must never reach a real registry)."""
    return name.upper().startswith((ENV_PREFIX, "MLFLOW_"))


def hide_user_settings(patch: pytest.MonkeyPatch) -> None:
    """Every `<PREFIX>_*` and `MLFLOW_*` variable and the .env file out of sight, until `patch` is
    undone; the test settings in their place."""
    for name in list(os.environ):
        if is_user_setting(name):
            patch.delenv(name)
    for name, value in TEST_SETTINGS.items():
        patch.setenv(name, value)
    patch.setattr(config, "ENV_FILE", None)


@pytest.fixture(scope="session")
def isolated_environment() -> dict[str, str]:
    """The environment for a process that a test starts: none of the user's settings, the test
    settings instead (the process must also run where no .env file is)."""
    environment = {name: value for name, value in os.environ.items() if not is_user_setting(name)}
    return environment | TEST_SETTINGS


def hide_for_the_session() -> None:
    """`hide_user_settings` for the whole test process, from its start."""
    for name in list(os.environ):
        if is_user_setting(name):
            del os.environ[name]
    os.environ.update(TEST_SETTINGS)
    config.ENV_FILE = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--family",
        default="linear",
        help="The estimator family every model of the tests is trained with (nox passes the"
        " project's training.family); the user's settings are never read.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """The isolation holds while tests are collected too: a test module may read settings when it
    is imported (tests/ui/test_app.py runs the app's entry script), before any fixture runs."""
    TEST_SETTINGS[f"{ENV_PREFIX}TRAINING_FAMILY"] = config.getoption("--family")
    hide_for_the_session()


@pytest.fixture(autouse=True)
def isolated_from_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's settings: every `<PREFIX>_*` variable and the .env file are
    ignored, so a test can never write into a real models folder or registry."""
    hide_user_settings(monkeypatch)


def settings_in(root: Path, **overrides: object) -> Settings:
    """Settings that read and write only under `root`, with a small sample dataset."""
    return Settings().with_overrides(
        **{
            "data.dir": str(root / "data"),
            "models.dir": root / "models",
            "reports.dir": root / "reports",
            "tuning.file": root / "tuned.json",
            "data.sample_rows": SAMPLE_ROWS,
            **overrides,
        }
    )


def isolated_settings_in(root: Path) -> Settings:
    """`settings_in`, for session and module fixtures: they run before the autouse isolation."""
    with pytest.MonkeyPatch.context() as patch:
        hide_user_settings(patch)
        return settings_in(root)


@pytest.fixture(scope="session")
def settings_for_fixtures() -> Callable[[Path], Settings]:
    """`isolated_settings_in`, for the session and module fixtures of other test folders."""
    return isolated_settings_in


@pytest.fixture(scope="session")
def family(pytestconfig: pytest.Config) -> str:
    """The estimator family under test (`--family`; nox passes the project's)."""
    return str(pytestconfig.getoption("--family"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that write only under the test's temporary directory."""
    return settings_in(tmp_path)


@pytest.fixture
def store(settings: Settings) -> ModelStore:
    return open_store(settings)


@pytest.fixture(scope="session")
def sample() -> pd.DataFrame:
    """A small labelled table straight from the embedded dataset (tests must not modify it)."""
    from {{ cookiecutter.package_name }}.columns.sample import make_dataset

    return make_dataset(SAMPLE_ROWS, seed=7)


@pytest.fixture(scope="session")
def trained_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TrainingOutcome]:
    """A model trained on the sample dataset once per test process, in a folder of its own."""
    from {{ cookiecutter.package_name }}.workflows.train import train

    root = tmp_path_factory.mktemp("trained-once")
    outcome = train(isolated_settings_in(root))
    assert outcome.promoted
    return root / "models", outcome


@pytest.fixture
def trained(settings: Settings, trained_once: tuple[Path, TrainingOutcome]) -> TrainingOutcome:
    """The current model in `settings.models.dir`: a copy of the one `trained_once` made, with
    the same settings, so that tests get a trained model without paying for training."""
    models, outcome = trained_once
    shutil.copytree(models, settings.models.dir)
    return outcome


# Columns by what a test needs of them, read off schema.py: tests never name a column, so they hold
# for any schema. A test that needs a kind of column the schema does not have is skipped, saying so.


def first_column(wanted: str, matches: Callable[[Column], bool]) -> Column:
    for column in SCHEMA.features:
        if matches(column):
            return column
    pytest.skip(f"schema.py declares no {wanted}")


@pytest.fixture
def numeric_column() -> Column:
    return first_column("numeric column", lambda column: column.is_numeric)


@pytest.fixture
def bounded_column() -> Column:
    """A numeric column with a declared minimum or maximum."""
    return first_column(
        "numeric column with a range",
        lambda column: column.is_numeric and (column.minimum, column.maximum) != (None, None),
    )


@pytest.fixture
def categorical_column() -> Column:
    return first_column(
        "categorical column with two or more categories",
        lambda column: len(column.categories) >= 2,
    )


@pytest.fixture
def nullable_column() -> Column:
    return first_column("column that may be missing", lambda column: column.nullable)


@pytest.fixture
def required_column() -> Column:
    return first_column("column that may not be missing", lambda column: not column.nullable)


@pytest.fixture
def out_of_range(bounded_column: Column) -> float:
    """A value just outside `bounded_column`'s declared range."""
    if bounded_column.minimum is not None:
        return bounded_column.minimum - 1
    assert bounded_column.maximum is not None
    return bounded_column.maximum + 1


# A real browser ------------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "sudo apt-get install chromium chromium-driver"
BROWSER_WAIT = 60  # seconds for a page to load, or to show what it should


def browser_and_driver() -> tuple[str, str] | None:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    drivers = [shutil.which("chromedriver"), "/usr/bin/chromedriver"]
    if os.environ.get("CHROMEWEBDRIVER"):  # GitHub's runners: Chrome on PATH, its driver here
        drivers.insert(0, str(Path(os.environ["CHROMEWEBDRIVER"]) / "chromedriver"))
    driver = next((found for found in drivers if found and Path(found).is_file()), None)
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """The machine's own headless Chromium, for the tests that look at a page as a person would:
    the documentation site (`nox -s docs`), and the web app (`nox -s ui`) where there is one.

    It is Debian's `chromium` and `chromium-driver`, Chrome and its driver on PATH, or the driver
    in `$CHROMEWEBDRIVER` (GitHub's runners). Selenium is given both paths, so it never downloads
    a browser or a driver. Without them the test is skipped, saying why, except on CI (`CI` set),
    where it fails with the command that installs them."""
    found = browser_and_driver()
    if found is None:
        why = f"no Chromium (or Chrome) with its chromedriver on this machine: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = found[0]
    # --no-sandbox: containers and CI runners often run as root, where Chromium's sandbox cannot
    # start; the browser only visits pages on loopback.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1600")
    # Chromium's lock socket lives in TMPDIR, and a socket path longer than 107 bytes fails the
    # start ("Chrome instance exited"): a deep TMPDIR (a nox session's) gets /tmp instead.
    env = dict(os.environ)
    if len(env.get("TMPDIR", "")) > 40 and Path("/tmp").is_dir():  # noqa: S108 - a lock, no data
        env["TMPDIR"] = "/tmp"  # noqa: S108
    driver = webdriver.Chrome(options=options, service=Service(executable_path=found[1], env=env))
    try:
        driver.set_page_load_timeout(BROWSER_WAIT)
        yield driver
    finally:
        driver.quit()


def drawn(path: Path, name: str) -> str:
    """Why a screenshot looks blank ('' when it shows something: many colours, much not white)."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    colours = len(np.unique(pixels, axis=0))
    inked = int((pixels.min(axis=1) < 200).sum())  # text, borders, plots: not the background
    if colours <= 100:
        return f"{name}: only {colours} colours, a blank page?"
    if inked <= len(pixels) / 500:
        return f"{name}: almost nothing drawn ({inked} inked pixels of {len(pixels)})"
    return ""


Screenshot = Callable[["WebDriver", str, str], Path]


@pytest.fixture
def screenshot(tmp_path: Path) -> Screenshot:
    """`screenshot(browser, name, keep_in)`: the page once it shows something. The page may
    still be drawing when the text a test waited for appears (a busy machine draws slowly): it
    is taken again until it shows something, for up to BROWSER_WAIT seconds. A copy goes into
    the folder that the variable `keep_in` names, when it is set."""
    return lambda browser, name, keep_in: take_screenshot(browser, name, tmp_path, keep_in)


def take_screenshot(browser: WebDriver, name: str, folder: Path, keep_in: str) -> Path:
    path = folder / f"{name}.png"
    deadline = time.monotonic() + BROWSER_WAIT
    while True:
        browser.save_screenshot(str(path))
        blank = drawn(path, name)
        if not blank or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not blank, blank
    keep = os.environ.get(keep_in)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path
