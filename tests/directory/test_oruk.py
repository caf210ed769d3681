"""The Open Referral UK v3 API: answers validate against the UK profile's schemas (from
../shared/standards, offline), pagination, filters, ids, bad input, nothing unpublished."""

from __future__ import annotations

import json
import uuid
from functools import cache

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from jointly.directory import oruk
from tests.paths import SHARED

ORUK = SHARED / "standards" / "openreferral_uk"
BUNDLE = ORUK / "validator_bundle" / "V3.0-UK"
COMPILED = ORUK / "uk_profile_3.0" / "schema" / "compiled"
BASE = "/local-offer/alpha-offer/oruk/"


@cache
def schema(path: str) -> dict:
    return json.loads((ORUK / path).read_text(encoding="utf-8"))


def errors(instance: dict, path: str) -> list[str]:
    validator = Draft202012Validator(schema(path), format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def get(client, url: str, status: int = 200) -> dict:
    r = client.get(BASE + url)
    assert r.status_code == status, (url, r.content[:300])
    assert r["Content-Type"] == "application/json"
    assert r["Access-Control-Allow-Origin"] == "*"
    return r.json()


def test_root_names_version_profile_and_openapi(client, lo):
    body = get(client, "")
    assert body["version"] == "HSDS-UK-3.0"
    assert errors(body, "validator_bundle/V3.0-UK/api_details.json") == []
    doc = client.get(body["openapi_url"].replace("http://testserver", "")).json()
    assert doc["info"]["version"] == "HSDS-UK-3.0" and "/services" in doc["paths"]


@pytest.mark.parametrize(
    "url, schema_path",
    [
        ("services", "validator_bundle/V3.0-UK/service_list.json"),
        ("services?per_page=1&page=2", "validator_bundle/V3.0-UK/service_list.json"),
        ("service_at_locations", "validator_bundle/V3.0-UK/service_at_location_list.json"),
        ("taxonomies", "validator_bundle/V3.0-UK/taxonomy_list.json"),
        ("taxonomy_terms", "validator_bundle/V3.0-UK/taxonomy_term_list.json"),
    ],
)
def test_lists_validate_against_the_uk_page_schemas(client, lo, url, schema_path):
    body = get(client, url)
    assert errors(body, schema_path) == []
    for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"):
        assert key in body


def test_every_service_validates_in_full(client, lo):
    items = get(client, "services?per_page=100")["contents"]
    assert {i["name"] for i in items} == {"Children's centres", "Short breaks", "Refuge and support"}
    for item in items:
        assert errors(item, "uk_profile_3.0/schema/compiled/service_list.json") == []
        full = get(client, f"services/{item['id']}")
        assert errors(full, "uk_profile_3.0/schema/compiled/service.json") == [], full
        assert "assurer_email" not in json.dumps(full)
        uuid.UUID(full["id"])


def test_full_service_is_nested_and_a_confidential_one_has_no_location(client, lo):
    centres = get(client, f"services/{lo.centres.uuid}")
    loc = centres["service_at_locations"][0]["location"]
    assert loc["addresses"][0]["postal_code"] == "CO1 1AA"
    assert centres["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert {a["taxonomy_term"]["term"] for a in centres["attributes"]} == {"universal", "communication"}
    refuge = get(client, f"services/{lo.refuge.uuid}")
    assert refuge["service_at_locations"] == [] and refuge["alert"] == "Call the helpline."


def test_service_at_location_detail_and_taxonomy_details_validate(client, lo):
    sal = get(client, "service_at_locations")["contents"][0]
    full = get(client, f"service_at_locations/{sal['id']}")
    assert errors(full, "uk_profile_3.0/schema/compiled/service_at_location.json") == []
    tax = get(client, "taxonomies")["contents"][0]
    assert errors(get(client, f"taxonomies/{tax['id']}"), "validator_bundle/V3.0-UK/taxonomy.json") == []
    term = get(client, "taxonomy_terms")["contents"][0]
    assert (
        errors(get(client, f"taxonomy_terms/{term['id']}"), "validator_bundle/V3.0-UK/taxonomy_term.json")
        == []
    )


def test_pagination(client, lo):
    first = get(client, "services?per_page=2")
    assert (first["total_items"], first["total_pages"], first["first_page"], first["last_page"]) == (
        3,
        2,
        True,
        False,
    )
    last = get(client, "services?per_page=2&page=2")
    assert len(last["contents"]) == 1 and last["last_page"]
    beyond = get(client, "services?per_page=2&page=9")
    assert beyond["contents"] == [] and beyond["empty"] and beyond["total_items"] == 3


@pytest.mark.parametrize(
    "query, expected",
    [
        ("search=short", {"Short breaks"}),
        ("text=short", {"Short breaks"}),
        ("minimum_age=6", {"Short breaks", "Refuge and support"}),
        ("maximum_age=4", {"Children's centres", "Refuge and support"}),
        ("day=SA", {"Short breaks"}),
        ("day=MO&start_time=09:30&end_time=16:00", {"Children's centres"}),
        (f"taxonomy_term_id={oruk.Term('send-need', 'sensory', '').id}", {"Short breaks"}),
        ("taxonomy_term_id=e439b27b-4919-4573-9db0-3bdff0e31a16", set()),  # an id no term has
        (f"taxonomy_id={oruk.stable_id('taxonomy', 'send-need')}", {"Short breaks", "Children's centres"}),
    ],
)
def test_service_filters(client, lo, query, expected):
    assert {i["name"] for i in get(client, "services?" + query)["contents"]} == expected


def test_service_at_locations_by_postcode_and_proximity(client, lo):
    assert get(client, "service_at_locations?postcode=CO1 1AA")["total_items"] == 1
    assert get(client, "service_at_locations?postcode=CO1&proximity=1000")["total_items"] == 1
    # the refuge's own postcode finds nothing, and nothing ever shows its address
    body = get(client, "service_at_locations?postcode=CO4 9ZZ&proximity=100000")
    assert body["total_items"] == 0


@pytest.mark.parametrize(
    "query",
    ["services?page=0", "services?page=x", "services?per_page=101", "services?per_page=-1",
     "services?minimum_age=old", "services?day=XX", "services?start_time=25:00", "services?search=" + "x" * 300,
     "service_at_locations?postcode=nonsense", "service_at_locations?proximity=10"],
)  # fmt: skip
def test_bad_queries_answer_400_with_a_reason(client, lo, query):
    assert "detail" in get(client, query, 400)


@pytest.mark.parametrize(
    "url",
    ["services/not-a-uuid", "services/00000000-0000-0000-0000-000000000000", "service_at_locations/x",
     "taxonomies/x", "taxonomy_terms/x"],
)  # fmt: skip
def test_unknown_ids_answer_404(client, lo, url):
    get(client, url, 404)


def test_unpublished_and_other_areas_services_are_404_by_id(client, lo):
    get(client, f"services/{lo.hidden.uuid}", 404)
    get(client, f"services/{lo.elsewhere.uuid}", 404)
    r = client.get("/local-offer/none/oruk/services")
    assert r.status_code == 404


def test_the_api_is_read_only(client, lo):
    r = client.post(BASE + "services", {})
    assert r.status_code == 405 and r["Allow"] == "GET, HEAD"


def test_validator_fixtures_meet_the_same_schemas_as_our_answers():
    """Our validation recipe agrees with the ORUK validator's own pass/fail fixtures."""
    fixtures = ORUK / "validator_fixtures"
    good = json.loads((fixtures / "V3.0-UK-Default" / "service_full.json").read_text())
    bad = json.loads((fixtures / "V3.0-UK-Fail" / "service_full.json").read_text())
    assert errors(good, "uk_profile_3.0/schema/compiled/service.json") == []
    assert errors(bad, "uk_profile_3.0/schema/compiled/service.json") != []
    root_bad = json.loads((fixtures / "V3.0-UK-Fail" / "api_details.json").read_text())
    assert errors(root_bad, "validator_bundle/V3.0-UK/api_details.json") != []
