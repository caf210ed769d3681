"""Issue 10.10 in a browser: the home page says what needs attention, each line a working link,
as a Derby commissioner and as a Derby provider (who sees its own contracts' lines only); axe
finds no violation on it."""

from __future__ import annotations

import pytest

from tests.browser.test_govuk_basics import axe_violations, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_says_what_needs_attention(demo, new_page, sign_in):
    page = new_page(viewport={"width": 1024, "height": 768})
    page.set_default_timeout(60_000)
    problems = watch(page)
    page.goto("/login/", timeout=180_000)
    sign_in(page, "commissioner.derby@jointly.test")
    page.goto("/")
    table = page.locator("table.jointly-attention[data-partnership='derby']")
    assert table.count() == 1
    assert "as at 30 September 2013" in page.locator("#attention-derby").inner_text()
    kinds = set(table.locator("tr[data-kind]").evaluate_all("rows => rows.map(r => r.dataset.kind)"))
    assert {"plan_awaited", "return_queried"} <= kinds, kinds
    assert axe_violations(page) == []
    # every line links to its record
    links = table.locator("tbody a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links and all(h.startswith("/p/derby/") for h in links)
    row = table.locator("tr[data-kind='plan_awaited'] a").first
    row.click()
    page.wait_for_load_state("networkidle")
    assert "/performance/notices/" in page.url
    assert page.locator("h1").inner_text() == "Contract performance notice"
    assert problems == [], problems

    provider = new_page(viewport={"width": 1024, "height": 768})
    provider.set_default_timeout(60_000)
    sign_in(provider, "provider.derby@jointly.test")
    provider.goto("/")
    rows = provider.locator("table.jointly-attention tr[data-kind]")
    kinds = set(rows.evaluate_all("rows => rows.map(r => r.dataset.kind)"))
    assert "plan_awaited" in kinds and not kinds & {
        "intention_no_update",
        "milestone_missed",
        "action_overdue",
    }
    assert "DER-C-TCS" not in provider.locator("main").inner_text()  # another provider's contract
