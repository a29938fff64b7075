"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), against
pytest-django's live server on a real PostgreSQL. Screenshots go to var/screenshots/.

`playwright install` cannot download browsers here, so we launch the system Chromium by
path, with the flags that keep it from reaching for the network at start-up.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MIRASAPO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django must allow sync ORM calls
# from tests that also drive the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (.ci/run installs it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    context = chromium_browser.new_context(locale="ja-JP", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def current_totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in(page, email: str, password: str, *, totp_secret: str | None = None) -> None:
    """Sign in through the real allauth pages, answering the TOTP step when asked."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if totp_secret and "/accounts/2fa/authenticate" in page.url:
        # A code is valid in its 30-second window only (no tolerance): a code read just before
        # the window turns can reach the server after it has turned, on a busy machine. Read
        # it with at least 5 seconds of its window left.
        period = 30
        if period - time.time() % period < 5:
            time.sleep(period - time.time() % period + 0.2)
        page.fill("input[name=code]", current_totp_code(totp_secret))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        time.sleep(0.1)
        assert "/accounts/2fa/authenticate" not in page.url, f"the TOTP step refused the code ({page.url})"
