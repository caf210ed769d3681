"""A finance officer uploads a month of ledger actuals with a bad row, sees the problem by row and
column, uploads the corrected file, and sees the forecast overspend and the partners' split; then
records a saving and sees the programme total move (browser, a small world)."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "fund,line,financial_year,month,actual_gbp,forecast_outturn_gbp\n"


def test_upload_actuals_see_overspend_and_split_then_record_a_saving(transactional_db, new_page, sign_in):
    w = factories.World.build()
    factories.finance_world(w.p, w.council, w.ccg)  # pooled fund 'pool': budget £1,000, 60/40 fixed shares
    page = new_page()
    page.goto("/login/", timeout=180_000)
    sign_in(page, w.users["finance"].email, "pw-12345-long")
    page.goto("/p/alpha/finance/funds/pool/")
    page.get_by_role("link", name="Upload actuals").click()
    bad = HEADER + "pool,L1,2014/15,2,120.00,1300.00\npool,L1,2014/15,13,5.00,\n"
    page.set_input_files("#id_file", {"name": "ledger.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    page.get_by_role("button", name="Upload").click()
    problems = page.locator(".govuk-error-summary, main").first.inner_text()
    assert "row 3" in problems and "month" in problems
    good = HEADER + "pool,L1,2014/15,2,120.00,1300.00\n"
    page.set_input_files("#id_file", {"name": "ledger.csv", "mimeType": "text/csv", "buffer": good.encode()})
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("text=Loaded 1 rows")
    assert "Forecast overspend of £300.00" in page.locator("#overspend").inner_text()
    split = page.locator("#partner-split tbody").inner_text()
    assert "£180.00" in split and "£120.00" in split  # 60% and 40% of the £300 overspend
    page.goto("/p/alpha/finance/savings/qipp/")
    page.select_option("#id_scheme", label="Planned Care: Pathology")
    page.fill("#id_financial_year", "2014/15")
    page.fill("#id_month", "4")
    page.fill("#id_amount", "250.00")
    page.get_by_role("button", name="Record saving").click()
    page.wait_for_selector("text=Recorded a saving")
    assert "£350.00" in page.locator("table[id^=programme-]").first.inner_text()  # 100 + 250 delivered
