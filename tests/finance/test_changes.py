"""In-year fund changes under change control: proposed, approved by the board the fund's agreement
names (by a person other than the proposer) or rejected with a reason; only approved changes alter
the fund. Public Health: consultation before moving ring-fenced money, the quarterly return."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jointly.finance.models import FundChange, LineBudget
from tests import factories


@pytest.fixture
def cw(world):
    """A pooled fund whose agreement names a board; two lines (one Public Health), a fixed rule."""
    board = factories.board(world.p, slug="programme-board", name="Programme Board")
    agreement = factories.agreement(world.p, world.council, managing_board=board)
    fw = factories.finance_world(world.p, world.council, world.ccg)
    fund = fw["fund"]
    fund.agreement = agreement
    fund.save()
    ph = factories.budget_line(fund, code="PH1", name="School nursing", owner=world.council, public_health=True,
                               ph_category="children_5_19")  # fmt: skip
    factories.line_budget(ph, "500.00")
    factories.monthly_figure(ph, 2, actual=D("40.00"), forecast_outturn=D("480.00"))
    return {**fw, "board": board, "ph": ph}


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def budget(line, year="2014/15"):
    return LineBudget.objects.get(line=line, financial_year=year).amount


def test_propose_approve_virement_via_api(world, cw):
    fin, admin = world.users["finance"], world.users["partnership_admin"]
    body = {"fund": cw["fund"].pk, "kind": "virement", "financial_year": "2014-15", "description": "Move",
            "from_line": cw["line"].pk, "line": cw["ph"].pk, "amount": "100.00"}  # fmt: skip
    for role in ("viewer", "commissioner", "analyst", "provider"):
        assert api(world.users[role]).post("/api/v1/fund-changes/", body, format="json").status_code in (
            403,
            400,
        )
    r = api(fin).post("/api/v1/fund-changes/", body, format="json")
    assert r.status_code == 201, r.json()
    change = r.json()
    assert change["status"] == "proposed" and change["financial_year"] == "2014/15"
    assert budget(cw["line"]) == D("1000.00")  # nothing moves until approved
    url = f"/api/v1/fund-changes/{change['id']}/"
    decision = {"board": "programme-board", "decided_on": "2014-10-01", "decision_reference": "PB 14/22",
                "version": change["version"]}  # fmt: skip
    # four eyes: the proposer cannot approve
    assert api(fin).post(url + "approve/", decision, format="json").status_code == 403
    # a reader cannot decide
    assert api(world.users["viewer"]).post(url + "approve/", decision, format="json").status_code == 403
    # the wrong board
    other = factories.board(world.p, slug="other-board")
    r = api(admin).post(url + "approve/", {**decision, "board": other.slug}, format="json")
    assert r.status_code == 409 and "Programme Board" in r.json()["status"]
    # Public Health money: consulted first
    r = api(admin).post(url + "approve/", decision, format="json")
    assert r.status_code == 409 and "Public Health" in r.json()["status"]
    c = api(fin).post("/api/v1/public-health-consultations/", {
        "partnership": "alpha", "subject": "funding_change", "fund_change": change["id"], "consulted": "alpha-council",
        "consulted_on": "2014-09-20", "summary": "Virement into school nursing", "response": "supported",
    }, format="json")  # fmt: skip
    assert c.status_code == 201, c.json()
    r = api(admin).post(url + "approve/", decision, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "approved" and r.json()["board"] == "programme-board"
    assert r.json()["previous"] == {"from_line_budget": "1000.00", "line_budget": "500.00"}
    assert budget(cw["line"]) == D("900.00") and budget(cw["ph"]) == D("600.00")
    # decided: kept, not changed or deleted, not decided twice
    assert api(fin).patch(url, {"description": "x", "version": 2}, format="json").status_code == 409
    assert api(fin).delete(url).status_code == 409
    assert api(world.users["viewer"]).post(url + "reject/", {"reason": "x", "version": 2}).status_code == 403
    assert api(fin).post(url + "reject/", {"reason": "late", "version": 2}, format="json").status_code == 409
    assert (
        LineBudget.objects.get(line=cw["line"]).history.first().history_change_reason
        == f"Fund change {change['id']} approved"
    )
    # providers and outsiders see nothing
    assert api(world.users["provider"]).get(url).status_code == 404
    assert api(world.outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"from_line": None}, "from_line"),
        ({"financial_year": "2014"}, "financial_year"),
        ({"kind": "risk_share", "rule": None, "shares": {}}, "rule"),
    ],
)
def test_bad_changes_are_refused(world, cw, patch, field):
    body = {"fund": cw["fund"].pk, "kind": "virement", "financial_year": "2014/15", "description": "Move",
            "from_line": cw["line"].pk, "line": cw["ph"].pk, "amount": "10.00", **patch}  # fmt: skip
    r = api(world.users["finance"]).post("/api/v1/fund-changes/", body, format="json")
    assert r.status_code == 400 and field in r.json(), r.json()
    assert not FundChange.objects.filter(description="Move").exists()


def test_refusals_of_rules(world, cw):
    fin = world.users["finance"]
    # a line of another fund
    other = factories.budget_line(factories.fund(world.p), code="X")
    body = {"fund": cw["fund"].pk, "kind": "budget", "financial_year": "2014/15", "description": "d", "line": other.pk,
            "amount": "5.00"}  # fmt: skip
    assert "line" in api(fin).post("/api/v1/fund-changes/", body, format="json").json()
    # risk share percentages must add to 100
    body = {"fund": cw["fund"].pk, "kind": "risk_share", "financial_year": "2014/15", "description": "d",
            "rule": cw["rule"].pk, "shares": {"alpha-council": "70", "alpha-ccg": "20"}}  # fmt: skip
    r = api(fin).post("/api/v1/fund-changes/", body, format="json")
    assert r.status_code == 400 and "shares" in r.json()
    # an aligned budget: no virement between two partners' lines
    aligned = factories.fund(world.p, kind="aligned")
    a = factories.budget_line(aligned, code="A", owner=world.council)
    b = factories.budget_line(aligned, code="B", owner=world.ccg)
    body = {"fund": aligned.pk, "kind": "virement", "financial_year": "2014/15", "description": "d", "line": a.pk,
            "from_line": b.pk, "amount": "1.00"}  # fmt: skip
    r = api(fin).post("/api/v1/fund-changes/", body, format="json")
    assert r.status_code == 400 and "not a pool" in r.json()["from_line"][0]


def test_risk_share_and_contribution_changes_apply_on_approval(world, cw):
    from jointly.core.models import save_versioned
    from jointly.finance import actions

    fin, admin = world.users["finance"], world.users["partnership_admin"]
    change = save_versioned(FundChange(fund=cw["fund"], kind="risk_share", financial_year="2014/15", description="d",
                                       rule=cw["rule"], shares={"alpha-council": "50", "alpha-ccg": "50"}),
                            expected_version=None, by=fin)  # fmt: skip
    actions.decide_change(change, approve=True, board=cw["board"], decided_on=dt.date(2014, 10, 1),
                          decision_reference="PB 1", expected_version=change.version, by=admin)  # fmt: skip
    assert sorted(s.percent for s in cw["rule"].shares.all()) == [D("50"), D("50")]
    contribution = save_versioned(FundChange(fund=cw["fund"], kind="contribution", financial_year="2014/15",
                                             description="d", organisation=world.ccg, amount=D("450.00")),
                                  expected_version=None, by=fin)  # fmt: skip
    with pytest.raises(actions.ChangeControlError):  # a rejection needs its reason
        actions.decide_change(contribution, approve=False, expected_version=1, by=admin)
    actions.decide_change(contribution, approve=True, board=cw["board"], decided_on=dt.date(2014, 10, 1),
                          decision_reference="PB 2", expected_version=1, by=admin)  # fmt: skip
    assert cw["fund"].contributions.get(organisation=world.ccg).amount == D("450.00")


def test_change_pages(world, cw, client_for):
    fin, admin = world.users["finance"], world.users["partnership_admin"]
    new = reverse("finance:change_new", args=["alpha", "pool"])
    for role in ("viewer", "commissioner", "analyst", "provider"):
        assert client_for(world.users[role]).get(new).status_code == 403, role
    assert client_for(world.outsider).get(new).status_code == 404
    assert client_for(fin).post(new, {"kind": "budget", "financial_year": "2014/15", "description": "d",
                                      "amount": "1.001"}).status_code == 400  # fmt: skip
    r = client_for(fin).post(new, {"kind": "budget", "financial_year": "2014/15", "description": "More",
                                   "line": cw["line"].pk, "amount": "1500.00"})  # fmt: skip
    assert r.status_code == 302
    change = FundChange.objects.get(description="More")
    url = reverse("finance:change", args=["alpha", "pool", change.pk])
    for role in ("viewer", "commissioner", "analyst", "finance", "partnership_admin"):
        assert client_for(world.users[role]).get(url).status_code == 200, role
    assert client_for(world.users["provider"]).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(fin).get(reverse("finance:change", args=["alpha", "pool", 99999])).status_code == 404
    decision = {"decision": "approve", "board": cw["board"].pk, "decided_on_day": "1", "decided_on_month": "10",
                "decided_on_year": "2014", "decision_reference": "PB 3", "version": change.version}  # fmt: skip
    assert client_for(world.users["viewer"]).post(url, decision).status_code == 403
    r = client_for(fin).post(url, decision)
    assert r.status_code == 403 and "Four eyes" in r.content.decode()
    assert client_for(admin).post(url, decision).status_code == 302
    assert budget(cw["line"]) == D("1500.00")
    page = (
        client_for(world.users["viewer"])
        .get(reverse("finance:fund", args=["alpha", "pool"]))
        .content.decode()
    )
    assert "Programme Board" in page and "Approved" in page


def test_public_health_page_exports_and_log(world, cw, client_for):
    url = reverse("finance:public_health", args=["alpha"])
    for role in ("viewer", "commissioner", "analyst", "finance", "partnership_admin"):
        assert client_for(world.users[role]).get(url).status_code == 200, role
    assert client_for(world.users["provider"]).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404
    c = client_for(world.users["viewer"])
    page = c.get(url + "?year=2014/15&quarter=1").content.decode()
    assert "School nursing" in page and "Children 5-19" in page and "£40.00" in page  # month 2 is in Q1
    assert c.get(url + "?quarter=5").status_code == 404
    assert c.get(url + "?year=1999/00").status_code == 404
    xlsx = c.get(url + "?year=2014/15&quarter=2&export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "group" and rows[-1][0] == "total"
    assert [D(str(v)) for v in rows[-1][5:]] == [D("500"), D("0"), D("40"), D("480"), D("-20")]
    docx = c.get(url + "?year=2014/15&quarter=2&export=docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert c.get(url + "?export=pdf").status_code == 404
    new = reverse("finance:consultation_new", args=["alpha"])
    for role in ("viewer", "commissioner", "analyst", "provider"):
        assert client_for(world.users[role]).get(new).status_code == 403, role
    fin = client_for(world.users["finance"])
    bad = {"subject": "service_specification", "consulted": world.council.pk, "consulted_on_day": "1",
           "consulted_on_month": "9", "consulted_on_year": "2014", "summary": "Spec", "response": "signed_off"}  # fmt: skip
    assert fin.post(new, bad).status_code == 400  # no contract named
    contract = factories.contract(world.p, world.provider)
    assert fin.post(new, {**bad, "contract": contract.pk}).status_code == 302
    assert contract.reference in client_for(world.users["viewer"]).get(url).content.decode()


def test_commitments_hook_shows_committed_spend_never_budget(world, cw, client_for, settings):
    settings.JOINTLY_FINANCE_COMMITMENTS = ["tests.finance.test_changes.fake_commitments"]
    page = (
        client_for(world.users["viewer"])
        .get(reverse("finance:fund", args=["alpha", "pool"]))
        .content.decode()
    )
    assert 'id="committed">£325.00' in page  # 300 on line L1 + 25 on the fund itself; 7 unmatched left out
    from jointly.finance import queries

    fund = queries.funds(world.p).get(pk=cw["fund"].pk)
    found = queries.commitments(world.p, "2014/15", [fund])
    assert [(c.line.code if c.line else None, c.fund is not None) for c in found] == [
        ("L1", True), (None, True), (None, False)
    ]  # fmt: skip
    assert queries.fund_year(fund, "2014/15", 12).position.budget == D("1500.00")  # budget untouched


def fake_commitments(partnership, financial_year):
    from jointly.partnerships.models import Organisation

    council = Organisation.objects.get(slug="alpha-council")
    return [(council, "L1", D("300.00")), (council, "pool", D("25.00")), (council, "nowhere", D("7.00"))]


def test_overspend_reaches_attention_and_partnership_and_contract_pages(world, cw, client_for):
    from jointly.core import attention

    contract = factories.contract(world.p, world.provider)
    cw["line"].contract = contract
    cw["line"].save()
    day = dt.date(2014, 8, 15)  # last closed month: July 2014 (month 4)
    items = [i for i in attention.collect(world.users["viewer"], day) if i.kind == "fund_overspend"]
    assert [i.title for i in items] == ["Pooled fund"] and "£80.00" in items[0].detail
    assert any(i.kind == "fund_change_proposed" for i in attention.collect(world.users["viewer"], day))
    assert not [i for i in attention.collect(world.users["provider"], day) if i.kind.startswith("fund_")]
    home = reverse("partnerships:detail", args=["alpha"])
    assert 'id="finance-funds"' in client_for(world.users["viewer"]).get(home).content.decode()
    assert 'id="finance-funds"' not in client_for(world.users["provider"]).get(home).content.decode()
    page = reverse("contracts:detail", args=["alpha", contract.pk])
    assert 'id="finance-lines"' in client_for(world.users["commissioner"]).get(page).content.decode()
    assert 'id="finance-lines"' not in client_for(world.users["provider"]).get(page).content.decode()


@pytest.mark.parametrize("name", ["change", "public_health", "partnership"])
def test_query_counts_flat(world, cw, client_for, django_assert_max_num_queries, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = {
        "change": reverse("finance:change", args=["alpha", "pool", cw["change"].pk]),
        "public_health": reverse("finance:public_health", args=["alpha"]),
        "partnership": reverse("partnerships:detail", args=["alpha"]),
    }[name]
    c = client_for(world.users["finance"])
    c.get(url)
    with CaptureQueriesContext(connection) as before:
        assert c.get(url).status_code == 200
    for _ in range(3):
        line = factories.budget_line(
            cw["fund"], public_health=True, contract=factories.contract(world.p, world.provider)
        )
        factories.line_budget(line)
        factories.monthly_figure(line, 1, actual=D("1.00"))
        factories.ph_consultation(world.p, world.council, fund_change=cw["change"])
        factories.fund(world.p)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert c.get(url).status_code == 200
