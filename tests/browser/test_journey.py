"""The commissioner's journey in a real browser: golden thread, quarterly progress, the DOCX report."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMISSIONER = "commissioner.derby@jointly.test"
VIEWER = "viewer.derby@jointly.test"
SCREENSHOT = Path("/tmp/jointly-intention.png")


def expect():
    from playwright.sync_api import expect as pw_expect

    return pw_expect


def test_commissioner_journey(demo, new_page, sign_in, tmp_path):
    from jointly.partnerships.models import Partnership

    partnership_name = Partnership.objects.get(slug="derby").name
    page = new_page()
    sign_in(page, COMMISSIONER)
    check = expect()

    # GOV.UK Frontend's stylesheet is served and applied (the header is GOV.UK blue-black, not unstyled).
    css = page.request.get("/static/vendor/govuk/jointly-govuk.min.css")
    assert css.ok and ".govuk-header" in css.text()
    styles = page.evaluate(
        """() => ({
            container: getComputedStyle(document.querySelector('.govuk-width-container')).maxWidth,
            body: getComputedStyle(document.body).margin,
        })"""
    )
    assert styles == {"container": "960px", "body": "0px"}, styles  # unstyled: "none" and "8px"

    # Derby's outcomes: open the "Best Start" priority.
    page.goto("/p/derby/outcomes/")
    check(page.get_by_role("heading", name="Outcomes frameworks")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^BS Best Start$")).click()
    check(page.locator("h1")).to_have_text("BS Best Start")
    outcome_url = page.url

    # Its golden thread lists the intentions serving it; open DER-01.
    thread = page.locator("#thread-intentions")
    check(thread).to_contain_text("DER-01")
    check(thread).to_contain_text("Direct")
    thread.get_by_role("link", name=re.compile(r"^DER-01 ")).click()
    check(page.locator("h1")).to_contain_text("Integrated care pathway for 0-5 year olds")
    intention_url = page.url

    # The intention lists the outcome under "Outcomes served", and links back to it.
    served = page.locator("#outcomes-served")
    check(served).to_contain_text("BS Best Start")
    served.get_by_role("link", name=re.compile(r"^BS Best Start")).click()
    page.wait_for_url(outcome_url)
    check(page.locator("h1")).to_have_text("BS Best Start")
    page.goto(intention_url)

    # Record quarterly progress through the form.
    page.get_by_role("link", name="Record quarterly progress").click()
    check(page.locator("h1")).to_contain_text("Record quarterly progress for DER-01")
    page.fill("#id_period", "2013/14 Q3")
    page.select_option("#id_rag", "red")
    page.fill("#id_narrative", "Health visiting contract transfer delayed; recovery plan in place.")
    page.fill("#id_author", "Browser Test SRO")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(re.escape(intention_url) + "#progress$"))
    check(page.get_by_role("alert")).to_contain_text("Progress recorded.")
    progress_row = page.locator("#progress + table tbody tr").first
    check(progress_row).to_contain_text("2013/14 Q3")
    check(progress_row).to_contain_text("Red")
    check(progress_row).to_contain_text("recovery plan in place")
    check(page.locator("p", has_text="Current RAG").locator(".jointly-rag")).to_have_text("Red")

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # The progress report for 2013/14 Q2, chosen on the page, downloaded as Word.
    page.get_by_role("link", name="Progress report").click()
    page.select_option("#period", "2013/14 Q2")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=2013%2F14\+Q2"))
    check(page.locator("#progress-table")).to_contain_text("DER-08")
    with page.expect_download() as download_info:
        page.click("#download-docx")
    download = download_info.value
    assert download.suggested_filename == "derby-progress-2013-14-Q2-as-at-2013-09-30.docx"
    docx_path = tmp_path / download.suggested_filename
    download.save_as(docx_path)

    from docx import Document

    doc = Document(io.BytesIO(docx_path.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert partnership_name in text
    assert "Recommendations" in text
    assert len(doc.tables[0].rows) == 1 + 8  # header + Derby's eight intentions

    soffice = shutil.which("soffice")
    if soffice is None:
        return  # LibreOffice is optional: the DOCX checks above are the requirement
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx_path)],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip
    pdf = tmp_path / "derby-progress-2013-Q3.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_viewer_cannot_record_progress(demo, new_page, sign_in):
    page = new_page()
    sign_in(page, VIEWER)
    page.goto("/p/derby/intentions/DER-01/")
    expect()(page.locator("h1")).to_contain_text("Integrated care pathway")
    assert page.get_by_role("link", name="Record quarterly progress").count() == 0
    assert page.get_by_role("link", name="Edit intention").count() == 0
    response = page.goto("/p/derby/intentions/DER-01/progress/new/")
    assert response.status == 403


def test_stale_edit_is_refused_in_the_browser(demo, new_page, sign_in):
    from jointly.intentions.models import Intention

    first, second = new_page(), new_page()
    sign_in(first, COMMISSIONER)
    sign_in(second, "partnership-admin.derby@jointly.test")
    for page in (first, second):
        page.goto("/p/derby/intentions/DER-02/edit/")
        expect()(page.locator("h1")).to_have_text("Edit DER-02")

    first.fill("#id_title", "Consolidated integrated disability service")
    first.get_by_role("button", name="Save").click()
    first.wait_for_url("**/p/derby/intentions/DER-02/")
    expect()(first.get_by_role("alert")).to_contain_text("Intention saved.")

    second.fill("#id_title", "A conflicting title")
    with second.expect_response(lambda r: r.request.method == "POST") as posted:
        second.get_by_role("button", name="Save").click()
    assert posted.value.status == 409
    summary = second.locator(".govuk-error-summary")
    expect()(summary).to_contain_text("changed by someone else")
    expect()(summary).to_contain_text("Your changes have not been saved")
    assert Intention.objects.get(reference="DER-02").title == "Consolidated integrated disability service"
