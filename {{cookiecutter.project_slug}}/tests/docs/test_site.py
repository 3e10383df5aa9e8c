"""The built documentation site, opened in headless Chromium as a reader would open it (`nox -s
docs` builds it first): the home page, the generated settings reference, a screenshot of each
checked for content and kept in `$DOCS_SCREENSHOTS` when that names a folder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from {{ cookiecutter.package_name }}.config import setting_names

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from tests.conftest import Screenshot

pytestmark = pytest.mark.docs

DOCS = Path(__file__).resolve().parents[2] / "docs"
SITE = DOCS / "_build" / "html"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The built site, served on loopback by a server that picks its own free port and says which
    (no other process can take the port between a probe and the bind), stopped by its process id.

    Without a built site the test is skipped, saying how to build it, except in `nox -s docs`
    (which builds it first) and on CI, where that is a failure."""
    if not (SITE / "index.html").is_file():
        why = f"no site in {SITE}: build it with `uv run nox -s docs`"
        if os.environ.get("CI") or os.environ.get("DOCS_SCREENSHOTS"):
            pytest.fail(why)
        pytest.skip(why)
    command = [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--directory", str(SITE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    with server.stdout:
        try:
            said = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 41234 (http://…"
            found = re.search(r" port (\d+) ", said)
            assert found, f"the site's server did not say its port: {said!r}"
            yield f"http://127.0.0.1:{found[1]}"
        finally:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=10)


def opened(browser: WebDriver, url: str) -> None:
    """Open the page at `url` in the browser, after checking that the server has it."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the site's http://)
        assert response.status == 200, f"{url}: HTTP {response.status}"
    browser.get(url)


def shown_text(browser: WebDriver) -> str:
    """The text the page shows now."""
    return str(browser.execute_script("return document.body ? document.body.innerText : ''"))


def test_the_home_page_leads_to_every_part(
    browser: WebDriver, site: str, screenshot: Screenshot
) -> None:
    from selenium.webdriver.common.by import By

    opened(browser, f"{site}/index.html")
    title = (DOCS / "index.md").read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
    assert title in browser.title
    links = {link.text.strip() for link in browser.find_elements(By.CSS_SELECTOR, "a")}
    for title in ("Getting started", "Operations", "Troubleshooting", "Settings", "Command line"):
        assert title in links, f"the home page has no link to {title}"
    screenshot(browser, "home", "DOCS_SCREENSHOTS")


def test_the_settings_reference_is_generated_from_the_code(
    browser: WebDriver, site: str, screenshot: Screenshot
) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    opened(browser, f"{site}/generated/settings.html")
    assert "Settings" in browser.title, f"not the settings page: {browser.title!r}"
    names = list(setting_names())

    def missing(driver: WebDriver) -> list[str]:
        shown = shown_text(driver)
        return [name for name in names if name not in shown]

    # A busy machine may hand back the page before its body is drawn: wait for the names as long
    # as the browser waits for a page to load.
    wait = browser.timeouts.page_load
    try:
        WebDriverWait(browser, wait, poll_frequency=0.5).until(lambda driver: not missing(driver))
    except TimeoutException:
        state = browser.execute_script("return document.readyState")
        raise AssertionError(
            f"not on the built page after {wait} s: {missing(browser)}; the page:"
            f" {browser.current_url} {browser.title!r} ({state}): {shown_text(browser)[:500]!r}"
        ) from None
    screenshot(browser, "settings", "DOCS_SCREENSHOTS")
