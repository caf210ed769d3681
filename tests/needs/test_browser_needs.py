"""The analyst's needs journey in a real browser (Playwright + Debian Chromium).

Import a file with errors (every problem listed, nothing saved), import a good one, open the
area profile and follow a "worse than England" indicator to its gap with evidence.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-12345-long"
HEAD = "indicator,area_code,period,sex,age,count,denominator\n"


def test_import_then_profile_shows_worse_than_england_linked_to_a_gap(
    needs, new_page, sign_in, tmp_path, settings
):
    from jointly.needs.models import ImportLog, IndicatorValue

    settings.JOINTLY_NEEDS_IMPORT_SYNC = True
    settings.VAR_DIR = tmp_path
    IndicatorValue.objects.filter(area=needs.county).delete()  # the county's values come from the upload
    analyst = needs.w.users["analyst"]
    analyst.set_password(PASSWORD)
    analyst.save()

    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEAD + "asthma,E10000012,2019/20,,,many,100000\nasthma,E99999999,2019/20,,,5,100\n"
        "bf,E10000012,2019/20,,,900,100\n"
    )
    good = tmp_path / "good.csv"
    periods = ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]
    rows = [f"asthma,E10000012,{p},,,{300 + 40 * t},100000" for t, p in enumerate(periods)]
    good.write_text(HEAD + "\n".join([*rows, "bf,E10000012,2019/20,,,3000,10000"]) + "\n")

    page = new_page()
    sign_in(page, analyst.email, PASSWORD)
    journey(page, bad, good, needs.asthma.pk)

    # The bad file saved nothing; the good one saved exactly its seven rows.
    assert list(ImportLog.objects.order_by("pk").values_list("status", "problem_count")) == [
        ("failed", 3),
        ("done", 0),
    ]
    assert IndicatorValue.objects.filter(area=needs.county).count() == 7


def journey(page, bad, good, asthma_pk: int) -> None:
    from playwright.sync_api import expect

    # A file with errors: every problem listed by row and column, nothing saved.
    page.goto("/p/alpha/needs/import/")
    page.get_by_label("Template CSV (counts and denominators)").check()
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h2.govuk-error-summary__title")).to_contain_text("Nothing was saved: 3 problems")
    problems = page.locator("#import-problems li")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text("row 2, column 'count': 'many' is not a number")
    expect(problems.nth(1)).to_contain_text("row 3, column 'area_code': unknown area code 'E99999999'")
    expect(problems.nth(2)).to_contain_text(
        "row 4, column 'count': count 900 is more than the denominator 100"
    )

    # A good file.
    page.get_by_role("link", name="Load another file").click()
    page.get_by_label("Template CSV (counts and denominators)").check()
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-message")).to_contain_text("Checked 7 row(s): no problems.")
    page.get_by_role("button", name="Load this file").click()
    expect(page.locator("#import-message")).to_contain_text("Loaded 7 row(s): 7 new, 0 updated.")

    # The area profile: asthma admissions worse than England, linked to the gap with evidence.
    page.get_by_role("link", name="Open the area profile").click()
    row = page.locator(f"#indicator-{asthma_pk}")
    expect(row).to_contain_text("Worse than England")
    expect(row).to_contain_text("Increasing and getting worse")
    expect(row.locator("svg circle")).to_have_attribute("fill", "#d4351c")
    gap_link = row.locator("a.jointly-gap-link")
    expect(gap_link).to_contain_text("Gap with evidence")
    gap_link.click()
    card = page.locator(".govuk-summary-card").filter(has_text="Early help · Additional · Shire")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Admissions for asthma")
    expect(card).to_contain_text("than England")
    assert "#gap-" in page.url
