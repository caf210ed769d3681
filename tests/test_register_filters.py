"""Register filters: a plain GET form that works without JavaScript, and with htmx swaps only the
results region in place (tests/browser/test_register_filters.py drives it in a real browser)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def registers(world):
    factories.intention(world.p, world.ccg, reference="ALP-02", title="Speech and language", stage="review")
    factories.contract(world.p, world.provider, world.council, reference="OWN-1", title="School nursing")
    factories.contract(world.p, world.provider, world.ccg, reference="OWN-2", title="Health visiting",
                       status="ended")  # fmt: skip
    return world


def results(html: str) -> str:
    match = re.search(r'<div id="register-results"[^>]*>(.*?)</table>\s*</div>', html, re.S)
    assert match, "no results region"
    return match[1]


@pytest.mark.parametrize(
    ("route", "filters", "shown", "hidden"),
    [
        ("intentions:register", {"stage": "review"}, "ALP-02", "ALP-01"),
        ("contracts:register", {"status": "ended"}, "OWN-2", "OWN-1"),
    ],
)
def test_a_register_filters_without_javascript_and_declares_the_htmx_swap(
    registers, client_for, route, filters, shown, hidden
):
    url = reverse(route, args=["alpha"])
    client = client_for(registers.users["commissioner"])
    page = client.get(url).content.decode()
    form = re.search(r"<form [^>]*hx-get[^>]*>", page)
    assert form, "the filter form is not wired to htmx"
    for attribute in (
        'method="get"',
        f'hx-get="{url}"',
        'hx-target="#register-results"',
        'hx-select="#register-results &gt; *"',
        'hx-push-url="true"',
    ):
        assert attribute in form[0]
    assert shown in results(page) and hidden in results(page)

    # No JavaScript: the Filter button's GET answers the whole page with only the matching rows.
    filtered = client.get(url, filters)
    assert filtered.status_code == 200
    assert shown in results(filtered.content.decode()) and hidden not in results(filtered.content.decode())
    # htmx asks for the same page (it selects the region itself): the answer is the same.
    swapped = client.get(url, filters, headers={"HX-Request": "true"})
    assert results(swapped.content.decode()) == results(filtered.content.decode())
