"""The one Playwright harness: Debian's Chromium driven by Playwright's sync API against
pytest-django's live server (loaded for every test folder by ``tests/conftest.py``).

Never downloads a browser: a test using these fixtures skips when ``/usr/bin/chromium`` or
Playwright is missing. Fixtures:

- ``browser``: one headless Chromium for the session (a test never launches its own);
- ``new_page(**context_options)``: a page in a fresh browser context (its own cookies) on the live
  server, relative URLs allowed;
- ``sign_in(page, email, password="jointly-demo")``: through the sign-in page, answering the
  second-factor step for demo admins;
- ``csp_violations(page)``: a list that fills with the page's Content Security Policy violations.

Mark browser tests ``pytest.mark.browser`` and ``pytest.mark.django_db(transaction=True)`` (the live
server reads what the test wrote).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
TIMEOUT_MS = 20_000


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
def new_page(browser, live_server):
    """``new_page()`` opens a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make(**kwargs):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, **kwargs)
        context.set_default_timeout(TIMEOUT_MS)
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


@pytest.fixture
def csp_violations():
    """``csp_violations(page)`` returns a list of the CSP violations Chromium reports on ``page``
    from then on (console errors and the ``securitypolicyviolation`` event), plus page errors."""

    def watch(page) -> list[str]:
        seen: list[str] = []
        page.on(
            "console",
            lambda msg: (
                seen.append(msg.text)
                if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused to" in msg.text)
                else None
            ),
        )
        page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('Refused to ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile"
            " + ':' + e.lineNumber + ' ' + e.sample));"
        )
        return seen

    return watch


def fill_date(page, name: str, iso: str) -> None:
    """Type a date (``YYYY-MM-DD``) into GOV.UK's three-box date input (core.forms.GovUKDateInput)."""
    year, month, day = iso.split("-")
    page.fill(f"#id_{name}_day", str(int(day)))
    page.fill(f"#id_{name}_month", str(int(month)))
    page.fill(f"#id_{name}_year", year)
