"""In a real browser: changing a register filter updates the table in place (htmx), puts the filter in
the address bar, and logs no CSP violation."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-12345-long"  # tests/factories.py


def test_the_contracts_and_intentions_registers_filter_in_place(world, new_page, sign_in, csp_violations):
    from playwright.sync_api import expect

    factories.intention(world.p, world.ccg, reference="ALP-02", title="Speech and language", stage="review")
    factories.contract(world.p, world.provider, world.council, reference="OWN-1", title="School nursing")
    factories.contract(world.p, world.provider, world.ccg, reference="OWN-2", title="Health visiting",
                       status="ended")  # fmt: skip
    page = new_page()
    violations = csp_violations(page)
    sign_in(page, world.users["commissioner"].email, PASSWORD)

    for path, field, value, shown, hidden in (
        ("/p/alpha/intentions/", "#id_stage", "review", "ALP-02", "ALP-01"),
        ("/p/alpha/contracts/", "#id_status", "ended", "OWN-2", "OWN-1"),
    ):
        page.goto(path)
        table = page.locator("#register-results table")
        expect(table).to_contain_text(hidden)
        page.evaluate("window.notReloaded = true")
        page.select_option(field, value)  # no button pressed: the change alone filters
        expect(table).not_to_contain_text(hidden)
        expect(table).to_contain_text(shown)
        assert page.evaluate("window.notReloaded") is True  # the table changed, the page did not
        assert f"{field.removeprefix('#id_')}={value}" in page.url  # bookmarkable, and Back works
    assert violations == []
