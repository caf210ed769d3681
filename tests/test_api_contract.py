"""The API keeps its contract: JSON only, capped pages, JSON errors, plain text, a truthful document.

Issue 15 item 4. Schemathesis checks the whole document against a served demo
(``make schemathesis``); these tests pin each finding with exact status codes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework.viewsets import GenericViewSet

from jointly.api_urls import router
from jointly.core.api import exception_handler
from jointly.core.drf import Pagination
from jointly.core.models import StaleEdit
from jointly.intentions.forms import IntentionForm
from tests import factories

HUGE = "9223372036854775808"
# Every paginated list of the router (service-map and needs-profile are single answers).
#: Lists that must be narrowed (RESOLUTIONS 13: tens of millions of values at national scale).
NARROWED = {"indicator-values": "area__gss_code=E10000012&"}
LIST_URLS = [
    f"/api/v1/{prefix}/?{NARROWED.get(prefix, '')}"
    for prefix, viewset, _ in router.registry
    if issubclass(viewset, GenericViewSet)
]


@pytest.fixture
def api(world: factories.World) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.users["commissioner"])
    return client


# --- JSON only -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_browser_gets_json_not_the_browsable_api(api: APIClient) -> None:
    response = api.get("/api/v1/intentions/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert b"<form" not in response.content


@pytest.mark.django_db
def test_asking_for_html_only_is_refused_in_json(api: APIClient) -> None:
    response = api.get("/api/v1/intentions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"


# --- Page size -----------------------------------------------------------------------------


def _limit(query: str) -> int | None:
    request = Request(RequestFactory().get(f"/api/v1/areas/?{query}"))
    return Pagination().get_limit(request)


def test_page_size_is_capped() -> None:
    assert _limit(f"limit={HUGE}") == 500
    assert _limit("limit=501") == 500
    assert _limit("limit=20") == 20


@pytest.mark.parametrize("query", ["limit=-1", "limit=0", "limit=abc", "limit=", "limit=1e3"])
def test_a_bad_limit_gives_the_default_page(query: str) -> None:
    assert _limit(query) == 100


@pytest.mark.django_db
def test_every_list_answers_json_to_extreme_paging(api: APIClient) -> None:
    assert len(LIST_URLS) > 25
    for url in LIST_URLS:
        for query in (f"limit={HUGE}", f"offset={HUGE}", "limit=-5&offset=-5", "limit=x&offset=y"):
            response = api.get(f"{url}{query}")
            assert response.status_code == 200, (url, query, response.content[:300])
            assert response["Content-Type"] == "application/json"
            body = response.json()
            assert "count" in body and len(body["results"]) <= 500, (url, query)


# --- Errors are JSON -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc", [DataError("value out of range"), OverflowError("too big"), ValueError("bad")]
)
def test_bad_values_the_database_rejects_are_a_json_400(exc: Exception) -> None:
    response = exception_handler(exc, {"view": None})
    assert response.status_code == 400
    assert response.data == {"detail": "A parameter or field is out of range or malformed."}


def test_a_stale_edit_is_a_409() -> None:
    response = exception_handler(StaleEdit("Someone else changed this."), {"view": None})
    assert response.status_code == 409


@pytest.mark.django_db
def test_an_unexpected_error_is_a_json_500_without_traceback(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from jointly.intentions.api import IntentionViewSet

    def explode(self: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret value " + str(1000 + 234))

    monkeypatch.setattr(IntentionViewSet, "list", explode)
    response = api.get("/api/v1/intentions/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error."}
    assert "Traceback" not in response.content.decode()
    # The log names the error and where, never the message (which may hold submitted values).
    assert "RuntimeError" in caplog.text and "IntentionViewSet" in caplog.text
    assert "secret value 1234" not in caplog.text


@pytest.mark.django_db
def test_a_filter_value_out_of_range_is_not_a_500(api: APIClient) -> None:
    for url in ("/api/v1/milestones/?intention=", "/api/v1/variations/?contract=", "/api/v1/kpis/?contract="):
        response = api.get(url + HUGE)
        assert response.status_code == 400, (url, response.status_code)
        assert response["Content-Type"] == "application/json"
    response = api.get(f"/api/v1/intentions/{HUGE}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_an_unmatched_api_address_is_a_json_404(api: APIClient) -> None:
    for method, url in [("post", "/api/v1/variations/0.5/approve/"), ("get", "/api/v1/nothing-here/")]:
        response = getattr(api, method)(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}
    response = api.get("/api/v1/intentions?limit=5")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/intentions/?limit=5"


@pytest.mark.django_db
def test_a_session_post_without_csrf_gets_json_not_the_html_refusal(world: factories.World) -> None:
    """Schemathesis sends the session cookie the document allows: CSRF refusals stay JSON."""
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(world.users["commissioner"])
    unmatched = browser.post("/api/v1/jobs/0.5/retry/")
    assert unmatched.status_code == 404
    assert unmatched["Content-Type"] == "application/json"
    refused = browser.post("/api/v1/intentions/", _intention(), format="json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"
    assert "CSRF" in refused.json()["detail"]


# --- Plain text --------------------------------------------------------------------------------


def _intention(**kw: Any) -> dict[str, Any]:
    return {
        "partnership": "alpha", "reference": "ALP-02", "title": "Short breaks",
        "lead_commissioner": "alpha-council", "start_date": "2014-04-01", "end_date": "2015-03-31", **kw,
    }  # fmt: skip


@pytest.mark.django_db
def test_single_line_text_refuses_control_characters_and_line_breaks(api: APIClient) -> None:
    for title in ("Short\x08breaks", "Short\x1bbreaks", "Short\nbreaks", "Short\tbreaks"):
        response = api.post("/api/v1/intentions/", _intention(title=title), format="json")
        assert response.status_code == 400, title
        assert "title" in response.json(), response.json()


@pytest.mark.django_db
def test_multi_line_text_keeps_line_breaks_but_refuses_other_controls(api: APIClient) -> None:
    response = api.post("/api/v1/intentions/", _intention(aim="One.\nTwo,\tthree.\r\n"), format="json")
    assert response.status_code == 201, response.json()
    response = api.post("/api/v1/intentions/", _intention(reference="ALP-03", aim="One\x07"), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"aim"}


@pytest.mark.django_db
def test_every_json_string_is_guarded_by_the_parser(api: APIClient) -> None:
    # Fields declared by hand (and unknown keys) are checked before any serializer sees them.
    response = api.post("/api/v1/intentions/", _intention(note="ok\x08"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["note"]
    assert "control characters" in response.json()["note"][0]


@pytest.mark.django_db
def test_page_forms_refuse_control_characters(world: factories.World) -> None:
    data = {"reference": "ALP-09", "title": "Short\x08breaks", "aim": "Line one\x07\nline two",
            "lead_commissioner": world.council.pk, "stage": "plan"}  # fmt: skip
    form = IntentionForm(data=data, partnership=world.p)
    assert not form.is_valid()
    assert "control character" in form.errors["title"][0]
    assert "control character" in form.errors["aim"][0]
    form = IntentionForm(
        data={**data, "title": "Short breaks", "aim": "Line one\nline two"}, partnership=world.p
    )
    form.is_valid()
    assert "title" not in form.errors and "aim" not in form.errors


# --- The document ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def test_nullable_fields_are_documented_nullable(schema: dict[str, Any]) -> None:
    assert _component(schema, "Area")["properties"]["parent"]["nullable"] is True
    for name in ("service", "contract"):
        assert _component(schema, "Kpi")["properties"][name]["nullable"] is True


def test_current_rag_may_be_blank(schema: dict[str, Any]) -> None:
    refs = [
        r["$ref"].rsplit("/", 1)[-1]
        for r in _component(schema, "Intention")["properties"]["current_rag"]["oneOf"]
    ]
    values = {v for ref in refs for v in _component(schema, ref)["enum"]}
    assert {"", "red", "amber", "green"} <= values


def test_notices_and_board_actions_have_their_own_components(schema: dict[str, Any]) -> None:
    assert _component(schema, "Notice")["properties"]["actions"]["items"]["$ref"].endswith("/RemedialAction")
    assert "due_date" in _component(schema, "RemedialAction")["properties"]
    assert "board" in _component(schema, "Action")["properties"]


def test_needs_profile_documents_its_parameters_and_answer(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/needs-profile/"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert set(names) == {"partnership", "area", "level", "group"}
    assert names["partnership"]["required"] is True
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/NeedsProfile")
    assert "404" in operation["responses"]


def test_ocds_routes_are_not_documented_as_contracts(schema: dict[str, Any]) -> None:
    export = schema["paths"]["/api/v1/contracts/ocds/"]["get"]
    assert export["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "object"
    assert {p["name"] for p in export["parameters"]} == {"partnership", "kind"}
    imported = schema["paths"]["/api/v1/contracts/ocds-import/"]["post"]
    assert imported["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/OcdsImportResult"
    )
    assert "Contract" not in str(imported["requestBody"])


def test_approve_and_reject_document_reason_and_version(schema: dict[str, Any]) -> None:
    for verb in ("approve", "reject"):
        operation = schema["paths"][f"/api/v1/variations/{{id}}/{verb}/"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert set(_component(schema, ref)["required"]) == {"reason", "version"}
        assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])


def test_every_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method != "get":
                assert {"400", "409"} <= codes, (method, path)


def test_updates_document_version_as_required(schema: dict[str, Any]) -> None:
    for method in ("put", "patch"):
        body = schema["paths"]["/api/v1/intentions/{id}/"][method]["requestBody"]
        assert body["required"] is True
        assert {"required": ["version"]} in body["content"]["application/json"]["schema"]["allOf"]
    create = schema["paths"]["/api/v1/intentions/"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"]["$ref"].endswith("/IntentionRequest")


# --- Lists filter by partnership (issue 16 item 5) -----------------------------------------------


def test_every_list_of_partnership_records_documents_the_partnership_filter(schema: dict[str, Any]) -> None:
    missing = [
        f"/api/v1/{prefix}/"
        for prefix, viewset, _ in router.registry
        if getattr(viewset, "partnership_path", None) and issubclass(viewset, GenericViewSet)
        if "partnership"
        not in {p["name"] for p in schema["paths"][f"/api/v1/{prefix}/"]["get"].get("parameters", [])}
    ]
    assert missing == []
    assert {"/api/v1/boards/", "/api/v1/meetings/", "/api/v1/kpi-returns/"} <= {
        path
        for path, ops in schema["paths"].items()
        if any(p["name"] == "partnership" for p in ops.get("get", {}).get("parameters", []))
    }


@pytest.mark.django_db
def test_boards_and_meetings_filter_by_partnership(world: factories.World) -> None:
    beta_board = factories.board(world.other, slug="beta-board", name="Beta board")
    alpha_meeting, beta_meeting = factories.meeting(world.board), factories.meeting(beta_board)
    client = APIClient()
    client.force_authenticate(world.admin)  # a platform administrator reads every partnership
    boards = client.get("/api/v1/boards/?partnership=alpha").json()["results"]
    assert [b["id"] for b in boards] == [world.board.pk]
    meetings = client.get("/api/v1/meetings/?partnership=beta").json()["results"]
    assert [m["id"] for m in meetings] == [beta_meeting.pk]
    assert alpha_meeting.pk in [m["id"] for m in client.get("/api/v1/meetings/").json()["results"]]
    # An outsider naming a partnership it cannot see gets what an unknown slug gets: nothing.
    outsider = APIClient()
    outsider.force_authenticate(world.outsider)
    for slug in ("alpha", "no-such-partnership"):
        answer = outsider.get(f"/api/v1/meetings/?partnership={slug}")
        assert (answer.status_code, answer.json()["results"]) == (200, [])


def test_the_needs_import_documents_what_it_answers(schema: dict[str, Any]) -> None:
    """201 loaded, 202 queued, 400 problems, 404 unknown partnership, 413 too big (schemathesis)."""
    responses = schema["paths"]["/api/v1/indicator-values/import/"]["post"]["responses"]
    assert {"201", "202", "400", "404", "413"} <= set(responses)
    assert "200" not in responses
