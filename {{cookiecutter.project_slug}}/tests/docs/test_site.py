"""The built documentation site, opened in headless Chromium as a reader would open it (`nox -s
docs` builds it first): the home page, the generated settings reference, a screenshot of each
checked for content and kept in `$DOCS_SCREENSHOTS` when that names a folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The built site, served on a free loopback port, stopped by its process id."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no site in {SITE}: build it with `uv run nox -s docs`")
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--directory", str(SITE)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the site's server did not start"
                time.sleep(0.1)
        yield url
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_the_home_page_leads_to_every_part(
    browser: WebDriver, site: str, screenshot: Screenshot
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/index.html")
    title = (DOCS / "index.md").read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
    assert title in browser.title
    links = {link.text.strip() for link in browser.find_elements(By.CSS_SELECTOR, "a")}
    for title in ("Getting started", "Operations", "Troubleshooting", "Settings", "Command line"):
        assert title in links, f"the home page has no link to {title}"
    screenshot(browser, "home", "DOCS_SCREENSHOTS")


def test_the_settings_reference_is_generated_from_the_code(
    browser: WebDriver, site: str, screenshot: Screenshot
) -> None:
    browser.get(f"{site}/generated/settings.html")
    text = browser.page_source
    missing = [name for name in setting_names() if name not in text]
    assert not missing, f"not on the built page: {missing}"
    screenshot(browser, "settings", "DOCS_SCREENSHOTS")
