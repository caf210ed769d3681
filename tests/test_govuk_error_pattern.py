"""Issue 10 item 8: the GOV.UK error pattern on web forms, and the GOV.UK date input.

Titles of pages with errors start "Error:"; each summary message links to an element the page has;
the returns page words its problems by field ("K1 numerator: ..."), never "file, column"; every date
field of a web form is the three-box date input (``core.forms.GovUKDateInput``) in a fieldset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.template.loader import render_to_string

from jointly.core.forms import GovUKDateInput, GovUKFormMixin
from jointly.intentions.forms import IntentionForm
from tests import factories
from tests.factories import LONG_RUNNING

pytestmark = pytest.mark.django_db


class WhenForm(GovUKFormMixin, forms.Form):
    when = forms.DateField(label="Start date", widget=forms.DateInput())


def summary_links_resolve(html: str) -> list[str]:
    links = re.findall(r"govuk-error-summary__list.*?</ul>", html, re.S)
    assert links, "no error summary"
    hrefs = re.findall(r'href="#([^"]+)"', links[0])
    assert hrefs, "the summary links to no field"
    for target in hrefs:
        assert f'id="{target}"' in html, f"#{target} is not on the page"
    return hrefs


def test_date_fields_are_the_govuk_date_input():
    form = WhenForm()
    assert isinstance(form.fields["when"].widget, GovUKDateInput)
    html = render_to_string("includes/field.html", {"field": form["when"]})
    assert '<fieldset class="govuk-fieldset" role="group"' in html and "<legend" in html
    for part in ("day", "month", "year"):
        assert f'id="id_when_{part}" name="when_{part}"' in html
    assert 'type="date"' not in html


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"when_day": "31", "when_month": "3", "when_year": "2014"}, dt.date(2014, 3, 31)),
        ({"when_day": "01", "when_month": "04", "when_year": "2014"}, dt.date(2014, 4, 1)),
        ({"when": "2014-03-31"}, dt.date(2014, 3, 31)),  # a link's single parameter
    ],
)
def test_the_date_input_reads_three_boxes_or_one_parameter(data, expected):
    form = WhenForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"] == expected


@pytest.mark.parametrize(
    "data",
    [
        {"when_day": "31", "when_month": "2", "when_year": "2014"},
        {"when_day": "1", "when_month": "4", "when_year": "14"},
        {"when_day": "1", "when_year": "2014"},
    ],
)
def test_a_date_that_is_not_real_is_refused_and_the_boxes_keep_what_was_typed(data):
    form = WhenForm(data)
    assert not form.is_valid()
    assert form.errors["when"] == ["Enter a real date, for example 31 3 2014"]
    html = render_to_string("includes/form.html", {"form": form})
    summary_links_resolve(html)
    assert 'href="#id_when_day"' in html
    assert f'value="{data["when_day"]}"' in html and "govuk-input--error" in html


def test_an_unchanged_date_renders_in_its_boxes(world):
    form = IntentionForm(instance=world.intention, partnership=world.p)
    html = render_to_string("includes/form.html", {"form": form})
    start = world.intention.start_date
    if start:
        assert f'name="start_date_day" type="text" inputmode="numeric" value="{start.day}"' in html
    assert 'type="date"' not in html


def test_expiry_page_bad_date_title_and_summary(client, world):
    client.force_login(world.users["commissioner"])
    response = client.get("/p/alpha/contracts/expiry/?as_at_day=31&as_at_month=2&as_at_year=2014")
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>Error: ", html)
    assert summary_links_resolve(html) == ["id_as_at_day"]
    ok = client.get("/p/alpha/contracts/expiry/?as_at_day=31&as_at_month=3&as_at_year=2014")
    assert ok.status_code == 200 and "<title>Error" not in ok.content.decode()


def test_a_form_page_with_errors_has_an_error_title(client, world):
    client.force_login(world.users["commissioner"])
    response = client.post("/p/alpha/intentions/new/", {"reference": "", "start_date_day": "40"})
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert re.search(r"<title>Error: ", html)
    summary_links_resolve(html)


def test_returns_page_words_problems_by_field_and_links_to_the_cell(client, world):
    c = factories.contract(world.p, world.provider, **LONG_RUNNING)
    k = factories.kpi(c, code="K-ONE")
    client.force_login(world.users["provider"])
    url = f"/p/alpha/performance/contracts/{c.pk}/return/"
    page = client.get(url)
    period = re.search(r'name="period" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(url, {"period": period, "frequency": "monthly", f"numerator-{k.pk}": "lots"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "file, column" not in html and "column numerator" not in html
    assert f'<a href="#numerator-{k.pk}">K-ONE numerator:' in html
    assert re.search(r"<title>Error: ", html)
    summary_links_resolve(html)
