"""Issue 10 items 5, 8, 9 and 15 in a real browser, with the CSP on and axe-core run on each page.

- Item 5: the API docs draw every operation from the project's own files: no request leaves the
  server (others are refused by the test, as a council proxy would), none fails, no CSP violation.
- Item 8: a form with errors focuses its error summary, its title starts "Error:", every summary
  link moves to an input on the page; dates are the three-box GOV.UK date input in a fieldset.
- Item 9: charts have axis titles and keys; chart scroll areas take keyboard focus; terms of art have
  a details component beside them.
- Item 15: a bad query parameter is a form error on a GOV.UK page, with its own summary focused.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.test_govuk_basics import COMMISSIONER, axe_violations, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offline(page, live_url: str) -> list[str]:
    """Refuse every request to another host (as an offline machine or a strict proxy would)."""
    ours = urlparse(live_url).netloc
    outside: list[str] = []

    def route(r):
        if urlparse(r.request.url).netloc != ours:
            outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    page.route("**/*", route)
    return outside


def summary_targets(page) -> list[str]:
    """Summary links whose target is not an element on the page (should be none)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.govuk-error-summary a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))"""
    )


def focused_is_summary(page) -> bool:
    return page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")


def test_docs_forms_and_charts(demo, new_page, sign_in, csp_violations, live_server):
    from jointly.performance.models import Kpi

    page = new_page(viewport={"width": 1024, "height": 768})
    page.set_default_timeout(60_000)
    outside = offline(page, live_server.url)
    problems = watch(page)
    violations = csp_violations(page)
    page.goto("/login/", timeout=180_000)
    sign_in(page, COMMISSIONER)
    axe: list[str] = []

    # Item 5: Swagger UI from drf-spectacular-sidecar, offline, under the CSP.
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
    page.wait_for_load_state("networkidle")
    assert page.locator(".swagger-ui .opblock").count() >= 5
    assert outside == [] and problems == [] and violations == [], (outside, problems, violations)

    # Item 8: error summary focused, "Error:" title, links that land on inputs, date boxes.
    page.goto("/p/essex/intentions/new/")
    assert page.locator("fieldset .govuk-date-input input[name='start_date_day']").count() == 1
    assert page.locator("input[type=date]").count() == 0
    page.fill("#id_start_date_day", "31")
    page.fill("#id_start_date_month", "2")
    page.fill("#id_start_date_year", "2014")
    page.locator("form[novalidate] button.govuk-button").first.click()
    page.wait_for_selector(".govuk-error-summary")
    page.wait_for_load_state("load")  # GOV.UK Frontend's module script has run
    assert page.title().startswith("Error: ")
    assert focused_is_summary(page)
    assert summary_targets(page) == []
    assert page.locator(".govuk-error-summary a[href='#id_start_date_day']").count() == 1
    # Checkbox groups: a fieldset with a legend.
    assert page.locator("fieldset:has(.govuk-checkboxes) > legend").count() >= 1
    axe += axe_violations(page)

    page.goto("/p/essex/contracts/expiry/?as_at_day=30&as_at_month=2&as_at_year=2014")
    assert page.title().startswith("Error: ") and focused_is_summary(page) and summary_targets(page) == []
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_as_at_day"
    axe += axe_violations(page)

    # Item 15: a bad query parameter is a form on a GOV.UK error page.
    response = page.goto("/p/essex/intentions/report/?period=garbage")
    assert response is not None and response.status == 400
    assert page.title().startswith("Error: ") and focused_is_summary(page) and summary_targets(page) == []
    page.fill("#id_period", "2013/14 Q3")
    page.get_by_role("button", name="Show the page").click()
    page.wait_for_load_state()
    assert "period=2013%2F14+Q3" in page.url and not page.title().startswith("Error")
    axe += axe_violations(page)

    # Item 9: axis titles, keys, focusable scroll areas, explanations.
    kpi = Kpi.objects.get(code="ESX-FNP-PLACES")
    page.goto(kpi.get_absolute_url())
    texts = page.locator("svg.jointly-chart .jointly-chart-axis-title").all_text_contents()
    assert "Value (places)" in texts and "Month" in texts
    assert page.locator("svg.jointly-chart .jointly-chart-legend").count() == 1
    assert page.locator("#icon-key").count() == 1 and page.locator("#spc-explained").count() == 1
    assert page.locator("#rba-hint").count() == 1
    axe += axe_violations(page)
    for url, key in [
        ("/p/essex/performance/", "#icon-key"),
        ("/p/essex/performance/summary/", "#icon-key"),
        ("/p/essex/contracts/expiry/", "#contestability-explained"),
        ("/p/essex/contracts/", "#ocds-explained"),
        ("/p/essex/services/map/", "#windscreen-explained"),
        ("/p/essex/needs/profile/", "#spine-key"),
    ]:
        page.goto(url)
        assert page.locator(key).count() == 1, (url, key)
        axe += axe_violations(page)
    page.goto("/p/essex/needs/profile/")
    funnel = page.locator("a[href*='/funnel/']").first
    if funnel.count():
        funnel.click()
        page.wait_for_load_state()
        titles = page.locator("svg.jointly-chart .jointly-chart-axis-title").all_text_contents()
        assert any(t.startswith("Denominator") for t in titles) and any(t.startswith("Value") for t in titles)
        assert page.locator("#funnel-key").count() == 1
        axe += axe_violations(page)
    # Every scrolling chart or diagram can be reached and scrolled with the keyboard.
    unreachable = {}
    for url in [
        kpi.get_absolute_url(),
        "/p/essex/services/map/",
        "/p/essex/contracts/timeline/",
        "/p/essex/governance/",
    ]:
        page.goto(url)
        bad = page.evaluate(
            """() => [...document.querySelectorAll('.jointly-chart-figure, .jointly-diagram')]
                .filter(e => e.getAttribute('tabindex') !== '0' || !e.getAttribute('aria-label')).length"""
        )
        if bad:
            unreachable[url] = bad
    assert unreachable == {}

    assert outside == [], outside
    assert violations == [], violations
    assert axe == [], axe
