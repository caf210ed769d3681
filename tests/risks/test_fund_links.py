"""A risk may threaten a fund: the form and the API take only the partnership's own funds (a foreign
one is answered like an unknown one), the register filters by fund, the fund's page lists its risks,
the golden thread shows a fund's risk where a budget line of the fund serves the outcome, and the
importer takes an optional ``fund`` column."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from jointly.risks.models import Risk
from tests import factories as f

R = "/p/alpha/risks"


@pytest.fixture
def fw(world):
    w = world
    w.fund = f.fund(w.p, slug="pooled", name="Pooled children's fund")
    w.beta_fund = f.fund(w.other, slug="beta-fund", name="Beta fund")
    w.contract = f.contract(w.p, w.provider, reference="C-1")
    w.on_fund = f.risk(
        w.p, reference="R-FUND", title="Overspend on the pool", fund=w.fund, contract=w.contract
    )
    w.other_risk = f.risk(w.p, reference="R-NOT", title="Something else")
    return w


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(client, **extra):
    data = {"reference": "R-NEW", "title": "New", "status": "open", "inherent_impact": "3",
            "inherent_likelihood": "3", **extra}  # fmt: skip
    return client.post(f"{R}/new/", data)


def test_the_form_links_a_fund_of_the_partnership_only(fw, client_for):
    client = client_for(fw.users["commissioner"])
    assert _post(client, fund=fw.fund.pk).status_code == 302
    assert Risk.objects.get(reference="R-NEW").fund == fw.fund
    foreign = _post(client, reference="R-X", fund=fw.beta_fund.pk)
    unknown = _post(client, reference="R-X", fund=987654)
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.context["form"].errors["fund"] == unknown.context["form"].errors["fund"]
    assert not Risk.objects.filter(reference="R-X").exists()


def test_the_api_links_a_fund_and_refuses_a_foreign_one(fw):
    client = api(fw.users["commissioner"])
    base = {"partnership": "alpha", "reference": "R-API", "title": "By API"}
    response = client.post("/api/v1/risks/", {**base, "fund": fw.fund.pk}, format="json")
    assert response.status_code == 201 and response.json()["fund"] == fw.fund.pk
    foreign = client.post(
        "/api/v1/risks/", {**base, "reference": "R-X", "fund": fw.beta_fund.pk}, format="json"
    )
    unknown = client.post("/api/v1/risks/", {**base, "reference": "R-X", "fund": 987654}, format="json")
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.json()["fund"][0].replace(str(fw.beta_fund.pk), "<ID>") == unknown.json()["fund"][
        0
    ].replace("987654", "<ID>")
    assert not Risk.objects.filter(reference="R-X").exists()
    listed = client.get(f"/api/v1/risks/?fund={fw.fund.pk}").json()["results"]
    assert {r["reference"] for r in listed} == {"R-FUND", "R-API"}


def test_the_register_filters_by_fund(fw, client_for):
    viewer = client_for(fw.users["viewer"])
    html = viewer.get(f"{R}/?fund=pooled").content.decode()
    assert "R-FUND" in html and "R-NOT" not in html
    assert "No risks match" in viewer.get(f"{R}/?fund=beta-fund").content.decode()  # not one of alpha's
    # a provider, who may not see the partnership's finance, gets no fund filter
    provider = client_for(fw.users["provider"]).get(f"{R}/").content.decode()
    assert "Fund threatened" not in provider and "Pooled children" not in provider


def test_the_funds_page_lists_its_risks(fw, client_for):
    page = client_for(fw.users["finance"]).get(f"/p/alpha/finance/funds/{fw.fund.slug}/").content.decode()
    assert 'id="record-risks"' in page and "R-FUND" in page and "R-NOT" not in page
    detail = client_for(fw.users["viewer"]).get(f"{R}/{fw.on_fund.pk}/").content.decode()
    assert "Pooled children" in detail
    provider = client_for(fw.users["provider"]).get(f"{R}/{fw.on_fund.pk}/").content.decode()
    assert "Pooled children" not in provider  # a provider does not see the partnership's funds


def test_the_thread_shows_a_funds_risk_where_its_line_serves_the_outcome(fw, client_for):
    intention = fw.intention
    intention.outcomes.add(fw.outcome)
    f.budget_line(fw.fund, intention=intention)
    html = client_for(fw.users["viewer"]).get(f"/p/alpha/outcomes/o/{fw.outcome.pk}/").content.decode()
    assert 'id="thread-risks"' in html and "R-FUND" in html


def _upload(client, content: bytes):
    return client.post(f"{R}/import/", {"file": SimpleUploadedFile("r.csv", content)})


def test_import_takes_an_optional_fund_column(fw, client_for):
    client = client_for(fw.users["commissioner"])
    bad = b"reference,title,fund\nI-1,One,pooled\nI-2,Two,beta-fund\n"
    response = _upload(client, bad)
    assert response.status_code == 400
    assert any("row 3, column 'fund'" in str(p) for p in response.context["problems"])
    assert not Risk.objects.filter(reference__startswith="I-").exists()
    assert (
        _upload(client, b"reference,title,fund\nI-1,One,POOLED\nR-FUND,Overspend on the pool,\n").status_code
        == 302
    )
    assert Risk.objects.get(reference="I-1").fund == fw.fund
    assert Risk.objects.get(reference="R-FUND").fund is None  # a blank cell clears the link
    assert _upload(client, b"reference,title\nI-1,One renamed\n").status_code == 302
    assert Risk.objects.get(reference="I-1").fund == fw.fund  # no column: the link stays
    header = client.get(f"{R}/import/?template=1").content.decode("utf-8-sig").splitlines()[0]
    assert header.endswith(",fund")
