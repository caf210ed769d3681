"""Pages, the admin and the API docs run under the Content Security Policy: Chromium reports no
violation (inline script or style, eval, off-site resource) on any of them."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "pw-12345-long"  # tests/factories.py World.build


@pytest.fixture
def people(transactional_db):
    from collections import Counter

    from jointly.accounts import demo

    world = factories.World.build()
    demo.load(Counter())  # the platform admin (admin@jointly.test) signs in with the demo's second factor
    return world


def test_pages_admin_and_api_docs_log_no_csp_violation(people, new_page, sign_in, csp_violations):
    page = new_page()
    page.set_default_timeout(60_000)  # the first request builds WhiteNoise's file list; CI machines are busy
    violations = csp_violations(page)

    page.goto("/login/", timeout=180_000)
    sign_in(page, people.admin.email, ADMIN_PASSWORD)
    for url in (
        "/",
        f"/p/{people.p.slug}/",
        f"/p/{people.p.slug}/intentions/",
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{people.admin.pk}/change/",
        "/admin/partnerships/partnership/add/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")

    page.goto("/api/v1/docs/")
    # Swagger UI (drf-spectacular-sidecar) has fetched the OpenAPI document and drawn it.
    page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
    page.wait_for_load_state("networkidle")

    assert violations == []
