"""The services API and the service-map endpoint: access, provider scope, validation, 409."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jointly.services.models import Service
from tests import factories as f
from tests.factories import service

READERS = ["viewer", "commissioner", "analyst", "finance", "partnership_admin"]


@pytest.fixture
def aw(world):
    w = world
    w.area = f.area(name="North district", gss_code="E07000901")
    w.p.areas.add(w.area, f.area(name="South district"))
    w.own = service(
        w.p, name="Health visiting", provider=w.provider, themes=[w.theme], commissioners=[w.council]
    )
    w.others = service(w.p, name="Youth service", provider=w.council, themes=[w.theme],
                       commissioners=[w.ccg], areas=[w.area])  # fmt: skip
    w.beta = service(w.other, name="Beta service", provider=w.other_council)
    return w


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def payload(w, **overrides):
    data = {
        "partnership": w.p.slug, "name": "Family Nurse Partnership", "provider": w.provider.slug,
        "commissioners": [w.council.slug, w.ccg.slug], "level_of_need": "intensive",
        "age_min": 0, "age_max": 2, "areas": [w.area.gss_code], "themes": [w.theme.pk],
        "intentions": [w.intention.pk], "outcomes": [w.outcome.pk], "capacity": 350,
        "capacity_unit": "places",
    }  # fmt: skip
    data.update(overrides)
    return data


def names(response) -> set[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {r["name"] for r in rows}


def test_list_per_role(aw):
    for role in READERS:
        assert names(api(aw.users[role]).get("/api/v1/services/")) == {"Health visiting", "Youth service"}
    assert names(api(aw.users["provider"]).get("/api/v1/services/")) == {"Health visiting"}
    assert names(api(aw.outsider).get("/api/v1/services/")) == {"Beta service"}
    assert names(api(aw.admin).get("/api/v1/services/")) == {
        "Health visiting",
        "Youth service",
        "Beta service",
    }
    assert api(None).get("/api/v1/services/").status_code == 401


def test_detail_per_role(aw):
    url = f"/api/v1/services/{aw.others.pk}/"
    body = api(aw.users["viewer"]).get(url).json()
    assert body["provider"] == aw.council.slug and body["areas"] == [aw.area.gss_code]
    assert body["themes"] == [aw.theme.pk] and body["version"] == 1 and "contracts" in body
    assert api(aw.users["provider"]).get(url).status_code == 404
    assert api(aw.users["provider"]).get(f"/api/v1/services/{aw.own.pk}/").status_code == 200
    assert api(aw.outsider).get(url).status_code == 404


def test_create_update_delete_by_commissioner(aw):
    client = api(aw.users["commissioner"])
    response = client.post("/api/v1/services/", payload(aw), format="json")
    assert response.status_code == 201, response.json()
    s = Service.objects.get(name="Family Nurse Partnership")
    assert s.capacity == 350 and set(s.commissioners.all()) == {aw.council, aw.ccg}
    response = client.patch(f"/api/v1/services/{s.pk}/", {"capacity": 400, "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    response = client.patch(f"/api/v1/services/{s.pk}/", {"capacity": 500, "version": 1}, format="json")
    assert response.status_code == 409
    response = client.patch(f"/api/v1/services/{s.pk}/", {"capacity": 500}, format="json")
    assert response.status_code == 400 and "version" in response.json()
    s.refresh_from_db()
    assert s.capacity == 400
    assert client.delete(f"/api/v1/services/{s.pk}/").status_code == 204


def test_non_editors_cannot_write(aw):
    for role in ["viewer", "analyst", "finance"]:
        client = api(aw.users[role])
        assert client.post("/api/v1/services/", payload(aw), format="json").status_code == 403
        url = f"/api/v1/services/{aw.others.pk}/"
        assert client.patch(url, {"capacity": 1, "version": 1}, format="json").status_code == 403
        assert client.delete(url).status_code == 403
    provider = api(aw.users["provider"])
    own = f"/api/v1/services/{aw.own.pk}/"
    assert provider.patch(own, {"capacity": 1, "version": 1}, format="json").status_code == 403
    assert (
        provider.patch(f"/api/v1/services/{aw.others.pk}/", {"version": 1}, format="json").status_code == 404
    )
    outsider = api(aw.outsider)
    assert outsider.post("/api/v1/services/", payload(aw), format="json").status_code == 400
    assert outsider.delete(own).status_code == 404
    assert Service.objects.count() == 3
    assert Service.objects.get(pk=aw.own.pk).capacity is None


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "Youth service"}, "name"),
        ({"age_min": 5, "age_max": 3}, "age_max"),
        ({"age_max": 26}, "age_max"),
        ({"age_min": -1}, "age_min"),
        ({"level_of_need": "severe"}, "level_of_need"),
        ({"camhs_tier": "5"}, "camhs_tier"),
        ({"areas": ["E99999999"]}, "areas"),
        ({"provider": "no-such-org"}, "provider"),
    ],
)
def test_bad_input_writes_nothing(aw, overrides, field):
    response = api(aw.users["commissioner"]).post(
        "/api/v1/services/", payload(aw, **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Service.objects.count() == 3


def test_records_of_another_partnership_are_refused(aw):
    outside_area = f.area(name="Elsewhere")
    cases = {
        "areas": [outside_area.gss_code],
        "themes": [f.theme(aw.other).pk],
        "intentions": [f.intention(aw.other, aw.other_council).pk],
        "outcomes": [f.outcome(f.framework(aw.other)).pk],
        "commissioners": [aw.other_council.slug],
        "provider": aw.other_council.slug,
    }
    client = api(aw.users["commissioner"])
    for name, value in cases.items():
        response = client.post("/api/v1/services/", payload(aw, **{name: value}), format="json")
        assert response.status_code == 400, name
        assert name in response.json(), (name, response.json())
    url = f"/api/v1/services/{aw.others.pk}/"
    response = client.patch(url, {"themes": cases["themes"], "version": 1}, format="json")
    assert response.status_code == 400
    assert Service.objects.count() == 3 and list(aw.others.themes.all()) == [aw.theme]


def test_service_map_endpoint(aw):
    service(aw.p, name="Second visiting", provider=aw.council, themes=[aw.theme], commissioners=[aw.ccg])
    body = api(aw.users["viewer"]).get("/api/v1/service-map/?partnership=alpha").json()
    assert body["partnership"] == "alpha" and body["levels"][0] == "universal"
    assert len(body["cells"]) == 4
    universal = next(c for c in body["cells"] if c["level"] == "universal")
    assert universal["status"] == "duplication_cross_commissioner"
    assert {(s["name"], s["coverage"]) for s in universal["services"]} == {
        ("Health visiting", "whole"), ("Second visiting", "whole"), ("Youth service", "part"),
    }  # fmt: skip
    assert len(universal["overlaps"]) == 3 and body["counts"]["gap"] == 3
    body = (
        api(aw.users["viewer"]).get(f"/api/v1/service-map/?partnership=alpha&area={aw.area.gss_code}").json()
    )
    assert body["areas"] == [{"code": aw.area.gss_code, "name": "North district"}]
    assert next(c for c in body["cells"] if c["level"] == "universal")["area"] == aw.area.gss_code


def test_service_map_endpoint_access_and_bad_parameters(aw):
    url = "/api/v1/service-map/?partnership=alpha"
    for role in READERS:
        assert api(aw.users[role]).get(url).status_code == 200
    assert api(aw.admin).get(url).status_code == 200
    assert api(aw.users["provider"]).get(url).status_code == 403
    assert api(aw.outsider).get(url).status_code == 404
    assert api(aw.outsider).get("/api/v1/service-map/?partnership=nope").status_code == 404
    assert api(None).get(url).status_code == 401
    viewer = api(aw.users["viewer"])
    assert viewer.get("/api/v1/service-map/").status_code == 400
    assert viewer.get(url + "&area=E99999999").status_code == 400
    assert viewer.get(url + "&age=x").status_code == 400
    assert viewer.get(url + "&age=30").status_code == 400
    assert viewer.get(url + "&age=1").status_code == 200
