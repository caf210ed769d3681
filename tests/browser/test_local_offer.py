"""The public Local Offer in a real browser: axe finds nothing, no CSP violation, nothing scrolls
sideways on a 375 px phone; the journey of issue 13: a parent finds a service for a 4-year-old in
Colchester on a phone and leaves a comment; a commissioner themes it and publishes a response,
which then appears on the public page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories
from tests.browser.test_govuk_basics import axe_violations, sideways, watch
from tests.browser_harness import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def essexish(world):
    area = factories.area(gss_code="E07000071", name="Colchester", area_type="district")
    offer = factories.local_offer(
        world.p, world.council, slug="essex", name="Essex Local Offer", areas=[area]
    )
    for name, lo, hi, postcode in [("Children's centres", 0, 5, "CO1 1AA"), ("Youth club", 11, 19, "CO2 7AB"),
                                   ("Nursery support", 2, 4, "CM1 1AA")]:  # fmt: skip
        s = factories.service(world.p, name=name, provider=world.provider, published=True, areas=[area],
                              age_min=lo, age_max=hi)  # fmt: skip
        e = factories.directory_entry(s, self_referral=True, contact_phone="0345 000 0001")
        factories.location(e, name=f"{name} venue", postcode=postcode, latitude=Decimal("51.88900"),
                           longitude=Decimal("0.90400"))  # fmt: skip
        factories.schedule(e)
    return world, offer


PUBLIC = ["/local-offer/", "/local-offer/essex/", "/local-offer/essex/?age=4&postcode=CO1", "/local-offer/essex/print/",
          "/local-offer/essex/feedback/", "/local-offer/essex/you-said-we-did/"]  # fmt: skip


def test_public_pages_pass_axe_and_fit_a_phone(essexish, new_page, csp_violations):
    page = new_page(viewport={"width": 375, "height": 740})
    page.set_default_timeout(60_000)
    problems, csp = watch(page), csp_violations(page)
    violations, too_wide = [], {}
    entry_url = None
    for url in PUBLIC:
        response = page.goto(url, timeout=180_000)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
        violations += axe_violations(page)
        if extra := sideways(page):
            too_wide[url] = extra
        if url == "/local-offer/essex/":
            entry_url = page.locator(".jointly-result a").first.get_attribute("href")
    page.goto(entry_url)
    violations += axe_violations(page)
    if extra := sideways(page):
        too_wide[entry_url] = extra
    assert problems == []
    page.goto("/local-offer/essex/?age=-1")  # an error summary (HTTP 400)
    violations += axe_violations(page)
    assert (csp, violations, too_wide) == ([], [], {})


def test_parent_finds_a_service_and_comments_then_a_response_is_published(essexish, new_page, sign_in):
    world, offer = essexish
    phone = new_page(viewport={"width": 375, "height": 740})
    phone.set_default_timeout(60_000)
    phone.goto("/local-offer/essex/", timeout=180_000)
    phone.fill("#id_age", "4")
    phone.fill("#id_postcode", "CO1")
    phone.get_by_role("button", name="Search").click()
    results = phone.locator(".jointly-result h2").all_inner_texts()
    assert results == ["Children's centres"]
    phone.get_by_role("link", name="Children's centres").click()
    assert "You can refer yourself" in phone.content()
    phone.get_by_role("link", name="Comment on this service").click()
    phone.get_by_label("Parent or carer").check()
    phone.get_by_label("Your comment").fill("Please open on Saturdays too.")
    phone.get_by_role("button", name="Send comment").click()
    assert phone.locator("h1").inner_text() == "Comment sent"

    from jointly.engagement.models import Feedback

    feedback = Feedback.objects.get()
    assert feedback.entry is not None and feedback.entry.service.name == "Children's centres"

    desk = new_page(viewport={"width": 1024, "height": 768})
    desk.set_default_timeout(60_000)
    sign_in(desk, world.users["commissioner"].email, "pw-12345-long")
    desk.goto("/p/alpha/engagement/")
    desk.get_by_role("link", name=feedback.received_on.strftime("%-d %b %Y")).click()
    desk.fill("#id_new_theme", "Opening times")
    desk.select_option("#id_status", "themed")
    desk.get_by_role("button", name="Save theme").click()
    desk.goto("/p/alpha/engagement/responses/new/essex/")
    desk.select_option("#id_theme", label="Opening times")
    desk.fill("#id_you_said", "Open on Saturdays")
    desk.fill("#id_we_did", "Saturday mornings from next month")
    desk.check("#id_published")
    fill_date(desk, "published_on", dt.date.today().isoformat())
    desk.get_by_role("button", name="Save response").click()
    desk.wait_for_url(lambda url: "/responses/new/" not in url)

    phone.goto("/local-offer/essex/you-said-we-did/")
    body = phone.content()
    assert "Saturday mornings from next month" in body and "Opening times" in body
    assert "fewer than 5" in body  # one comment: never shown as an exact small count
