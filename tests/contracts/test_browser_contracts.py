"""Browser: add a contract, propose and approve a variation, see the new terms, find it on the timeline."""

from __future__ import annotations

import pytest

from tests.browser_harness import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contract_variation_and_timeline(new_page):
    from tests import factories

    w = factories.World.build()
    # A second commissioner decides (four eyes); partnership admins would need their second factor.
    factories.membership(factories.user(email="second.commissioner@alpha.test"), w.council, "commissioner")
    journey(new_page(), "", w.provider.pk, w.council.pk)  # the page's base URL is the live server


def journey(page, base: str, provider_pk: int, council_pk: int) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "commissioner@alpha.test")
    page.fill("input[name=password]", "pw-12345-long")
    page.click("button:has-text('Sign in')")
    page.goto(f"{base}/p/alpha/contracts/")
    page.click("text=Add a contract")
    page.fill("#id_reference", "BRW-1")
    page.fill("#id_title", "Browser school nursing")
    page.select_option("#id_provider", str(provider_pk))
    page.select_option("#id_lead_commissioner", str(council_pk))
    page.select_option("#id_contract_type", "nhs_standard")
    fill_date(page, "start_date", "2024-04-01")
    fill_date(page, "end_date", "2026-03-31")
    page.fill("#id_value", "100000")
    page.fill("#id_notice_months", "3")
    page.click("button[type=submit]")
    assert "Contract saved" in page.content()
    page.click("text=Propose a variation")
    page.select_option("#id_kind", "term")
    page.fill("#id_description", "Extend and add capacity")
    page.fill("#id_value_change", "25000")
    fill_date(page, "new_end_date", "2026-08-31")
    fill_date(page, "effective_date", "2026-01-01")
    page.click("button[type=submit]")
    contract_url = page.url.split("#")[0]
    # four eyes: the proposer is told another person decides; a second commissioner approves
    assert "so another person must approve or reject it" in page.content()
    assert page.locator("select[name=decision]").count() == 0
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "second.commissioner@alpha.test")
    page.fill("input[name=password]", "pw-12345-long")
    page.click("button:has-text('Sign in')")
    page.goto(contract_url)
    page.select_option("select[name=decision]", "approve")
    page.fill("textarea[name=reason]", "Agreed at the board")
    page.click("text=Record decision")
    assert "Variation approved" in page.content()
    assert "125,000.00" in page.inner_text("#current-value")
    assert "31 August 2026" in page.inner_text("#current-end")
    page.goto(f"{base}/p/alpha/contracts/timeline/?as_at=2025-06-01")
    assert page.locator("#timeline-chart").is_visible()
    row = page.locator("#timeline-table tr", has_text="BRW-1")
    assert "31 Aug 2026" in row.inner_text()
    page.goto(f"{base}/p/alpha/contracts/expiry/?months=24&as_at=2025-06-01")
    assert "BRW-1" in page.inner_text("#expiring-table")
