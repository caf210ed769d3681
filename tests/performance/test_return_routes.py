"""Returns through all three routes share one validation; nothing is saved when any row is bad."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from jointly.performance import analysis, queries
from jointly.performance.models import KpiReturn, ReturnComment, ReturnRevision
from tests.factories import LONG_RUNNING, api_token, contract, kpi
from tests.performance.conftest import add_returns

BAD_ROWS = [
    ("NOPE", "2023-06", "1", "2", "", "kpi"),  # unknown KPI
    ("AMB-8", "2023-06", "1", "2", "", "kpi"),  # another provider's KPI: unknown to this one
    ("SG-L3", "2019-06", "1", "2", "", "period"),  # before the contract
    ("SG-L3", "2031-06", "1", "2", "", "period"),  # after the contract
    ("SG-L3", "2023-07", "many", "2", "", "numerator"),  # non-numeric
    ("SG-L3", "2023-08", "3", "2", "", "numerator"),  # numerator above denominator
    ("FNP", "2023/24 Q1", "-4", "", "", "numerator"),  # negative count
    ("SG-L3", "2023-09", "1", "2", "", None),
    ("SG-L3", "2023-09", "1", "2", "", "period"),  # duplicate
    ("SG-L3", "2022-01", "1", "2", "", "reason"),  # revision without a reason
]


def csv_bytes(rows) -> bytes:
    lines = ["kpi,period,numerator,denominator,reason"] + [",".join(r[:5]) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def expected_problems(first_row: int) -> set[tuple[int, str]]:
    return {(first_row + i, r[5]) for i, r in enumerate(BAD_ROWS) if r[5]}


@pytest.fixture
def provider_client(perf, client_for):
    return client_for(perf.w.users["provider"])


def counts():
    return KpiReturn.objects.count(), ReturnRevision.objects.count()


def test_upload_with_every_bad_case_saves_nothing_and_lists_every_problem(perf, provider_client):
    before = counts()
    url = f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/"
    response = provider_client.post(url, {"file": SimpleUploadedFile("r.csv", csv_bytes(BAD_ROWS))})
    assert response.status_code == 400
    problems = {(p.row, p.column) for p in response.context["problems"]}
    assert problems == expected_problems(2)
    assert counts() == before
    html = response.content.decode()
    assert "row 3, column kpi" in html and "row 10, column period: duplicate: row 9" in html


def test_upload_of_good_xlsx_loads_whole_and_keeps_revision_history(perf, provider_client):
    wb = Workbook()
    ws = wb.active
    ws.append(["kpi", "period", "numerator", "denominator", "reason"])
    ws.append(["SG-L3", "2023-06", 96, 100, None])
    ws.append(["FNP", "2023/24 Q1", 120, None, None])
    ws.append(["SG-L3", "2022-01", 80, 100, "Late training records found"])
    buf = io.BytesIO()
    wb.save(buf)
    url = f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/"
    response = provider_client.post(url, {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())})
    assert response.status_code == 302
    revised = KpiReturn.objects.get(kpi=perf.kpi, period="2022-01")
    assert revised.value == 80.0 and revised.revision_count == 2 and revised.status == "submitted"
    history = list(revised.revisions.order_by("number"))
    assert [h.value for h in history] == [96.0, 80.0]
    assert history[1].reason == "Late training records found" and history[1].route == "file"
    assert history[1].submitted_by == perf.w.users["provider"]
    assert KpiReturn.objects.get(kpi=perf.count_kpi, period="2023/24 Q1").value == 120.0
    assert revised.history.count() == 2  # simple-history too


def test_web_form_validates_with_the_same_rules_and_saves_nothing_on_error(perf, provider_client):
    url = f"/p/alpha/performance/contracts/{perf.contract.pk}/return/"
    k = perf.kpi
    before = counts()
    bad = {
        "period": "2023-06",
        "frequency": "monthly",
        f"numerator-{k.pk}": "101",
        f"denominator-{k.pk}": "100",
    }
    response = provider_client.post(url, bad)
    assert response.status_code == 400 and counts() == before
    assert "above the denominator" in response.content.decode()
    for cells, message in [
        ({f"numerator-{k.pk}": "abc", f"denominator-{k.pk}": "100"}, "is not a number"),
        ({f"numerator-{k.pk}": "-1", f"denominator-{k.pk}": "100"}, "negative"),
        ({f"numerator-{k.pk}": "1", f"denominator-{k.pk}": ""}, "enter the denominator"),
    ]:
        response = provider_client.post(url, {"period": "2023-06", "frequency": "monthly", **cells})
        assert response.status_code == 400 and message in response.content.decode()
    response = provider_client.post(
        url,
        {"period": "2035-01", "frequency": "monthly", f"numerator-{k.pk}": "1", f"denominator-{k.pk}": "2"},
    )
    assert response.status_code == 400 and "outside the contract" in response.content.decode()
    response = provider_client.post(
        url,
        {"period": "2022-02", "frequency": "monthly", f"numerator-{k.pk}": "1", f"denominator-{k.pk}": "2"},
    )
    assert response.status_code == 400 and "give a reason" in response.content.decode()
    assert counts() == before
    good = {**bad, f"numerator-{k.pk}": "97"}
    assert provider_client.post(url, good).status_code == 302
    assert KpiReturn.objects.get(kpi=k, period="2023-06").value == 97.0
    assert ReturnRevision.objects.get(kpi_return__kpi=k, kpi_return__period="2023-06").route == "web"


def test_web_form_and_upload_of_another_providers_contract_are_not_found(perf, provider_client):
    oc = perf.other_contract.pk
    assert provider_client.get(f"/p/alpha/performance/contracts/{oc}/return/").status_code == 404
    assert provider_client.post(f"/p/alpha/performance/contracts/{oc}/upload/").status_code == 404


@pytest.fixture
def api(perf):
    def client(role):
        c = APIClient()
        user = perf.w.users[role] if role != "outsider" else perf.w.outsider
        c.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
        return c

    return client


def test_api_submission_with_every_bad_case_saves_nothing(perf, api):
    before = counts()
    rows = [
        {"kpi": r[0], "period": r[1], "numerator": r[2], "denominator": r[3] or None, "reason": r[4]}
        for r in BAD_ROWS
    ]
    response = api("provider").post(
        "/api/v1/kpi-returns/", {"partnership": "alpha", "rows": rows}, format="json"
    )
    assert response.status_code == 400
    assert {(p["row"], p["column"]) for p in response.json()["problems"]} == expected_problems(1)
    assert counts() == before


def test_api_submission_saves_and_scopes_by_role(perf, api):
    body = {
        "partnership": "alpha",
        "rows": [{"kpi": "SG-L3", "period": "2023-06", "numerator": 95, "denominator": 100}],
    }
    assert api("viewer").post("/api/v1/kpi-returns/", body, format="json").status_code == 403
    # A commissioner may key in on the provider's behalf (tests/test_roles_finance_and_on_behalf.py);
    # finance staff may not.
    assert api("finance").post("/api/v1/kpi-returns/", body, format="json").status_code == 403
    assert api("outsider").post("/api/v1/kpi-returns/", body, format="json").status_code == 404
    response = api("provider").post("/api/v1/kpi-returns/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()[0]["value"] == 95.0 and response.json()[0]["revisions"][0]["route"] == "api"
    listed = api("provider").get("/api/v1/kpi-returns/?limit=500").json()["results"]
    assert {r["kpi"] for r in listed} == {"SG-L3"}  # not the other provider's AMB-8
    assert {r["kpi"] for r in api("viewer").get("/api/v1/kpi-returns/?limit=500").json()["results"]} == {
        "SG-L3",
        "AMB-8",
    }
    assert api("outsider").get("/api/v1/kpi-returns/").json()["results"] == []
    assert {k["code"] for k in api("provider").get("/api/v1/kpis/").json()["results"]} == {"SG-L3", "FNP"}


def test_accept_query_and_reply_in_one_thread_on_pages_and_api(perf, client_for, api):
    ret = KpiReturn.objects.get(kpi=perf.kpi, period="2022-02")
    url = f"/p/alpha/performance/returns/{ret.pk}/"
    commissioner = client_for(perf.w.users["commissioner"])
    assert commissioner.post(url, {"action": "review", "decision": "query", "text": ""}).status_code == 400
    assert (
        commissioner.post(url, {"action": "review", "decision": "query", "text": "Why the dip?"}).status_code
        == 302
    )
    ret.refresh_from_db()
    assert ret.status == "queried"
    assert commissioner.post(url, {"action": "reply", "text": "x"}).status_code == 403
    provider = client_for(perf.w.users["provider"])
    assert provider.post(url, {"action": "review", "decision": "accept", "text": "ok"}).status_code == 403
    assert provider.post(url, {"action": "reply", "text": "Two staff on leave."}).status_code == 302
    response = api("commissioner").post(
        "/api/v1/return-comments/", {"kpi_return": ret.pk, "kind": "accept", "text": "Thanks"}, format="json"
    )
    assert response.status_code == 201
    assert (
        api("provider")
        .post(
            "/api/v1/return-comments/", {"kpi_return": ret.pk, "kind": "accept", "text": "x"}, format="json"
        )
        .status_code
        == 403
    )
    ret.refresh_from_db()
    assert ret.status == "accepted"
    assert list(ReturnComment.objects.filter(kpi_return=ret).values_list("kind", flat=True)) == [
        "query",
        "reply",
        "accept",
    ]
    page = client_for(perf.w.users["viewer"]).get(url).content.decode()
    assert "Why the dip?" in page and "Two staff on leave." in page and "Thanks" in page
    other = KpiReturn.objects.filter(kpi=perf.other_kpi).first()
    provider = client_for(perf.w.users["provider"])
    assert provider.get(f"/p/alpha/performance/returns/{other.pk}/").status_code == 404


def test_late_and_missing_returns_are_tracked_against_the_due_date(perf, client_for):
    c = contract(perf.w.p, perf.w.provider, **{**LONG_RUNNING, "start_date": dt.date(2022, 1, 1)})
    k = kpi(c, code="Q-LATE", frequency="quarterly", due_days=30)
    add_returns(k, [90.0], start=dt.date(2022, 1, 1))  # 2021/22 Q4, due 30 April 2022
    KpiReturn.objects.filter(kpi=k).update(first_submitted_on=dt.datetime(2022, 6, 1, 10, tzinfo=dt.UTC))
    kpi_qs = queries.kpis(perf.w.p).filter(pk=k.pk)
    result = analysis.compliance(list(kpi_qs), queries.submitted_rows(kpi_qs), dt.date(2022, 12, 1))
    assert [o.period.label for o in result.late] == ["2021/22 Q4"]
    assert [o.period.label for o in result.missing] == ["2022/23 Q1", "2022/23 Q2"]  # Q3 due 30 Jan
    assert result.missing[0].due == dt.date(2022, 7, 30)
    assert result.missing[0].days_late == (dt.date(2022, 12, 1) - dt.date(2022, 7, 30)).days
    # As at 15 May 2022 the Q4 return had not arrived: it was missing then, 15 days overdue.
    before = analysis.compliance(list(kpi_qs), queries.submitted_rows(kpi_qs), dt.date(2022, 5, 15))
    assert [(o.period.label, o.days_late) for o in before.missing] == [("2021/22 Q4", 15)] and not before.late
    page = client_for(perf.w.users["viewer"]).get("/p/alpha/performance/late/").content.decode()
    assert "Q-LATE" in page and "Submitted late" in page
