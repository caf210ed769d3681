"""Issue 10 item 15: a query parameter that cannot be read is a form error on the page, never a 404
or a 500: a 400 whose title starts "Error:", with a GOV.UK error summary linking to a field that
holds the value, a form that sends the same address again (other parameters kept), and a way back.
The error pages themselves are GOV.UK pages with a way back (403, 404)."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.factories import LONG_RUNNING

pytestmark = pytest.mark.django_db


def error_page(response, name: str) -> str:
    html = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert re.search(r"<title>Error: ", html), "title must start with Error:"
    assert f'<a href="#id_{name}">' in html  # the summary links to the field
    assert f'id="id_{name}" name="{name}"' in html  # ...which exists, holding the value
    assert "govuk-error-summary" in html and "Traceback" not in html
    return html


@pytest.mark.parametrize(
    "path, name",
    [
        ("/p/alpha/intentions/report/?period=garbage", "period"),
        ("/p/alpha/intentions/report/?period=2013/14 Q2&as_at=2015-13-45", "as_at"),
        ("/p/alpha/?as_at=soon", "as_at"),
        ("/p/alpha/governance/?as_at=yesterday", "as_at"),
        ("/p/alpha/contracts/ocds/?kind=zz", "kind"),
        ("/p/alpha/needs/gaps/?comparator=moon", "comparator"),
    ],
)
def test_a_bad_query_parameter_is_a_form_error(client, world, path, name):
    client.force_login(world.users["commissioner"])
    html = error_page(client.get(path), name)
    assert 'action="' + path.split("?")[0] + '"' in html


def test_the_form_keeps_the_other_parameters_and_offers_the_page_without_the_bad_one(client, world):
    client.force_login(world.users["commissioner"])
    html = error_page(client.get("/p/alpha/intentions/report/?period=2013/14 Q2&as_at=nope"), "as_at")
    assert '<input type="hidden" name="period" value="2013/14 Q2">' in html
    assert 'value="nope"' in html
    assert 'href="/p/alpha/intentions/report/?period=2013%2F14+Q2"' in html


def test_a_bad_period_on_the_returns_form_is_a_form_error(client, world):
    c = factories.contract(world.p, world.provider, **LONG_RUNNING)
    factories.kpi(c)
    client.force_login(world.users["provider"])
    base = f"/p/alpha/performance/contracts/{c.pk}/return/"
    error_page(client.get(base + "?period=garbage"), "period")
    error_page(client.get(base + "?frequency=hourly"), "frequency")


@pytest.mark.parametrize("path, status", [("/p/nowhere/", 404), ("/no/such/page/", 404)])
def test_error_pages_are_govuk_pages_with_a_way_back(client, world, path, status):
    client.force_login(world.users["commissioner"])
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == status
    assert "govuk-template" in html and 'href="/"' in html


def test_forbidden_is_a_govuk_page_with_a_way_back(client, world):
    client.force_login(world.users["viewer"])
    response = client.get("/p/alpha/intentions/new/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "govuk-template" in html and 'href="/"' in html and "403 Forbidden" not in html
