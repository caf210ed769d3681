"""In a real browser: htmx refreshes a running import's progress panel in place, with no CSP errors."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "pw-12345-long"


def test_the_progress_panel_updates_in_place(needs, live_server):
    pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    from jointly.needs.models import ImportLog

    viewer = needs.w.users["viewer"]
    viewer.set_password(PASSWORD)
    viewer.save()
    log = ImportLog.objects.create(
        partnership=needs.w.p, file_name="big.csv", layout="template", status="running", progress=40,
        stage="Saving values",
    )  # fmt: skip
    with ThreadPoolExecutor(max_workers=1) as pool:
        errors = pool.submit(watch, live_server.url, viewer.email, log.pk).result(timeout=300)
    # (the GOV.UK font files are not served in tests: those 404s are not what this checks)
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []


def watch(base: str, email: str, pk: int) -> list[str]:
    from playwright.sync_api import expect, sync_playwright

    from jointly.needs.models import ImportLog

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(base_url=base).new_page()
            page.set_default_timeout(20_000)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto("/login/")
            page.fill("#id_username", email)
            page.fill("#id_password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/login/" not in url)
            page.goto(f"/p/alpha/needs/import/{pk}/")
            expect(page.locator("#import-progress")).to_have_text("Saving values: 40% done.")
            page.evaluate("window.notReloaded = true")
            ImportLog.objects.filter(pk=pk).update(status="done", progress=100, message="Loaded 7 row(s).")
            expect(page.locator("#import-message")).to_have_text("Loaded 7 row(s).", timeout=15_000)
            assert page.evaluate("window.notReloaded") is True  # the panel changed, the page did not
            assert page.locator("#import-panel[hx-trigger]").count() == 0  # and polling stopped
        finally:
            browser.close()
    return errors
