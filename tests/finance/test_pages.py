"""Finance pages: who may see and change them, bad input, the upload, query counts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jointly.finance.models import MonthlyFigure, SavingDelivery
from tests import factories

READERS = ("viewer", "commissioner", "analyst", "finance", "partnership_admin")
WRITERS = ("finance", "partnership_admin")


@pytest.fixture
def fw(world):
    return factories.finance_world(world.p, world.council, world.ccg)


def urls(slug: str, fw: dict) -> dict[str, str]:
    return {
        "index": reverse("finance:index", args=[slug]),
        "reconciliation": reverse("finance:reconciliation", args=[slug]),
        "fund": reverse("finance:fund", args=[slug, "pool"]),
        "savings": reverse("finance:savings", args=[slug, "qipp"]),
        "model": reverse("finance:model", args=[slug, "mtfp"]),
    }


def test_read_pages_by_role(world, fw, client_for):
    for name, url in urls("alpha", fw).items():
        for role in READERS:
            assert client_for(world.users[role]).get(url).status_code == 200, (name, role)
        assert client_for(world.users["provider"]).get(url).status_code == 403, name
        assert client_for(world.outsider).get(url).status_code == 404, name
        assert client_for(None).get(url).status_code == 302, name
        assert client_for(world.admin).get(url).status_code == 200, name


def test_write_pages_by_role(world, fw, client_for):
    for view in ("finance:actuals", "finance:upload"):
        url = reverse(view, args=["alpha", "pool"])
        for role in WRITERS:
            assert client_for(world.users[role]).get(url).status_code == 200, (view, role)
        for role in ("viewer", "commissioner", "analyst", "provider"):
            assert client_for(world.users[role]).get(url).status_code == 403, (view, role)
        assert client_for(world.outsider).get(url).status_code == 404
    # A reader cannot record a saving.
    savings = reverse("finance:savings", args=["alpha", "qipp"])
    response = client_for(world.users["commissioner"]).post(savings, {"scheme": fw["scheme"].pk})
    assert response.status_code == 403


def test_unknown_records_are_404(world, fw, client_for):
    c = client_for(world.users["finance"])
    assert c.get(reverse("finance:fund", args=["alpha", "nope"])).status_code == 404
    assert c.get(reverse("finance:savings", args=["alpha", "nope"])).status_code == 404
    assert c.get(reverse("finance:model", args=["alpha", "nope"])).status_code == 404
    other = factories.fund(world.other, slug="theirs")
    assert c.get(reverse("finance:fund", args=["alpha", other.slug])).status_code == 404


def test_fund_page_shows_position_split_and_chart(world, fw, client_for):
    html = (
        client_for(world.users["viewer"])
        .get(reverse("finance:fund", args=["alpha", "pool"]))
        .content.decode()
    )
    assert "Forecast overspend of £100.00" in html
    assert 'id="partner-split"' in html and "£60.00" in html and "£40.00" in html
    assert "<svg" in html and 'id="month-table"' in html


def test_enter_actuals_and_bad_input(world, fw, client_for):
    c = client_for(world.users["finance"])
    url = reverse("finance:actuals", args=["alpha", "pool"])
    line = fw["line"]
    good = {
        "line": line.pk,
        "financial_year": "2014-15",
        "month": "2",
        "actual": "1,000.50",
        "forecast_outturn": "",
    }
    assert c.post(url, good).status_code == 302
    figure = MonthlyFigure.objects.get(line=line, month=2)
    assert figure.actual == D("1000.50") and figure.financial_year == "2014/15"
    for field, value, words in (
        ("month", "13", "not a financial month"),
        ("month", "0", "not a financial month"),
        ("financial_year", "2014", "not a financial year"),
        ("actual", "10.005", "more than two decimal"),
    ):
        response = c.post(url, {**good, "month": "3", field: value})
        assert response.status_code == 400 and words in response.content.decode(), field
    other_fund = factories.fund(world.p, slug="other")
    foreign = factories.budget_line(other_fund)
    response = c.post(url, {**good, "month": "3", "line": foreign.pk})
    assert response.status_code == 400
    assert not MonthlyFigure.objects.filter(month=3).exists()


def test_upload_is_whole_or_nothing(world, fw, client_for):
    c = client_for(world.users["finance"])
    url = reverse("finance:upload", args=["alpha", "pool"])
    bad = (
        "fund,line,financial_year,month,actual_gbp,forecast_outturn_gbp\n"
        "pool,L1,2014/15,2,120.00,1250.00\n"
        "pool,L1,2014/15,13,1.00,\n"
        "pool,NOPE,2014/15,3,1.00,\n"
    )
    response = c.post(url, {"file": SimpleUploadedFile("ledger.csv", bad.encode())})
    html = response.content.decode()
    assert response.status_code == 400
    assert "row 3" in html and "column &#x27;month&#x27;" in html and "row 4" in html
    assert not MonthlyFigure.objects.filter(month=2).exists()
    fixed = bad.splitlines()[:2]
    response = c.post(url, {"file": SimpleUploadedFile("ledger.csv", ("\n".join(fixed) + "\n").encode())})
    assert response.status_code == 302
    assert MonthlyFigure.objects.get(month=2).forecast_outturn == D("1250.00")


def test_record_a_saving_moves_the_programme_total(world, fw, client_for):
    c = client_for(world.users["finance"])
    url = reverse("finance:savings", args=["alpha", "qipp"])
    data = {"scheme": fw["scheme"].pk, "financial_year": "2014/15", "month": "4", "amount": "250.00"}
    assert c.post(url, data).status_code == 302
    assert SavingDelivery.objects.get(month=4).amount == D("250.00")
    html = c.get(url).content.decode()
    assert "£350.00" in html  # 100 (month 1) + 250
    assert c.post(url, {**data, "month": "14"}).status_code == 400


def test_exports_from_the_index(world, fw, client_for):
    c = client_for(world.users["viewer"])
    base = reverse("finance:index", args=["alpha"])
    response = c.get(base + "?export=fund-position")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "fund,partner,financial_year,contribution_gbp,budget_gbp,actual_to_date_gbp,forecast_outturn_gbp,"
        "variance_gbp,share_of_variance_gbp"
    )
    assert "Pooled fund,Alpha Council,2014/15,600.00,1000.00,100.00,1100.00,100.00,60.00" in text
    assert c.get(base + "?export=nope").status_code == 404
    assert c.get(base + "?export=savings&format=xlsx").status_code == 200
    assert client_for(world.users["provider"]).get(base + "?export=savings").status_code == 403


@pytest.mark.parametrize("name", ["index", "fund", "savings", "model", "reconciliation"])
def test_query_counts_do_not_grow_with_data(world, fw, client_for, django_assert_max_num_queries, name):
    c = client_for(world.users["viewer"])
    url = urls("alpha", fw)[name]
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert c.get(url).status_code == 200
    # More of everything: lines, months, schemes, sections, stated figures.
    for _ in range(3):
        line = factories.budget_line(fw["fund"], owner=world.ccg)
        factories.line_budget(line)
        for m in range(1, 4):
            factories.monthly_figure(line, m, actual=D("1.00"))
        scheme = factories.savings_scheme(fw["programme"])
        factories.planned_saving(scheme)
        factories.saving_delivery(scheme)
        section = factories.budget_section(fw["model"])
        factories.budget_model_amount(factories.budget_model_line(section))
        factories.stated_figure(world.p, savings_programme=fw["programme"], financial_year="2014/15")
        factories.fund(world.p)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert c.get(url).status_code == 200


def test_every_finance_route_is_in_the_access_tables():
    """A new finance page must be added to the tables above (and so get an access check)."""
    from django.urls import get_resolver

    covered = {"index", "reconciliation", "fund", "savings", "model", "actuals", "upload", "change_new", "change",
               "public_health", "consultation_new"}  # fmt: skip
    routed = {k for k in get_resolver().namespace_dict["finance"][1].reverse_dict if isinstance(k, str)}
    assert routed == covered


def test_actuals_post_by_actor(world, fw, client_for):
    url = reverse("finance:actuals", args=["alpha", "pool"])
    data = {"line": fw["line"].pk, "financial_year": "2014/15", "month": "6", "actual": "5.00"}
    for role in ("viewer", "commissioner", "analyst", "provider"):
        assert client_for(world.users[role]).post(url, data).status_code == 403, role
    assert client_for(world.outsider).post(url, data).status_code == 404
    assert client_for(None).post(url, data).status_code == 302
    assert not MonthlyFigure.objects.filter(month=6).exists()
    assert client_for(world.users["partnership_admin"]).post(url, data).status_code == 302
    assert client_for(world.users["finance"]).post(url, {}).status_code == 400
