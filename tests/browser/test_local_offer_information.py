"""The Local Offer's information pages in a real browser on a 375 px phone: a parent opens the
Local Offer, finds how to ask for an EHC needs assessment and opens the printable version; axe
finds nothing, no CSP violation, nothing scrolls sideways; a draft is nowhere to be seen."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.test_govuk_basics import axe_violations, sideways, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EHC_BODY = (
    "You, your child's school or a young person aged 16 to 25 can ask the council for an assessment.\n\n"
    "1. Write to the SEND team\n2. The council must tell you within 6 weeks whether it will assess\n\n"
    "- send any reports you have\n- keep a copy of your letter"
)


@pytest.fixture
def offer(world):
    area = factories.area(gss_code="E07000071", name="Colchester", area_type="district")
    offer = factories.local_offer(
        world.p, world.council, slug="essex", name="Essex Local Offer", areas=[area]
    )
    s = factories.service(world.p, name="Children's centres", provider=world.provider, published=True,
                          areas=[area], age_min=0, age_max=5)  # fmt: skip
    factories.directory_entry(s, self_referral=True)
    factories.information_page(
        offer, topic="ehc_assessment", slug="ehc-needs-assessment", title="How to ask for an EHC needs assessment",
        summary="Who can ask, and how long each step takes.", body=EHC_BODY,
        contact="SEND team (illustrative): 0345 000 0100",
        links=[{"label": "IPSEA", "url": "https://www.ipsea.org.uk"}],
    )  # fmt: skip
    factories.information_page(offer, topic="mediation", slug="mediation", title="Mediation")
    factories.information_page(
        offer, topic="tribunal", slug="draft", title="ZZDRAFT tribunal", published=False
    )
    return offer


def test_parent_on_a_phone_finds_how_to_ask_for_an_ehc_needs_assessment_and_prints_it(
    offer, new_page, csp_violations
):
    phone = new_page(viewport={"width": 375, "height": 740})
    phone.set_default_timeout(60_000)
    problems, csp = watch(phone), csp_violations(phone)
    violations, too_wide = [], {}

    def check() -> None:
        nonlocal violations
        violations += axe_violations(phone)
        if extra := sideways(phone):
            too_wide[phone.url] = extra
        assert "ZZDRAFT" not in phone.content()

    phone.goto("/local-offer/essex/", timeout=180_000)
    assert phone.get_by_role("heading", name="Information and advice").is_visible()
    assert phone.get_by_role("heading", name="Asking for an EHC needs assessment").is_visible()
    check()
    phone.get_by_role("link", name="How to ask for an EHC needs assessment").click()
    phone.wait_for_url("**/information/ehc-needs-assessment/")
    assert phone.locator("h1").inner_text() == "How to ask for an EHC needs assessment"
    assert "within 6 weeks" in phone.locator("main ol.govuk-list--number").inner_text()
    check()
    phone.get_by_role("link", name="Information and advice").first.click()
    phone.wait_for_url("**/information/")
    check()
    phone.get_by_role("link", name="Printable version").first.click()
    phone.wait_for_url("**/print/")
    body = phone.locator("main").inner_text()
    assert "How to ask for an EHC needs assessment" in body and "within 6 weeks" in body
    assert "IPSEA: https://www.ipsea.org.uk" in body and "Children's centres" in body
    check()
    assert (problems, csp, violations, too_wide) == ([], [], [], {})
