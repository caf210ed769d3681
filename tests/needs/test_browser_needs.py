"""The analyst's needs journey in a real browser (Playwright + Debian Chromium).

Import a file with errors (every problem listed, nothing saved), import a good one, open the
area profile and follow a "worse than England" indicator to its gap with evidence.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "pw-12345-long"
HEAD = "indicator,area_code,period,sex,age,count,denominator\n"


@pytest.fixture
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_import_then_profile_shows_worse_than_england_linked_to_a_gap(needs, page, tmp_path, settings):
    from playwright.sync_api import expect

    from jointly.needs.models import IndicatorValue

    settings.JOINTLY_NEEDS_IMPORT_SYNC = True
    settings.VAR_DIR = tmp_path
    IndicatorValue.objects.filter(area=needs.county).delete()  # the county's values come from the upload
    analyst = needs.w.users["analyst"]
    analyst.set_password(PASSWORD)
    analyst.save()

    page.goto("/login/")
    page.fill("#id_username", analyst.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)

    # A file with errors: every problem listed by row and column, nothing saved.
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEAD
        + "asthma,E10000012,2019/20,,,many,100000\nasthma,E99999999,2019/20,,,5,100\nbf,E10000012,2019/20,,,900,100\n"
    )
    page.goto("/p/alpha/needs/import/")
    page.get_by_label("Template CSV (counts and denominators)").check()
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Check and load").click()
    problems = page.locator("#import-problems li")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text("row 2, column 'count': 'many' is not a number")
    expect(problems.nth(1)).to_contain_text("row 3, column 'area_code': unknown area code 'E99999999'")
    expect(problems.nth(2)).to_contain_text(
        "row 4, column 'count': count 900 is more than the denominator 100"
    )
    assert IndicatorValue.objects.filter(area=needs.county).count() == 0

    # A good file.
    good = tmp_path / "good.csv"
    rows = [f"asthma,E10000012,{p},,,{300 + 40 * t},100000" for t, p in enumerate(
        ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20"])]  # fmt: skip
    rows.append("bf,E10000012,2019/20,,,3000,10000")
    good.write_text(HEAD + "\n".join(rows) + "\n")
    page.get_by_role("link", name="Load another file").click()
    page.get_by_label("Template CSV (counts and denominators)").check()
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Check and load").click()
    expect(page.locator("#import-message")).to_contain_text("Loaded 7 row(s): 7 new, 0 updated.")
    assert IndicatorValue.objects.filter(area=needs.county).count() == 7

    # The area profile: asthma admissions worse than England, linked to the gap with evidence.
    page.get_by_role("link", name="Open the area profile").click()
    row = page.locator(f"#indicator-{needs.asthma.pk}")
    expect(row).to_contain_text("Worse than England")
    expect(row).to_contain_text("Increasing and getting worse")
    expect(page.locator(f"#indicator-{needs.asthma.pk} svg circle")).to_have_attribute("fill", "#d4351c")
    gap_link = row.locator("a.jointly-gap-link")
    expect(gap_link).to_contain_text("Gap with evidence")
    gap_link.click()
    card = page.locator(".govuk-summary-card").filter(has_text="Early help · Additional · Shire")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Admissions for asthma")
    expect(card).to_contain_text("than England")
    assert "#gap-" in page.url
