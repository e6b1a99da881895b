"""Debian's Chromium driven by Playwright, for browser tests (never a browser Playwright downloads)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

CHROMIUM = Path(os.environ.get("BESACE_CHROMIUM", "/usr/bin/chromium"))
# Every browser test module's `pytestmark`: run with the other browser tests, skipped without Chromium.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not installed at {CHROMIUM}"),
]
# Screenshots of the journeys (git-ignored), in a folder per test module.
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
# Without these flags Chromium keeps trying to reach Google's services, which a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def french(message: str, **values) -> str:
    """The page's wording in French, as the catalogue says it (the English text until it is translated)."""
    with translation.override("fr"):
        return gettext(message) % values if values else gettext(message)


def sign_up_filled(page, *, email: str, password: str, first_name: str = "", last_name: str = "") -> None:
    """Fill the sign-up form and accept the data-protection statement; the caller submits it."""
    page.fill("input[name=email]", email)
    if first_name:
        page.fill("input[name=first_name]", first_name)
    if last_name:
        page.fill("input[name=last_name]", last_name)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.check("input[name=accept_data_protection]")
