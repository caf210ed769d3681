"""Browser journey: a provider's returns file with two bad rows, then fixed; the commissioner sees
the new points and icons and raises a remedial action plan.

Playwright drives Debian's Chromium through the shared harness (tests/browser_harness.py).
"""

from __future__ import annotations

import pytest

from jointly.performance.models import KpiReturn, PerformanceNotice
from tests import factories
from tests.browser_harness import fill_date

PASSWORD = "pw-12345-long"

BAD = b"kpi,period,numerator,denominator,reason\nSG-L3,2023-04,96,100,\nSG-L3,2023-05,lots,100,\nSG-L3,2023-06,120,100,\n"
GOOD = b"kpi,period,numerator,denominator,reason\nSG-L3,2023-04,96,100,\nSG-L3,2023-05,94,100,\nSG-L3,2023-06,80,100,\n"


def open_as(browser, base_url: str, email: str):
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return context, page


def upload(browser, base_url: str, email: str, url: str, content: bytes) -> dict:
    context, page = open_as(browser, base_url, email)
    page.goto(url)
    page.set_input_files(
        "#id_file", files=[{"name": "returns.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    summary = page.locator("#problems")
    result = {
        "url": page.url,
        "summary": summary.inner_text() if summary.count() else "",
        "problems": page.locator(".jointly-problem").all_inner_texts(),
        "html": page.content(),
    }
    context.close()
    return result


def review_and_raise_plan(browser, base_url: str, email: str) -> dict:
    context, page = open_as(browser, base_url, email)
    page.goto("/p/alpha/performance/kpis/SG-L3/")
    headline = page.locator("#headline")
    icons = headline.locator("svg.jointly-icon")
    seen = {
        "headline": headline.inner_text(),
        "icons": [icons.nth(i).get_attribute("aria-label") for i in range(icons.count())],
        "table_june": page.locator("#spc-table").get_by_text("Jun 2023").count(),
        "concern_points": page.locator("circle.jointly-spc-point--concern").count(),
    }
    page.get_by_role("link", name="Raise a performance notice").click()
    page.get_by_label("SG-L3 Safeguarding training level 3").check()
    page.get_by_label("Performance failure").fill("Level 3 compliance fell to 80% in June 2023.")
    page.get_by_role("button", name="Issue notice").click()
    page.wait_for_url("**/notices/*/")
    # the provider drafts the plan; a commissioner may key it in for a small provider
    page.get_by_role("link", name="Draft the plan").click()
    page.get_by_label("Remedial action plan: what will improve, how and by when").fill(
        "Back above 95% by December."
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/notices/*/")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Description").fill("Run extra level 3 sessions")
    page.get_by_label("Owner").fill("Named nurse for safeguarding")
    fill_date(page, "due_date", "2023-09-30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/notices/*/#actions")
    seen["action_listed"] = "Run extra level 3 sessions" in page.content()
    notice_url = page.url.split("#")[0]
    # four eyes: whoever drafted the plan cannot agree it; a second commissioner does
    seen["own_agree"] = (
        "so another person must agree it" in page.content()
        and page.get_by_role("button", name="Agree plan").count() == 0
    )
    context.close()
    context, page = open_as(browser, base_url, "second.commissioner@alpha.test")
    page.goto(notice_url)
    page.get_by_role("button", name="Agree plan").click()
    page.wait_for_load_state()
    seen["notice_status"] = page.locator("#notice-status").inner_text()
    context.close()
    return seen


@pytest.mark.browser
def test_provider_upload_then_commissioner_sees_icons_and_raises_a_plan(
    transactional_db, perf, browser, live_server
):
    w = perf.w
    # A second commissioner agrees the plan (four eyes); partnership admins would need a second factor.
    factories.membership(factories.user(email="second.commissioner@alpha.test"), w.council, "commissioner")
    base = live_server.url
    before = KpiReturn.objects.count()
    url = f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/"

    bad = upload(browser, base, w.users["provider"].email, url, BAD)
    assert "there are 2 problems" in bad["summary"]
    assert bad["problems"][0].startswith("row 3, column numerator") and "not a number" in bad["problems"][0]
    assert (
        bad["problems"][1].startswith("row 4, column numerator")
        and "above the denominator" in bad["problems"][1]
    )
    assert KpiReturn.objects.count() == before  # the good first row was not saved either

    good = upload(browser, base, w.users["provider"].email, url, GOOD)
    assert good["url"].endswith(f"/contracts/{perf.contract.pk}/") and "Loaded 3 returns" in good["html"]
    assert KpiReturn.objects.count() == before + 3

    seen = review_and_raise_plan(browser, base, w.users["commissioner"].email)
    assert "80%" in seen["headline"] and "2023-06" in seen["headline"]
    assert seen["icons"] == [
        "Special cause variation: concern (lower values)",
        "Inconsistent: will sometimes pass and sometimes fail the target",
    ]
    assert seen["table_june"] == 1 and seen["concern_points"] >= 2  # the new point (+ the legend)
    assert (
        seen["action_listed"]
        and seen["own_agree"]
        and "Open: plan agreed, actions under way" in seen["notice_status"]
    )
    notice = PerformanceNotice.objects.get()
    assert notice.plan.status == "agreed" and list(notice.kpis.values_list("code", flat=True)) == ["SG-L3"]
    assert notice.plan.actions.get().owner == "Named nurse for safeguarding"
