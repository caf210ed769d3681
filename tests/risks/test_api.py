"""The risks API: scope by role, the provider's own contracts only, writes, re-scoring, bad input, 409."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jointly.risks.models import Risk, RiskReview
from tests import factories as f


@pytest.fixture
def aw(world):
    w = world
    w.contract = f.contract(w.p, w.provider, reference="C-1")
    w.own = f.risk(w.p, reference="R-OWN", contract=w.contract)
    w.general = f.risk(w.p, reference="R-GEN")
    w.beta = f.risk(w.other, reference="R-BETA")
    f.risk_control(w.own)
    f.risk_action(w.own)
    f.risk_review(w.own)
    return w


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def refs(response) -> set[str]:
    return {r["reference"] for r in response.json()["results"]}


def test_who_sees_which_risks(aw):
    for role in ["viewer", "commissioner", "analyst", "finance", "partnership_admin"]:
        assert refs(api(aw.users[role]).get("/api/v1/risks/")) == {"R-OWN", "R-GEN"}, role
    assert refs(api(aw.users["provider"]).get("/api/v1/risks/")) == {"R-OWN"}
    assert refs(api(aw.outsider).get("/api/v1/risks/")) == {"R-BETA"}
    assert api().get("/api/v1/risks/").status_code in (401, 403)
    provider = api(aw.users["provider"])
    assert provider.get(f"/api/v1/risks/{aw.general.pk}/").status_code == 404
    for path in ("risk-controls", "risk-actions", "risk-reviews"):
        assert len(provider.get(f"/api/v1/{path}/").json()["results"]) == 1, path
        assert len(api(aw.outsider).get(f"/api/v1/{path}/").json()["results"]) == 0, path


def test_ratings_and_bands_in_the_answer(aw):
    f.risk_matrix(aw.p, high_label="Significant")
    body = api(aw.users["viewer"]).get(f"/api/v1/risks/{aw.own.pk}/").json()
    assert (body["inherent_rating"], body["band"], body["current_rating"]) == (12, "Significant", None)


def test_create_update_and_bad_input(aw):
    client = api(aw.users["commissioner"])
    base = {
        "partnership": "alpha",
        "reference": "R-API",
        "title": "By API",
        "inherent_impact": 3,
        "inherent_likelihood": 3,
    }
    assert client.post("/api/v1/risks/", base, format="json").status_code == 201
    for bad, field in [
        ({"inherent_impact": 6}, "inherent_impact"),
        ({"inherent_likelihood": None}, "inherent_likelihood"),
        ({"target_impact": 5, "target_likelihood": 5}, "target_impact"),
        ({"reference": "r-own"}, "reference"),
        ({"contract": 987654}, "contract"),
        ({"status": "escalated"}, "status"),
    ]:
        response = client.post("/api/v1/risks/", {**base, "reference": "R-X", **bad}, format="json")
        assert response.status_code == 400 and field in response.json(), (bad, response.json())
    assert not Risk.objects.filter(reference="R-X").exists()
    beta_contract = f.contract(aw.other, aw.other_council)
    foreign = client.post(
        "/api/v1/risks/", {**base, "reference": "R-X", "contract": beta_contract.pk}, format="json"
    )
    unknown = client.post("/api/v1/risks/", {**base, "reference": "R-X", "contract": 987654}, format="json")
    assert foreign.json()["contract"] == [
        m.replace("987654", str(beta_contract.pk)) for m in unknown.json()["contract"]
    ]
    risk = Risk.objects.get(reference="R-API")
    stale = f.edited_elsewhere(risk, title="Elsewhere")
    assert (
        client.patch(
            f"/api/v1/risks/{risk.pk}/", {"title": "Mine", "version": stale}, format="json"
        ).status_code
        == 409
    )
    assert client.patch(f"/api/v1/risks/{risk.pk}/", {"title": "Mine"}, format="json").status_code == 400


def test_only_editors_write(aw):
    base = {"partnership": "alpha", "reference": "R-NO", "title": "No"}
    for role in ["viewer", "analyst", "finance", "provider"]:
        response = api(aw.users[role]).post("/api/v1/risks/", base, format="json")
        assert response.status_code in (400, 403), role
    assert not Risk.objects.filter(reference="R-NO").exists()
    response = api(aw.users["viewer"]).post(f"/api/v1/risks/{aw.own.pk}/rescore/", {}, format="json")
    assert response.status_code == 403


def test_rescore_through_the_api(aw):
    f.risk_matrix(aw.p, escalation_threshold=16)
    client, risk = api(aw.users["commissioner"]), aw.general
    data = {"version": risk.version, "impact": 4, "likelihood": 4, "reviewed_on": "2014-02-01"}
    response = client.post(f"/api/v1/risks/{risk.pk}/rescore/", data, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["current_rating"], response.json()["escalated"]) == (16, True)
    assert RiskReview.objects.filter(risk=risk).count() == 1
    assert client.post(f"/api/v1/risks/{risk.pk}/rescore/", data, format="json").status_code == 409
    bad = {**data, "version": risk.version + 1, "impact": 0}
    assert client.post(f"/api/v1/risks/{risk.pk}/rescore/", bad, format="json").status_code == 400
    assert client.post(f"/api/v1/risks/{aw.beta.pk}/rescore/", data, format="json").status_code == 404
    assert RiskReview.objects.filter(risk=risk).count() == 1


def test_matrix_only_admins_change(aw):
    body = {"partnership": "alpha", "extreme_label": "Serious"}
    assert (
        api(aw.users["commissioner"]).post("/api/v1/risk-matrices/", body, format="json").status_code == 403
    )
    admin = api(aw.users["partnership_admin"])
    assert admin.post("/api/v1/risk-matrices/", {**body, "high_max": 25}, format="json").status_code == 400
    assert admin.post("/api/v1/risk-matrices/", body, format="json").status_code == 201
    assert admin.post("/api/v1/risk-matrices/", body, format="json").status_code == 400  # one per partnership
