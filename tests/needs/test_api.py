"""Needs API: shared indicators and values, the CSV import endpoint, scoped groups and assessments, profiles."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from jointly.needs.models import ComparatorGroup, ImportLog, IndicatorValue, NeedsAssessment
from tests import factories as f

pytestmark = pytest.mark.django_db

HEAD = "indicator,area_code,period,sex,age,count,denominator\n"
ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
IMPORTERS = {"commissioner", "analyst", "partnership_admin"}


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_callers_are_refused(needs):
    for url in ["/api/v1/indicators/", "/api/v1/indicator-values/", "/api/v1/comparator-groups/",
                "/api/v1/needs-assessments/", "/api/v1/needs-profile/?partnership=alpha"]:  # fmt: skip
        assert api().get(url).status_code == 401, url


@pytest.mark.parametrize("role", ROLES)
def test_members_read_indicators_and_values(needs, role):
    client = api(needs.w.users[role])
    body = client.get("/api/v1/indicators/").json()
    assert {i["code"] for i in body["results"]} == {"bf", "asthma"}
    values = client.get(
        "/api/v1/indicator-values/", {"indicator__code": "bf", "area__gss_code": "E10000012"}
    ).json()
    assert values["count"] == 6 and values["results"][0]["area_code"] == "E10000012"
    assert client.get(f"/api/v1/indicators/{needs.bf.pk}/").status_code == 200


def test_people_without_needs_access_see_no_values(needs):
    nobody = f.user(email="nobody@example.org")
    assert api(nobody).get("/api/v1/indicator-values/", {"indicator__code": "bf"}).json()["count"] == 0
    assert api(nobody).get(f"/api/v1/indicators/{needs.bf.pk}/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_import_endpoint_permissions(needs, role):
    upload = SimpleUploadedFile(
        "v.csv", (HEAD + "bf,E10000012,2040,,,1,10\n").encode(), content_type="text/csv"
    )
    response = api(needs.w.users[role]).post(
        "/api/v1/indicator-values/import/", {"partnership": "alpha", "layout": "template", "file": upload},
        format="multipart",
    )  # fmt: skip
    if role in IMPORTERS:
        assert response.status_code == 201, response.content
        assert response.json()["created"] == 1
    else:
        assert response.status_code == 403
        assert not IndicatorValue.objects.filter(period="2040").exists()


def test_import_endpoint_lists_problems_and_hides_other_partnerships(needs):
    upload = SimpleUploadedFile(
        "v.csv", (HEAD + "bf,E10000012,2040,,,9,x\n").encode(), content_type="text/csv"
    )
    response = api(needs.w.users["analyst"]).post(
        "/api/v1/indicator-values/import/", {"partnership": "alpha", "layout": "template", "file": upload},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "failed" and body["problems"][0]["row"] == 2
    assert body["problems"][0]["column"] == "denominator"
    assert ImportLog.objects.get().uploaded_by == needs.w.users["analyst"]
    upload.seek(0)
    outsider = api(needs.w.outsider).post(
        "/api/v1/indicator-values/import/", {"partnership": "alpha", "layout": "template", "file": upload},
        format="multipart",
    )  # fmt: skip
    assert outsider.status_code == 404
    bad = api(needs.w.users["analyst"]).post(
        "/api/v1/indicator-values/import/", {"partnership": "alpha"}, format="multipart"
    )
    assert bad.status_code == 400


def test_comparator_groups_are_scoped_and_versioned(needs):
    analyst, viewer, outsider = needs.w.users["analyst"], needs.w.users["viewer"], needs.w.outsider
    payload = {"partnership": "alpha", "name": "CIPFA", "kind": "cipfa", "area": "E10000012",
               "members": ["E10000100", "E10000101"]}  # fmt: skip
    assert api(viewer).post("/api/v1/comparator-groups/", payload, format="json").status_code == 403
    created = api(analyst).post("/api/v1/comparator-groups/", payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        api(analyst).post("/api/v1/comparator-groups/", payload, format="json").status_code == 400
    )  # same name
    assert api(viewer).get(f"/api/v1/comparator-groups/{pk}/").json()["members"] == ["E10000100", "E10000101"]
    assert api(outsider).get(f"/api/v1/comparator-groups/{pk}/").status_code == 404
    ok = api(analyst).patch(
        f"/api/v1/comparator-groups/{pk}/", {"name": "CIPFA 2", "version": 1}, format="json"
    )
    assert ok.status_code == 200
    stale = api(analyst).patch(
        f"/api/v1/comparator-groups/{pk}/", {"name": "CIPFA 3", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert ComparatorGroup.objects.get(pk=pk).name == "CIPFA 2"


def test_needs_assessments_validate_links(needs):
    analyst = needs.w.users["analyst"]
    other_outcome = f.outcome(f.framework(needs.w.other))
    payload = {"partnership": "alpha", "topic": "Asthma", "date": "2013-09-30", "indicators": [needs.asthma.pk],
               "outcomes": [other_outcome.pk]}  # fmt: skip
    refused = api(analyst).post("/api/v1/needs-assessments/", payload, format="json")
    assert refused.status_code == 400 and "outcomes" in refused.json()
    payload["outcomes"] = [needs.w.outcome.pk]
    payload["intentions"] = [needs.w.intention.pk]
    assert api(analyst).post("/api/v1/needs-assessments/", payload, format="json").status_code == 201
    assert NeedsAssessment.objects.get().intentions.get() == needs.w.intention
    assert api(needs.w.users["provider"]).get("/api/v1/needs-assessments/").json()["count"] == 1
    assert api(needs.w.outsider).get("/api/v1/needs-assessments/").json()["count"] == 0


def test_area_profile_json(needs):
    client = api(needs.w.users["viewer"])
    body = client.get("/api/v1/needs-profile/", {"partnership": "alpha", "level": "99.8"}).json()
    assert body["area"] == {"code": "E10000012", "name": "Shire"} and body["level"] == "99.8"
    assert body["comparator_group"] == "Shire neighbours"
    rows = {r["code"]: r for r in body["indicators"]}
    assert rows["asthma"]["comparisons"][0] == {
        "key": "england", "comparator": "England", "value": pytest.approx(200.0), "result": "worse",
    }  # fmt: skip
    assert rows["asthma"]["recent_trend"] == "increasing and getting worse"
    assert api(needs.w.outsider).get("/api/v1/needs-profile/", {"partnership": "alpha"}).status_code == 404
    assert (
        client.get("/api/v1/needs-profile/", {"partnership": "alpha", "area": "E92000001"}).status_code == 404
    )
    assert client.get("/api/v1/needs-profile/").status_code == 404


def test_openapi_lists_the_needs_paths(needs):
    document = json.loads(api(needs.w.users["viewer"]).get("/api/v1/openapi.json").content)
    for path in ["/api/v1/indicators/", "/api/v1/indicator-values/", "/api/v1/indicator-values/import/",
                 "/api/v1/comparator-groups/", "/api/v1/needs-assessments/", "/api/v1/needs-profile/"]:  # fmt: skip
        assert path in document["paths"], path


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"period": "2014/15"},
        {"sex": "Persons", "limit": "10"},
        {"indicator": ""},
        {"area__gss_code": " "},
    ],
)
def test_the_values_list_needs_an_indicator_or_an_area(needs, query):
    """RESOLUTIONS 13: at national scale the unfiltered list holds tens of millions of rows."""
    for user in (needs.w.users["analyst"], f.user(email="nobody@example.org")):
        response = api(user).get("/api/v1/indicator-values/", query)
        assert response.status_code == 400, query
        assert "indicator" in response.json()["filter"][0]


@pytest.mark.parametrize(
    "query",
    [{"indicator": "ID"}, {"indicator__code": "bf"}, {"indicator__fingertips_id": "92517"},
     {"area__gss_code": "E10000012"}, {"area__gss_code__in": "E10000012,E92000001"}],
)  # fmt: skip
def test_any_one_narrowing_filter_is_enough(needs, query):
    query = {k: str(needs.bf.pk) if v == "ID" else v for k, v in query.items()}
    body = api(needs.w.users["viewer"]).get("/api/v1/indicator-values/", query).json()
    assert body["count"] > 0 and len(body["results"]) == min(body["count"], 100)


def test_a_values_page_holds_at_most_500_and_queries_stay_flat(needs, django_assert_max_num_queries):
    from tests.needs.conftest import make_value

    client = api(needs.w.users["viewer"])
    query = {"area__gss_code": "E10000012", "limit": "100000"}
    with django_assert_max_num_queries(12) as small:
        client.get("/api/v1/indicator-values/", query)
    IndicatorValue.objects.bulk_create(
        make_value(needs.asthma, needs.county, f"{1400 + i}", 3, 10, sex="Persons") for i in range(600)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/api/v1/indicator-values/", query).json()
    assert body["count"] > 600 and len(body["results"]) == 500 and body["next"]


def test_the_schema_says_the_values_list_needs_a_filter_and_states_the_page_cap(needs):
    schema = api(needs.w.users["viewer"]).get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/indicator-values/"]["get"]
    assert "400" in op["responses"] and "area__gss_code" in op["description"]
    limit = next(p for p in op["parameters"] if p["name"] == "limit")
    assert "at most 500" in limit["description"]
