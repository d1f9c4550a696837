"""The browser the learner-path test drives: the distribution's Chromium, through Playwright.

Playwright's own browser download is not used (`make test-browser` installs Debian's
``chromium`` package instead); pytest-playwright's fixtures launch that executable.
"""
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"no browser at {CHROMIUM}: install Debian's chromium package "
                    "(make test-browser does it as root)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": FLAGS,
            "headless": True}
