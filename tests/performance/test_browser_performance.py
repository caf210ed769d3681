"""Browser journey: a provider's returns file with two bad rows, then fixed; the commissioner sees
the new points and icons and raises a remedial action plan.

Playwright (sync API) drives the system's Debian Chromium against pytest-django's live server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jointly.performance.models import KpiReturn, PerformanceNotice

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "pw-12345-long"

BAD = b"kpi,period,numerator,denominator,reason\nSG-L3,2023-04,96,100,\nSG-L3,2023-05,lots,100,\nSG-L3,2023-06,120,100,\n"
GOOD = b"kpi,period,numerator,denominator,reason\nSG-L3,2023-04,96,100,\nSG-L3,2023-05,94,100,\nSG-L3,2023-06,80,100,\n"


@pytest.fixture
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_as(chromium, live_server, email: str):
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


@pytest.mark.browser
def test_provider_upload_then_commissioner_sees_icons_and_raises_a_plan(
    transactional_db, perf, chromium, live_server
):
    w = perf.w
    before = KpiReturn.objects.count()
    upload_url = f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/"

    context, page = open_as(chromium, live_server, w.users["provider"].email)
    page.goto(upload_url)
    page.set_input_files("#id_file", files=[{"name": "returns.csv", "mimeType": "text/csv", "buffer": BAD}])
    page.get_by_role("button", name="Upload").click()
    summary = page.locator("#problems")
    summary.wait_for()
    assert "there are 2 problems" in summary.inner_text()
    problems = page.locator(".jointly-problem").all_inner_texts()
    assert problems[0].startswith("row 3, column numerator") and "not a number" in problems[0]
    assert problems[1].startswith("row 4, column numerator") and "above the denominator" in problems[1]
    assert KpiReturn.objects.count() == before  # the good first row was not saved either

    page.set_input_files("#id_file", files=[{"name": "returns.csv", "mimeType": "text/csv", "buffer": GOOD}])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"**/contracts/{perf.contract.pk}/")
    assert "Loaded 3 returns" in page.content()
    assert KpiReturn.objects.count() == before + 3
    context.close()

    context, page = open_as(chromium, live_server, w.users["commissioner"].email)
    page.goto("/p/alpha/performance/kpis/SG-L3/")
    headline = page.locator("#headline")
    assert "80%" in headline.inner_text() and "2023-06" in headline.inner_text()
    icons = headline.locator("svg.jointly-icon")
    assert icons.count() == 2
    assert icons.nth(0).get_attribute("aria-label") == "Special cause variation: concern (lower values)"
    assert page.locator("#spc-table").get_by_text("Jun 2023").count() == 1
    assert page.locator("circle.jointly-spc-point--concern").count() >= 2  # the new point (+ legend)

    page.get_by_role("link", name="Raise a performance notice").click()
    page.get_by_label("SG-L3 Safeguarding training level 3").check()
    page.get_by_label("Performance failure").fill("Level 3 compliance fell to 80% in June 2023.")
    page.get_by_label("Remedial action plan: what must improve, by when").fill("Back above 95% by December.")
    page.get_by_role("button", name="Issue notice").click()
    page.wait_for_url("**/notices/*/")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Description").fill("Run extra level 3 sessions")
    page.get_by_label("Owner").fill("Named nurse for safeguarding")
    page.get_by_label("Due date").fill("2023-09-30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/notices/*/#actions")
    assert "Run extra level 3 sessions" in page.content()
    page.get_by_role("button", name="Agree plan and close notice").click()
    page.wait_for_load_state()
    assert "Closed: plan agreed" in page.locator("#notice-status").inner_text()
    notice = PerformanceNotice.objects.get()
    assert notice.plan.status == "agreed" and list(notice.kpis.values_list("code", flat=True)) == ["SG-L3"]
    context.close()
