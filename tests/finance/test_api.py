"""The finance API: who may read and write, bad input refused with nothing written, 409 on a
stale version, money as decimal strings, a fund's position."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from jointly.finance.models import Contribution, MonthlyFigure, RiskShareRule
from tests import factories

ENDPOINTS = [
    "funds", "risk-share-rules", "contributions", "budget-lines", "line-budgets", "monthly-figures",
    "savings-plans", "savings-programmes", "savings-schemes", "planned-savings", "saving-deliveries",
    "budget-models", "budget-sections", "budget-model-lines", "budget-model-amounts", "budget-assumptions",
    "stated-figures", "fund-changes", "public-health-consultations", "public-health-assurances",
]  # fmt: skip


@pytest.fixture
def fw(world):
    return factories.finance_world(world.p, world.council, world.ccg)


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_lists_by_role(world, fw):
    for endpoint in ENDPOINTS:
        url = f"/api/v1/{endpoint}/"
        for role in ("viewer", "commissioner", "analyst", "finance", "partnership_admin"):
            body = api(world.users[role]).get(url).json()
            assert body["count"] >= 1, (endpoint, role)
        assert api(world.users["provider"]).get(url).json()["count"] == 0, endpoint
        assert api(world.outsider).get(url).json()["count"] == 0, endpoint
        assert api(None).get(url).status_code in (401, 403), endpoint


def test_detail_is_404_for_providers_and_outsiders(world, fw):
    url = f"/api/v1/funds/{fw['fund'].pk}/"
    assert api(world.users["viewer"]).get(url).status_code == 200
    assert api(world.users["provider"]).get(url).status_code == 404
    assert api(world.outsider).get(url).status_code == 404


def test_money_is_a_decimal_string_and_position(world, fw):
    data = api(world.users["viewer"]).get("/api/v1/contributions/").json()["results"]
    assert {r["amount"] for r in data} == {"600.00", "400.00"}
    pos = api(world.users["viewer"]).get(f"/api/v1/funds/{fw['fund'].pk}/position/").json()
    assert pos[0]["variance"] == "100.00" and pos[0]["overspend"] is True
    shares = {p["organisation"]: p["share_of_variance"] for p in pos[0]["partners"]}
    assert shares == {"alpha-council": "60.00", "alpha-ccg": "40.00"}
    assert api(world.users["provider"]).get(f"/api/v1/funds/{fw['fund'].pk}/position/").status_code == 404


def test_write_by_role(world, fw):
    body = {
        "fund": fw["fund"].pk,
        "organisation": "alpha-ccg",
        "financial_year": "2015-16",
        "amount": "10.00",
    }
    for role in ("viewer", "commissioner", "analyst"):
        assert api(world.users[role]).post("/api/v1/contributions/", body, format="json").status_code == 403
    assert api(world.users["provider"]).post("/api/v1/contributions/", body, format="json").status_code == 400
    response = api(world.users["finance"]).post("/api/v1/contributions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Contribution.objects.get(pk=response.json()["id"]).financial_year == "2015/16"
    assert api(world.outsider).post("/api/v1/contributions/", body, format="json").status_code == 400


@pytest.mark.parametrize(
    ("endpoint", "change", "field"),
    [
        ("contributions", {"amount": "-5.00"}, "amount"),
        ("contributions", {"amount": "5.001"}, "amount"),
        ("contributions", {"financial_year": "2015"}, "financial_year"),
        ("monthly-figures", {"month": 13}, "month"),
        ("monthly-figures", {"month": 0}, "month"),
        ("monthly-figures", {"actual": "1.999"}, "actual"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(world, fw, endpoint, change, field):
    bodies = {
        "contributions": {"fund": fw["fund"].pk, "organisation": "alpha-ccg", "financial_year": "2016/17",
                          "amount": "10.00"},
        "monthly-figures": {"line": fw["line"].pk, "financial_year": "2014/15", "month": 5, "actual": "1.00"},
    }  # fmt: skip
    before = (Contribution.objects.count(), MonthlyFigure.objects.count())
    response = api(world.users["finance"]).post(
        f"/api/v1/{endpoint}/", {**bodies[endpoint], **change}, format="json"
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert (Contribution.objects.count(), MonthlyFigure.objects.count()) == before


def test_line_not_in_the_fund_is_refused(world, fw):
    other = factories.fund(world.p, slug="another")
    body = {
        "fund": other.pk,
        "line": fw["line"].pk,
        "financial_year": "2014/15",
        "month": 5,
        "actual": "1.00",
    }
    response = api(world.users["finance"]).post("/api/v1/monthly-figures/", body, format="json")
    assert response.status_code == 400 and "does not belong" in response.json()["line"][0]


def test_percentages_must_add_to_100(world, fw):
    body = {"fund": fw["fund"].pk, "applies_to": "underspend", "order": 1, "method": "fixed",
            "shares": [{"organisation": "alpha-council", "percent": "60"},
                       {"organisation": "alpha-ccg", "percent": "30"}]}  # fmt: skip
    response = api(world.users["finance"]).post("/api/v1/risk-share-rules/", body, format="json")
    assert response.status_code == 400 and "not 100" in str(response.json())
    assert not RiskShareRule.objects.filter(applies_to="underspend").exists()
    body["shares"][1]["percent"] = "40"
    response = api(world.users["finance"]).post("/api/v1/risk-share-rules/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["shares"] == [{"organisation": "alpha-ccg", "percent": "40.00"},
                                         {"organisation": "alpha-council", "percent": "60.00"}]  # fmt: skip


def test_aligned_budget_lines_need_an_owner_and_no_pooling_rule(world):
    aligned = factories.fund(world.p, slug="aligned", kind="aligned")
    client = api(world.users["finance"])
    response = client.post(
        "/api/v1/budget-lines/", {"fund": aligned.pk, "code": "A1", "name": "CAMHS"}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()
    rule = {"fund": aligned.pk, "applies_to": "overspend", "order": 1, "method": "proportional"}
    response = client.post("/api/v1/risk-share-rules/", rule, format="json")
    assert response.status_code == 400 and "not a pool" in response.json()["method"][0]


def test_stale_version_is_409(world, fw):
    fund = fw["fund"]
    stale = factories.edited_elsewhere(fund, name="Renamed")
    response = api(world.users["finance"]).patch(f"/api/v1/funds/{fund.pk}/", {"name": "Mine", "version": stale},
                                                 format="json")  # fmt: skip
    assert response.status_code == 409
    fund.refresh_from_db()
    assert fund.name == "Renamed"
    assert fund.history.count() >= 1
    response = api(world.users["finance"]).patch(f"/api/v1/funds/{fund.pk}/",
                                                 {"name": "Mine", "version": fund.version}, format="json")  # fmt: skip
    assert response.status_code == 200
    assert D(api(world.users["finance"]).get("/api/v1/line-budgets/").json()["results"][0]["amount"]) == D(
        "1000"
    )
