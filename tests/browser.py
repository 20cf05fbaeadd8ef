"""A real headless Chromium (Debian's package, driven by Playwright) for the tests that need a browser."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import missing

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
HOW_TO_INSTALL = (
    "needs Debian's Chromium and Playwright: apt-get install chromium && pip install -e '.[test]' "
    "(never `playwright install`)"
)


def launch(playwright):
    """Start Chromium headless, or skip the test (fail under CI=true) when it is not installed."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        missing(HOW_TO_INSTALL)
    return playwright.chromium.launch(executable_path=executable, args=FLAGS)


@pytest.fixture(scope="session")
def chromium():
    """One browser for the whole test session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(HOW_TO_INSTALL)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
