"""A partnership admin adds a risk, re-scores it over the threshold, sees it escalate into the next
pack of the Transformation and Delivery Committee, builds the pack and reads its PDF's pages."""

from __future__ import annotations

import re

import pytest

from tests.browser_harness import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "partnership-admin.north-east-essex@jointly.test"
P = "/p/north-east-essex"


def test_escalated_risk_goes_into_the_built_pack(demo, new_page, sign_in):
    import pypdfium2 as pdfium

    from jointly.partnerships.models import Meeting

    meeting = Meeting.objects.get(board__slug="nee-transformation-delivery-committee", date="2013-07-10")
    agenda = f"{P}/boards/nee-transformation-delivery-committee/meetings/{meeting.pk}/"
    page = new_page()
    page.set_default_timeout(90_000)
    page.goto("/login/", timeout=180_000)
    sign_in(page, ADMIN)
    page.goto(f"{P}/risks/new/")
    page.fill("#id_reference", "NEE-R12")
    page.fill("#id_title", "Journey risk for the pack")
    page.select_option("#id_inherent_impact", "5")
    page.select_option("#id_inherent_likelihood", "4")
    page.select_option("#id_current_impact", "2")
    page.select_option("#id_current_likelihood", "2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Risk saved.")
    page.get_by_role("link", name="Re-score").first.click()
    page.select_option("#id_impact", "4")
    page.select_option("#id_likelihood", "4")
    fill_date(page, "reviewed_on", "2013-07-01")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_selector("text=is now rated 16")
    page.goto(agenda)
    assert "integrated plan risk log" in page.locator("#agenda-items").inner_text().lower()
    fill_date(page, "as_at", "2013-07-05")
    page.get_by_role("button", name="Build the pack").click()
    page.wait_for_selector("#pack-files")
    assert page.locator("#pack-status").inner_text().startswith("Draft")
    href = page.locator("#pack-files a").first.get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.body())
    texts = []
    for i in range(len(pdf)):
        image = pdf[i].render(scale=0.5).to_pil()  # every page renders as an image
        assert image.size[0] > 200
        texts.append(pdf[i].get_textpage().get_text_range())
    whole = "\n".join(texts)
    # A table cell may wrap a reference at its hyphen (pdfium gives U+FFFE, a soft hyphen or \x02 there).
    squeezed = re.sub(r"[\s\x02\xad\u2010\ufffe-]+", "", whole)
    for section in ("Agenda", "Contents", "Summary", "Recommendations", "Implications", "Supporting information",
                    "Risks escalated to the board", "NEE-R12", "Part B: exempt"):  # fmt: skip
        assert re.sub(r"[\s-]+", "", section) in squeezed, section
    assert all(f"Page {n} of {len(pdf)}" in t for n, t in enumerate(texts, start=1))
    page.get_by_role("button", name="Issue this pack").click()
    page.wait_for_selector("text=Pack issued")
    assert "Frozen" in page.locator("#pack-status").inner_text()
