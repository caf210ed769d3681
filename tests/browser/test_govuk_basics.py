"""GOV.UK service basics in a real browser (issue 10 items 6, 12, 14, 18 and its axe check).

On the main pages, as a commissioner: no console error and no failed request (the stylesheet asks
for no font or image that is not there); GOV.UK Frontend's JavaScript starts (every ``data-module``
element initialised, an error summary takes focus); axe-core finds no violation; each page fits a
375 px phone screen without sideways scrolling; the navigation fits one line per level on a desktop
screen and marks the current page; chart text is in Arial or DejaVu, never the GOV.UK-only font;
the governance diagram fits its box.

axe-core comes from npm (package.json, a development dependency; never served to users). It is run
with ``page.evaluate``, which the Content Security Policy does not govern, so the pages are checked
with the CSP on, as users get them (no ``bypass_csp``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
COMMISSIONER = "commissioner.essex@jointly.test"
MAIN_PAGES = [
    "/",
    "/p/essex/",
    "/p/essex/intentions/",
    "/p/essex/contracts/",
    "/p/essex/performance/",
    "/p/essex/needs/",
    "/p/essex/services/",
    "/p/essex/panels/",
]
MORE_PAGES = [
    "/p/essex/governance/",
    "/p/essex/intentions/report/",
    "/p/essex/services/map/",
    "/p/essex/outcomes/",
    "/p/essex/risks/",
    "/p/essex/risks/heat-map/",
    "/p/essex/finance/",
]
INFO_PAGES = ["/accessibility/", "/privacy/", "/cookies/"]


def watch(page) -> list[str]:
    """Console errors and warnings, script errors, failed requests and 4xx/5xx answers."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: seen.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    # A request the browser itself cancels because the test moved on (net::ERR_ABORTED, e.g. the
    # favicon) is not a failure; a missing file shows as its 404 below.
    page.on(
        "requestfailed",
        lambda r: (
            seen.append(f"failed request: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "")
            else None
        ),
    )
    page.on("response", lambda r: seen.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return seen


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
            v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
    )
    return [f"{page.url}: {v}" for v in found]


def uninitialised_modules(page) -> list[str]:
    """``data-module`` elements GOV.UK Frontend did not start (it marks each ``data-<module>-init``)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-module^="govuk-"]')]
            .filter(e => !e.hasAttribute('data-' + e.dataset.module + '-init'))
            .map(e => e.dataset.module)"""
    )


def sideways(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def nav_rows(page, selector: str) -> int:
    """The most lines any one of the lists ``selector`` finds takes up."""
    return page.evaluate(
        f"""() => Math.max(0, ...[...document.querySelectorAll('{selector}')].map(
            ul => new Set([...ul.children].map(li => li.getBoundingClientRect().top)).size))"""
    )


def test_main_pages_as_a_commissioner(demo, new_page, sign_in):
    from jointly.performance.models import Kpi

    kpi = Kpi.objects.filter(partnership__slug="essex").order_by("code").first()
    assert kpi is not None
    page = new_page(viewport={"width": 1024, "height": 768})
    page.set_default_timeout(60_000)
    problems = watch(page)
    page.goto("/login/", timeout=180_000)  # the first request builds WhiteNoise's file list
    sign_in(page, COMMISSIONER)

    violations, not_started, wrapped = [], {}, {}
    for url in MAIN_PAGES + MORE_PAGES + [kpi.get_absolute_url()]:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert "govuk-frontend-supported" in page.evaluate("document.body.className"), url
        if modules := uninitialised_modules(page):
            not_started[url] = modules
        if url in MAIN_PAGES:
            violations += axe_violations(page)
        rows = {sel: nav_rows(page, sel) for sel in ("#navigation", ".jointly-subnav__list")}
        if any(n > 1 for n in rows.values()):
            wrapped[url] = rows

    assert problems == [], problems  # item 6: no font, image or script missing, no console error
    assert not_started == {}, not_started  # item 14
    assert violations == [], violations  # axe
    assert wrapped == {}, wrapped  # item 12: each navigation level on one line at 1024 px

    # Item 12: the current section and page are marked.
    page.goto("/p/essex/intentions/report/")
    assert page.locator(".jointly-subnav [aria-current='true']").inner_text() == "Intentions"
    assert page.locator(".jointly-subnav [aria-current='page']").inner_text() == "Progress report"

    # Item 18: text is in Arial (GOV.UK's own font is for GOV.UK only), chart text too.
    page.goto(kpi.get_absolute_url())
    fonts = page.evaluate(
        """() => [getComputedStyle(document.body).fontFamily, getComputedStyle(document.querySelector('h1')).fontFamily,
                  ...[...document.querySelectorAll('svg text')].slice(0, 20).map(t => getComputedStyle(t).fontFamily)]"""
    )
    assert len(fonts) > 1, "no chart on the KPI page"
    assert all("arial" in f.lower() and "GDS" not in f for f in fonts), set(fonts)

    # Item 18: the governance diagram fits its box, and each board's name fits its rectangle.
    page.goto("/p/essex/governance/")
    fit = page.evaluate(
        """() => {
            const figure = document.querySelector('figure.jointly-diagram'), svg = figure.querySelector('svg');
            const overflowing = [];
            for (const a of svg.querySelectorAll('a')) {
                const r = a.querySelector('rect').getBBox();
                for (const t of a.querySelectorAll('text')) {
                    const b = t.getBBox();
                    if (b.x < r.x || b.x + b.width > r.x + r.width || b.y < r.y || b.y + b.height > r.y + r.height)
                        overflowing.push(t.textContent);
                }
            }
            return {svg: svg.getBoundingClientRect().width, box: figure.getBoundingClientRect().width, overflowing};
        }"""
    )
    assert fit["svg"] <= fit["box"] + 0.5 and fit["overflowing"] == [], fit

    # Item 14: a form with errors moves focus to its error summary.
    page.goto("/p/essex/intentions/new/")
    page.locator("form[novalidate] button.govuk-button, form[novalidate] input[type=submit]").first.click()
    page.wait_for_selector(".govuk-error-summary")
    focused = page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert focused, page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")

    # Item 18: the cookies the session holds are the ones the cookies page lists.
    page.goto("/cookies/")
    listed = set(page.locator("#cookie-table code").all_inner_texts())
    assert {c["name"] for c in page.context.cookies()} <= listed

    # Item 18: nothing scrolls sideways on a 375 px phone screen.
    phone = new_page(viewport={"width": 375, "height": 740})
    sign_in(phone, COMMISSIONER)
    too_wide = {}
    for url in MAIN_PAGES + MORE_PAGES + INFO_PAGES:
        phone.goto(url)
        if extra := sideways(phone):
            too_wide[url] = extra
    assert too_wide == {}, too_wide


def test_information_pages_signed_out(new_page, transactional_db):
    """Accessibility statement, privacy and cookies: open without signing in, clean under axe, and
    fitting a phone screen."""
    page = new_page(viewport={"width": 375, "height": 740})
    page.set_default_timeout(60_000)
    problems = watch(page)
    violations, too_wide = [], {}
    for url in [*INFO_PAGES, "/login/"]:
        response = page.goto(url, timeout=180_000)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert uninitialised_modules(page) == [], url
        violations += axe_violations(page)
        if extra := sideways(page):
            too_wide[url] = extra
    assert page.locator(".govuk-phase-banner").count() == 1
    assert problems == [] and violations == [] and too_wide == {}, (problems, violations, too_wide)
