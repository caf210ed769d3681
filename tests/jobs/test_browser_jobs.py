"""In a real browser: htmx refreshes a running import's progress panel in place, with no CSP errors."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-12345-long"


def test_the_progress_panel_updates_in_place(needs, new_page, sign_in, csp_violations):
    from playwright.sync_api import expect

    from jointly.needs.models import ImportLog

    viewer = needs.w.users["viewer"]
    viewer.set_password(PASSWORD)
    viewer.save()
    log = ImportLog.objects.create(
        partnership=needs.w.p, file_name="big.csv", layout="template", status="running", progress=40,
        stage="Saving values",
    )  # fmt: skip
    page = new_page()
    violations = csp_violations(page)
    sign_in(page, viewer.email, PASSWORD)
    page.goto(f"/p/alpha/needs/import/{log.pk}/")
    expect(page.locator("#import-progress")).to_have_text("Saving values: 40% done.")
    page.evaluate("window.notReloaded = true")
    ImportLog.objects.filter(pk=log.pk).update(status="done", progress=100, message="Loaded 7 row(s).")
    expect(page.locator("#import-message")).to_have_text("Loaded 7 row(s).", timeout=15_000)
    assert page.evaluate("window.notReloaded") is True  # the panel changed, the page did not
    assert page.locator("#import-panel[hx-trigger]").count() == 0  # and polling stopped
    assert violations == []
