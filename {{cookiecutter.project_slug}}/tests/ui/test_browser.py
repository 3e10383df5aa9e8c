"""The app in a real browser: the CLI's `ui` command on a free loopback port, driven
in headless Chromium.

Run by `nox -s ui` (marker `ui`); the `tests` session leaves these out. The browser is the
machine's own (tests/browser.py says where it is looked for); without it the tests are skipped,
except on CI. Each page's screenshot is checked for content, and copied into `$UI_SCREENSHOTS`
when that names a folder.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from {{ cookiecutter.package_name }} import tables
from {{ cookiecutter.package_name }}.columns.sample import make_dataset
from {{ cookiecutter.package_name }}.config import Settings, env_name
from {{ cookiecutter.package_name }}.schema import SCHEMA
from {{ cookiecutter.package_name }}.ui.views.record import key_of
from {{ cookiecutter.package_name }}.workflows.data import write_sample
from {{ cookiecutter.package_name }}.workflows.monitor import monitor
from {{ cookiecutter.package_name }}.workflows.train import train

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from tests.conftest import Screenshot

pytestmark = pytest.mark.ui

PROJECT = Path(__file__).resolve().parents[2]
ROWS = 30  # in the uploaded file
WAIT = 60  # seconds for the server to start, or a page to show what it should


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def downloads(browser: WebDriver, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser saves what the app gives to download."""
    folder = tmp_path_factory.mktemp("downloads")
    behaviour = {"behavior": "allow", "downloadPath": str(folder)}
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", behaviour)
    return folder


@dataclass(frozen=True)
class App:
    url: str
    version: str
    batch: Path  # a file to upload
    log: Path


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:  # noqa: S310
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):  # not listening yet
        return False


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory,
    settings_for_fixtures: Callable[[Path], Settings],
    isolated_environment: dict[str, str],
) -> Iterator[App]:
    """`ui` started as a user starts it, in a folder of its own (the project's .streamlit
    settings, no .env), with a trained model and a drift report; stopped by its process id."""
    work = tmp_path_factory.mktemp("ui")
    settings = settings_for_fixtures(work)
    version = train(settings).version
    drifted = work / "drifted.parquet"
    write_sample(settings, str(drifted), 500, drift=3.0)
    monitor(settings, str(drifted))
    batch = work / "batch.csv"
    tables.write_table(make_dataset(200, seed=3)[list(SCHEMA.names)].head(ROWS), batch)
    shutil.copytree(PROJECT / ".streamlit", work / ".streamlit")
    # None of the user's settings (and no .env: it runs in `work`).
    env = isolated_environment | {
        env_name("models", "dir"): str(settings.models.dir),
        env_name("reports", "dir"): str(settings.reports.dir),
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "streamlit.log"
    package = "{{ cookiecutter.package_name }}"
    command = [sys.executable, "-m", package, "ui", "--port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + WAIT
            while not is_up(url):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"the app did not start in {WAIT} s"
                time.sleep(0.2)
            yield App(url, version, batch, log)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert "Traceback" not in log.read_text(), log.read_text()


def shown(browser: WebDriver, text: str) -> None:
    """Wait until the page shows `text`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def showing(driver: WebDriver) -> bool:
        return text in driver.find_element(By.TAG_NAME, "body").text

    WebDriverWait(browser, WAIT).until(showing, f"the page never showed {text!r}")


def field(browser: WebDriver, name: str) -> WebElement:
    """The input of a column's field, once the form is there."""
    selector = f".st-key-{key_of(SCHEMA.column(name))} input"
    return elements(browser, selector)[0]


def elements(browser: WebDriver, selector: str, count: int = 1) -> list[WebElement]:
    """At least `count` elements that match a CSS selector, once the page shows them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(driver: WebDriver) -> list[WebElement] | Literal[False]:
        matches = driver.find_elements(By.CSS_SELECTOR, selector)
        return matches if len(matches) >= count else False

    matching: list[WebElement] = WebDriverWait(browser, WAIT).until(
        found, f"the page never showed {count} of {selector!r}"
    )
    return matching


def type_into(element: WebElement, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text, Keys.TAB)


def test_a_record_is_typed_in_and_scored(
    browser: WebDriver, app: App, screenshot: Screenshot
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(app.url)
    bounded = next(c for c in SCHEMA.features if c.is_numeric and c.maximum is not None)
    number = field(browser, bounded.name)
    type_into(number, "9" * 20)
    shown(browser, "outside the allowed range")  # the browser says so, in the field
    type_into(number, str(bounded.maximum))
    category = next((c for c in SCHEMA.features if len(c.categories) >= 2), None)
    if category is not None:
        field(browser, category.name).click()
        choice = str(category.categories[-1])
        options = browser.find_elements(By.CSS_SELECTOR, "[role=option]")
        next(option for option in options if option.text == choice).click()
    browser.find_element(By.XPATH, "//button[.//p[text()='Predict']]").click()
    shown(browser, f"predicted {SCHEMA.target.name}")
    metrics = browser.find_elements(By.CSS_SELECTOR, "[data-testid=stMetric]")
    assert len(metrics) == len(SCHEMA.target.summary_columns)
    captions = browser.find_elements(By.CSS_SELECTOR, "[data-testid=stCaptionContainer]")
    assert captions[-1].text == f"by model {app.version}"
    screenshot(browser, "record", "UI_SCREENSHOTS")


def downloaded(folder: Path, name: str) -> Path:
    """The file once the browser has finished writing it."""
    path = folder / name
    deadline = time.monotonic() + WAIT
    while not path.is_file() or any(folder.glob("*.crdownload")):
        if time.monotonic() > deadline:
            pytest.fail(f"{name} was not downloaded in {WAIT} s: {sorted(folder.iterdir())}")
        time.sleep(0.2)
    return path


def test_a_file_is_uploaded_scored_and_downloaded(
    browser: WebDriver, app: App, downloads: Path, screenshot: Screenshot
) -> None:
    """The predictions wait on disk in the app and are read when the button is clicked."""
    browser.get(f"{app.url}/file")
    elements(browser, "input[type=file]")[0].send_keys(str(app.batch))
    shown(browser, f"Scored {ROWS} rows with model {app.version}.")
    screenshot(browser, "file", "UI_SCREENSHOTS")
    elements(browser, "[data-testid=stDownloadButton] button")[0].click()
    table = tables.read_table(downloaded(downloads, f"{app.batch.stem}-predictions.csv"))
    assert len(table) == ROWS
    assert set(SCHEMA.target.summary_columns) <= set(table.columns)


def test_a_bad_upload_shows_the_clis_message(browser: WebDriver, app: App, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.touch()
    browser.get(f"{app.url}/file")
    elements(browser, "input[type=file]")[0].send_keys(str(empty))
    shown(browser, "cannot read 'empty.csv': the file is empty")


def test_the_model_card_and_the_drift_report_are_shown(
    browser: WebDriver, app: App, screenshot: Screenshot
) -> None:
    browser.get(f"{app.url}/model")
    shown(browser, f"Model {app.version}")
    shown(browser, "Quality gate passed")
    elements(browser, "[data-testid=stImage] img", count=2)  # the evaluation plots
    screenshot(browser, "model", "UI_SCREENSHOTS")
    browser.get(f"{app.url}/drift")
    shown(browser, "Drift in ")
    screenshot(browser, "drift", "UI_SCREENSHOTS")
