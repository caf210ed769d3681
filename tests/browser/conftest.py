"""Playwright (sync API) driving the system's Debian Chromium against pytest-django's live server.

Never downloads a browser: the tests skip when /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db):
    """The real demo data (five partnerships, demo sign-ins with password ``jointly-demo``)."""
    from jointly.demo import loader

    loader.load(with_users=True)
    return loader


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()`` opens a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make(**kwargs):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    def do(page, email: str, password: str = "jointly-demo") -> None:
        page.goto("/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        if "/account/two-factor/verify/" in page.url:
            # Demo admins use the demo's published two-factor key: compute the code as their app would.
            from django_otp.plugins.otp_totp.models import TOTPDevice

            from jointly.accounts.demo import current_code

            # A code is accepted once per 30 s; a test may sign the same person in twice within that.
            TOTPDevice.objects.filter(user__email=email).update(last_t=-1)
            page.fill("#id_code", current_code(email))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url(lambda url: "/two-factor/" not in url)

    return do
