"""API: same permission rules as the pages, bad input refused, stale edits 409, approve/reject."""

from __future__ import annotations

import pytest

from jointly.contracts.models import Contract, FundingShare, Variation
from tests.factories import edited_elsewhere

pytestmark = pytest.mark.django_db

ENDPOINTS = ["contracts", "funding-shares", "variations", "contract-documents", "subcontractors",
             "procurements", "procurement-stages", "conflicts-of-interest"]  # fmt: skip


def ids(response):
    return {r["id"] for r in response.json()["results"]}


@pytest.mark.parametrize("role", ["viewer", "analyst", "finance", "commissioner", "partnership_admin"])
def test_readers_list_everything(cw, client_for, role):
    client = client_for(cw.w.users[role])
    for name in ENDPOINTS:
        assert client.get(f"/api/v1/{name}/").status_code == 200, name
    assert ids(client.get("/api/v1/contracts/")) == {cw.own.pk, cw.other.pk}


def test_provider_sees_only_own_contracts_and_no_procurement(cw, client_for):
    client = client_for(cw.w.users["provider"])
    assert ids(client.get("/api/v1/contracts/")) == {cw.own.pk}
    assert client.get(f"/api/v1/contracts/{cw.other.pk}/").status_code == 404
    assert ids(client.get("/api/v1/variations/")) == {cw.variation.pk}
    assert ids(client.get("/api/v1/funding-shares/")) == {cw.share.pk}
    for name in ("procurements", "procurement-stages", "conflicts-of-interest"):
        assert client.get(f"/api/v1/{name}/").json()["results"] == [], name
    r = client.patch(
        f"/api/v1/contracts/{cw.own.pk}/", {"title": "x", "version": 1}, content_type="application/json"
    )
    assert r.status_code == 403
    r = client.post(f"/api/v1/variations/{cw.variation.pk}/approve/", {"reason": "x", "version": 1},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403


def test_outsider_sees_nothing(cw, client_for):
    client = client_for(cw.w.outsider)
    for name in ENDPOINTS:
        assert client.get(f"/api/v1/{name}/").json()["results"] == [], name
    assert client.get(f"/api/v1/contracts/{cw.own.pk}/").status_code == 404
    assert client_for(None).get("/api/v1/contracts/").status_code == 401


def test_viewer_cannot_write(cw, client_for):
    client = client_for(cw.w.users["viewer"])
    r = client.post("/api/v1/contracts/", {"partnership": "alpha", "reference": "X", "title": "X",
                    "contract_type": "council", "start_date": "2014-01-01", "end_date": "2015-01-01"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    assert not Contract.objects.filter(reference="X").exists()


def test_commissioner_crud_and_stale_409(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    body = {"partnership": "alpha", "reference": "API-1", "title": "API contract", "provider": "alpha-trust",
            "lead_commissioner": "alpha-council", "contract_type": "grant", "start_date": "2014-04-01",
            "end_date": "2015-03-31", "value": "1000.00", "extension_count": 2, "extension_months": 12}  # fmt: skip
    r = client.post("/api/v1/contracts/", body, content_type="application/json")
    assert r.status_code == 201, r.json()
    pk, version = r.json()["id"], r.json()["version"]
    r = client.patch(
        f"/api/v1/contracts/{pk}/", {"title": "Renamed", "version": version}, content_type="application/json"
    )
    assert r.status_code == 200
    stale = client.patch(f"/api/v1/contracts/{pk}/", {"title": "Lost", "version": version},
                         content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    missing = client.patch(f"/api/v1/contracts/{pk}/", {"title": "Lost"}, content_type="application/json")
    assert missing.status_code == 400
    assert Contract.objects.get(pk=pk).title == "Renamed"


BAD = [
    ("contracts", {"partnership": "alpha", "reference": "OWN-1", "title": "Dup", "contract_type": "council",
                   "start_date": "2015-01-01", "end_date": "2014-01-01", "provider": "beta-council",
                   "extension_count": 1},
     {"reference", "end_date", "provider", "extension_months"}),
    ("funding-shares", {"contract": None, "commissioner": "beta-council", "financial_year": "2014/16",
                        "funding_stream": "core", "amount": "-1"}, {"financial_year"}),
    ("variations", {"contract": None, "kind": "term", "description": "x", "effective_date": "2014-01-01"},
     {"new_end_date"}),
    ("procurement-stages", {"project": "P", "stage": "tender", "planned_date": "2013-01-01"}, {"stage"}),
    ("conflicts-of-interest", {"project": "P", "person": "x", "interest": "y", "declared_on": "2014-01-01",
                               "decision": "withdrawn"}, {"decision_notes"}),
    ("procurements", {"partnership": "alpha", "reference": "PRJ-1", "title": "x", "route": "pa23_open",
                      "estimated_value": "-1"}, {"estimated_value", "reference"}),
    ("procurements", {"partnership": "alpha", "reference": "PRJ-9", "title": "x", "route": "bogus"}, {"route"}),
    ("contracts", {"partnership": "alpha", "reference": "Z", "title": "Z", "contract_type": "council",
                   "start_date": "2014-01-01", "end_date": "2015-01-01", "efficiency_percent": "150"},
     {"efficiency_percent"}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "fields"), BAD)
def test_bad_input_is_refused_and_writes_nothing(cw, client_for, name, body, fields):
    client = client_for(cw.w.users["commissioner"])
    body = {k: (cw.own.pk if v is None else cw.project.pk if v == "P" else v) for k, v in body.items()}
    counts = [Contract.objects.count(), FundingShare.objects.count(), Variation.objects.count()]
    r = client.post(f"/api/v1/{name}/", body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert fields <= set(r.json()), r.json()
    assert [Contract.objects.count(), FundingShare.objects.count(), Variation.objects.count()] == counts


def test_variation_approve_reject_actions(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    v = cw.variation
    missing = client.post(f"/api/v1/variations/{v.pk}/approve/", {}, content_type="application/json")
    assert missing.status_code == 400 and {"reason", "version"} <= set(missing.json())
    seen = edited_elsewhere(v, description="Changed by someone else")
    stale = client.post(f"/api/v1/variations/{v.pk}/approve/", {"reason": "ok", "version": seen},
                        content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    r = client.post(f"/api/v1/variations/{v.pk}/approve/", {"reason": "Agreed", "version": v.version},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "approved"
    again = client.post(f"/api/v1/variations/{v.pk}/reject/", {"reason": "No", "version": r.json()["version"]},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 409
    contract = client.get(f"/api/v1/contracts/{cw.own.pk}/").json()
    assert contract["current_value"] == "105000.00"
    edit = client.patch(f"/api/v1/variations/{v.pk}/", {"description": "sneaky", "version": r.json()["version"]},
                        content_type="application/json")  # fmt: skip
    assert edit.status_code == 400
    status_write = client.patch(f"/api/v1/variations/{v.pk}/", {"status": "rejected", "version": 99},
                                content_type="application/json")  # fmt: skip
    assert Variation.objects.get(pk=v.pk).status == "approved", status_write.content
