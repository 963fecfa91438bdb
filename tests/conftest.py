"""Fixtures shared by the test files: ``browser``, a headless Chromium (see tests/browser.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Locally every run of a property test draws new examples; CI draws the same ones each
# run (derandomize), so a landing never depends on luck. A failure found locally is kept
# as an @example.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run, offline; quit with its processes at the end.

    Skipped where Debian's chromium-driver is not installed, except in CI (CI set), where a
    missing browser is a failure: `make test` installs it.
    """
    from browser import CHROMEDRIVER, chromium  # imports selenium: only for the browser tests

    if not Path(CHROMEDRIVER).exists():
        missing = (f"no {CHROMEDRIVER}: install Debian's chromium and chromium-driver "
                   "(`make chromium`) to run the browser tests")
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (CI is set: the browser tests may not be skipped)")
        pytest.skip(missing)
    with chromium() as driver:
        yield driver
