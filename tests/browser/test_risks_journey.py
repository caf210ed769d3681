"""A commissioner records a risk, re-scores it, and sees the heat map move (browser, demo data)."""

from __future__ import annotations

import pytest

from tests.browser_harness import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMISSIONER = "commissioner.north-east-essex@jointly.test"
R = "/p/north-east-essex/risks"


def _count(page, basis: str, impact: int, likelihood: int) -> str:
    row = page.locator(f"#heat-table-{basis} tbody tr").nth(5 - impact)
    return row.locator("td").nth(likelihood - 1).inner_text().strip()


def test_record_rescore_and_see_the_heat_map_move(demo, new_page, sign_in):
    page = new_page()
    page.set_default_timeout(60_000)
    page.goto("/login/", timeout=180_000)
    sign_in(page, COMMISSIONER)
    page.goto(f"{R}/heat-map/")
    assert _count(page, "inherent", 5, 4) == "1"  # seed 001's NEE-R01
    assert _count(page, "current", 2, 2) == "0"
    page.goto(f"{R}/new/")
    page.fill("#id_reference", "NEE-R11")
    page.fill("#id_title", "Journey risk")
    page.select_option("#id_inherent_impact", "5")
    page.select_option("#id_inherent_likelihood", "4")
    page.select_option("#id_current_impact", "4")
    page.select_option("#id_current_likelihood", "4")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Risk saved.")
    page.get_by_role("link", name="Re-score").first.click()
    page.select_option("#id_impact", "2")
    page.select_option("#id_likelihood", "2")
    fill_date(page, "reviewed_on", "2014-01-15")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_selector("text=is now rated 4")
    assert page.locator(".jointly-risk-point").count() == 2  # the recorded score and the review
    page.goto(f"{R}/heat-map/")
    assert _count(page, "inherent", 5, 4) == "2"
    assert _count(page, "current", 2, 2) == "1"
    assert _count(page, "current", 4, 4) == "0"
    page.locator("#heat-table-current tbody tr").nth(3).locator("td").nth(1).get_by_role("link").click()
    assert "NEE-R11" in page.content()
