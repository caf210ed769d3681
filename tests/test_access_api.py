"""Who gets what from every /api/v1/ endpoint of the partnerships, outcomes and intentions apps.

Every actor calls with an API token (``Authorization: Token ...``) or with nothing.
Each call runs in a savepoint that is rolled back, so one actor's write does not
change what the next one sees. The expected statuses are written out from the rules:

* anonymous: 401 (the API asks for a token);
* reading a record needs the read access in its partnership; anyone else gets 404;
* changing it needs the write access: members who can read it get 403, the rest 404;
* creating in a partnership you cannot see is refused as invalid input (400), the same
  answer as for a partnership that does not exist, so nothing leaks.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from jointly.accounts.models import ApiToken, hash_token_secret
from jointly.api_urls import router
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Theme
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.partnerships.models import (
    Action,
    Agreement,
    Board,
    BoardMember,
    Decision,
    Meeting,
    ReportingLine,
)
from tests import factories
from tests.factories import api_token

ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
ACTORS = [*ROLES, "outsider", "anonymous", "admin"]

READ = set(ROLES)
PLANNING = set(ROLES) - {"provider"}
EDIT_INTENTIONS = {"commissioner", "partnership_admin"}
EDIT_GOVERNANCE = {"partnership_admin"}
EDIT_OUTCOMES = {"partnership_admin"}


def user_for(w: factories.World, actor: str) -> Any:
    return {"anonymous": None, "outsider": w.outsider, "admin": w.admin}.get(actor) or w.users.get(actor)


@dataclass
class Extra:
    meeting: Meeting
    decision: Decision
    board_member: BoardMember
    fw2: Framework
    outcome2: Outcome
    link: OutcomeLink
    beta: dict[str, Any]
    line: ReportingLine | None = None
    trust: Board | None = None


@pytest.fixture
def extra(world: factories.World) -> Extra:
    """A second framework and a link in alpha, and one record of every kind in beta."""
    fw2 = factories.framework(world.p, slug="plan", name="Partnership plan")
    outcome2 = factories.outcome(fw2, code="A", title="Children are safe")
    third = factories.outcome(fw2, code="B", title="Families are strong")
    link = factories.link(outcome2, third)
    o = world.other
    b_board = factories.board(o, slug="beta-board")
    b_fw = factories.framework(o, slug="beta-hwb")
    b_out = factories.outcome(b_fw, code="9")
    b_out2 = factories.outcome(b_fw, code="10")
    b_int = factories.intention(o, world.other_council, reference="BETA-01")
    b_meeting = factories.meeting(b_board)
    meeting = factories.meeting(world.board)
    beta = {
        "boards": b_board,
        "meetings": b_meeting,
        "decisions": Decision.objects.create(meeting=b_meeting, text="Beta decision"),
        "board-members": BoardMember.objects.create(board=b_board, name="Beta chair"),
        "actions": factories.action(b_board),
        "agreements": factories.agreement(o, world.other_council, slug="beta-s75"),
        "frameworks": b_fw,
        "outcomes": b_out,
        "outcome-links": factories.link(b_out, b_out2),
        "themes": factories.theme(o, name="Beta theme"),
        "intentions": b_int,
        "milestones": factories.milestone(b_int),
        "progress": factories.progress(b_int),
        "partnerships": o,
        "reporting-lines": ReportingLine.objects.create(
            board=b_board, to_board=factories.board(o, slug="beta-trust"), cadence="annual"
        ),
    }
    committee = factories.board(world.p, slug="committee", name="Committee")
    return Extra(
        meeting,
        Decision.objects.create(meeting=meeting, text="Agreed the plan"),
        BoardMember.objects.create(board=world.board, name="Chair of the board", organisation=world.council),
        fw2,
        outcome2,
        link,
        beta,
        line=ReportingLine.objects.create(board=world.board, to_board=committee, cadence="annual"),
        trust=factories.board(world.p, slug="trust", name="Children's Trust"),
    )


@pytest.fixture
def tokens(world: factories.World) -> dict[str, str]:
    result = {}
    for actor in ACTORS:
        user = user_for(world, actor)
        if user is not None:
            result[actor] = api_token(user)
    return result


@dataclass
class Endpoint:
    prefix: str
    model: type | None
    read: set[str]
    write: set[str] | None  # None: read-only
    alpha: Callable[[factories.World, Extra], Any]  # an alpha record
    create: Callable[[factories.World, Extra], dict[str, Any]] | None
    update: Callable[[factories.World, Extra], dict[str, Any]] | None
    delete: bool = True
    delete_ok: int = 204  # 409: the alpha record has dependents, so deleting it is refused
    lookup: str = "pk"
    partnership_of: Callable[[Any], Any] = lambda obj: obj.partnership

    def key(self, obj: Any) -> Any:
        return getattr(obj, self.lookup)


def versioned(obj: Any, **kw: Any) -> dict[str, Any]:
    return {**kw, "version": obj.version}


ENDPOINTS = [
    Endpoint(
        "partnerships", None, READ, EDIT_GOVERNANCE, lambda w, e: w.p,
        create=None, update=lambda w, e: versioned(w.p, description="Updated"),
        delete=False, lookup="slug", partnership_of=lambda obj: obj,
    ),
    Endpoint(
        "boards", Board, PLANNING, EDIT_GOVERNANCE, lambda w, e: w.board,
        create=lambda w, e: {"partnership": "alpha", "slug": "new-board", "name": "New board"},
        update=lambda w, e: versioned(w.board, chair="Cllr Smith"),
    ),
    Endpoint(
        "meetings", Meeting, PLANNING, EDIT_GOVERNANCE, lambda w, e: e.meeting,
        create=lambda w, e: {"board": w.board.pk, "date": "2014-01-15", "title": "January"},
        update=lambda w, e: {"notes": "Minutes approved."},
        partnership_of=lambda obj: obj.board.partnership,
    ),
    Endpoint(
        "board-members", BoardMember, PLANNING, EDIT_GOVERNANCE, lambda w, e: e.board_member,
        create=lambda w, e: {"board": w.board.pk, "name": "Head of Finance", "organisation": "alpha-ccg"},
        update=lambda w, e: {"role": "vice-chair"},
        partnership_of=lambda obj: obj.board.partnership,
    ),
    Endpoint(
        "decisions", Decision, PLANNING, EDIT_GOVERNANCE, lambda w, e: e.decision,
        create=lambda w, e: {"meeting": e.meeting.pk, "text": "Approved the budget"},
        update=lambda w, e: {"text": "Approved the budget, with changes"},
        partnership_of=lambda obj: obj.meeting.board.partnership,
    ),
    Endpoint(
        "actions", Action, PLANNING, EDIT_GOVERNANCE, lambda w, e: w.action,
        create=lambda w, e: {"board": w.board.pk, "description": "Draft", "owner": "Chair", "due_date": "2014-02-01"},
        update=lambda w, e: versioned(w.action, status="done"),
        partnership_of=lambda obj: obj.board.partnership,
    ),
    Endpoint(
        "agreements", Agreement, PLANNING, EDIT_GOVERNANCE, lambda w, e: w.agreement,
        create=lambda w, e: {
            "partnership": "alpha", "slug": "mou", "kind": "mou", "title": "MOU",
            "host": "alpha-council", "parties": ["alpha-council", "alpha-ccg"],
        },
        update=lambda w, e: versioned(w.agreement, fund_type="pooled", flexibilities=["pooled_fund"]),
    ),
    Endpoint(
        "reporting-lines", ReportingLine, PLANNING, EDIT_GOVERNANCE, lambda w, e: e.line,
        create=lambda w, e: {"board": w.board.pk, "to_board": e.trust.pk, "cadence": "regular"},
        update=lambda w, e: versioned(e.line, cadence="as_requested"),
        partnership_of=lambda obj: obj.board.partnership,
    ),
    Endpoint(
        "frameworks", Framework, READ, EDIT_OUTCOMES, lambda w, e: w.framework,
        create=lambda w, e: {"partnership": "alpha", "slug": "corp", "name": "Corporate", "kind": "corporate_outcomes"},
        update=lambda w, e: versioned(w.framework, description="Our strategy"),
    ),
    Endpoint(
        "outcomes", Outcome, READ, EDIT_OUTCOMES, lambda w, e: w.outcome,
        create=lambda w, e: {"framework": w.framework.pk, "code": "2", "title": "Healthy"},
        update=lambda w, e: versioned(w.outcome, title="The best start"),
        partnership_of=lambda obj: obj.framework.partnership,
    ),
    Endpoint(
        "outcome-links", OutcomeLink, READ, EDIT_OUTCOMES, lambda w, e: e.link,
        create=lambda w, e: {"source": w.outcome.pk, "target": e.outcome2.pk},
        update=None,
        partnership_of=lambda obj: obj.source.framework.partnership,
    ),
    Endpoint(
        "themes", Theme, PLANNING, EDIT_INTENTIONS, lambda w, e: w.theme,
        create=lambda w, e: {"partnership": "alpha", "name": "SEND"},
        update=lambda w, e: {"name": "Early help and prevention"},
    ),
    Endpoint(
        "intentions", Intention, PLANNING, EDIT_INTENTIONS, lambda w, e: w.intention,
        create=lambda w, e: {
            "partnership": "alpha", "reference": "ALP-02", "title": "Short breaks",
            "lead_commissioner": "alpha-council", "partner_commissioners": ["alpha-ccg"],
            "outcomes": [w.outcome.pk], "themes": [w.theme.pk],
        },
        update=lambda w, e: versioned(w.intention, stage="do"),
        delete_ok=409,  # it has a milestone and a progress update
    ),
    Endpoint(
        "milestones", Milestone, PLANNING, EDIT_INTENTIONS, lambda w, e: w.milestone,
        create=lambda w, e: {"intention": w.intention.pk, "title": "Live", "due_date": "2014-06-01"},
        update=lambda w, e: versioned(w.milestone, completed_on="2013-07-30"),
        partnership_of=lambda obj: obj.intention.partnership,
    ),
    Endpoint(
        "progress", ProgressUpdate, PLANNING, EDIT_INTENTIONS, lambda w, e: w.progress,
        create=lambda w, e: {"intention": w.intention.pk, "period": "2013/14 Q4", "rag": "amber", "narrative": "Slipping", "author": "SRO"},
        update=lambda w, e: versioned(w.progress, rag="red"),
        partnership_of=lambda obj: obj.intention.partnership,
    ),
]  # fmt: skip
BY_PREFIX = {e.prefix: e for e in ENDPOINTS}


def sees(actor: str, allowed: set[str]) -> set[str]:
    """The partnership slugs whose records ``actor`` may read on an endpoint needing ``allowed``."""
    if actor == "admin":
        return {"alpha", "beta"}
    if actor == "outsider":
        return {"beta"}  # partnership admin of beta
    if actor in allowed:
        return {"alpha"}
    return set()


def expected_on_alpha_record(ep: Endpoint, write: bool, ok: int) -> dict[str, int]:
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = 401
        elif "alpha" not in sees(actor, ep.read):
            result[actor] = 404
        elif write and actor != "admin" and actor not in (ep.write or set()):
            result[actor] = 403
        else:
            result[actor] = ok
    return result


def call_as_everyone(world, tokens, method: str, url: str, data: Any = None) -> dict[str, Any]:
    """``{actor: response}``; each call in a savepoint that is rolled back."""
    got = {}
    for actor in ACTORS:
        client = APIClient()
        if actor in tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[actor]}")
        with transaction.atomic():
            got[actor] = getattr(client, method)(url, data, format="json")
            transaction.set_rollback(True)
    return got


def statuses(got: dict[str, Any]) -> dict[str, int]:
    return {actor: r.status_code for actor, r in got.items()}


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.prefix)
def test_api_list_contains_only_visible_partnerships_records(world, extra, tokens, ep):
    got = call_as_everyone(world, tokens, "get", f"/api/v1/{ep.prefix}/")
    assert statuses(got) == {**{a: 200 for a in ACTORS}, "anonymous": 401}
    model = ep.model
    for actor, response in got.items():
        if actor == "anonymous":
            continue
        rows = response.json()["results"]
        keys = {row[ep.lookup if ep.lookup != "pk" else "id"] for row in rows}
        visible = sees(actor, ep.read)
        if model is None:  # partnerships
            assert keys == visible, actor
            continue
        want = {ep.key(obj) for obj in model.objects.all() if ep.partnership_of(obj).slug in visible}
        assert keys == want, actor
        if "beta" in visible:
            assert ep.key(extra.beta[ep.prefix]) in keys
        if "alpha" in visible:
            assert ep.key(ep.alpha(world, extra)) in keys


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.prefix)
def test_api_retrieve_gives_expected_status_for_every_actor(world, extra, tokens, ep):
    obj = ep.alpha(world, extra)
    got = call_as_everyone(world, tokens, "get", f"/api/v1/{ep.prefix}/{ep.key(obj)}/")
    assert statuses(got) == expected_on_alpha_record(ep, write=False, ok=200)
    assert got["admin"].json()[ep.lookup if ep.lookup != "pk" else "id"] == ep.key(obj)


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.prefix)
def test_api_retrieve_of_other_partnership_record_is_not_found_for_alpha_members(world, extra, tokens, ep):
    obj = extra.beta[ep.prefix]
    got = call_as_everyone(world, tokens, "get", f"/api/v1/{ep.prefix}/{ep.key(obj)}/")
    want = {a: 404 for a in ROLES}
    want.update(anonymous=401, admin=200, outsider=200 if "beta" in sees("outsider", ep.read) else 404)
    assert statuses(got) == want


@pytest.mark.parametrize("ep", [e for e in ENDPOINTS if e.create], ids=lambda e: e.prefix)
def test_api_create_gives_expected_status_for_every_actor(world, extra, tokens, ep):
    model = ep.model
    before = model.objects.count()
    body = ep.create(world, extra)
    got = call_as_everyone(world, tokens, "post", f"/api/v1/{ep.prefix}/", body)
    # The record the body names as its home (the partnership, or the board, intention, framework...)
    # must be readable by the caller; one they cannot read is as unknown as one that does not exist.
    parent_read = READ if "partnership" in body else ep.read
    want = {}
    for actor in ACTORS:
        if actor == "anonymous":
            want[actor] = 401
        elif actor == "admin" or actor in ep.write:
            want[actor] = 201
        elif "alpha" in sees(actor, parent_read):
            want[actor] = 403  # a member: sees the home record, may not change it
        else:
            want[actor] = 400  # alpha's records are unknown to them: same as a bad reference
    assert statuses(got) == want, {a: r.content[:200] for a, r in got.items()}
    assert model.objects.count() == before  # everything was rolled back
    created = got["admin"].json()
    assert "id" in created


@pytest.mark.parametrize("ep", [e for e in ENDPOINTS if e.update], ids=lambda e: e.prefix)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_api_update_gives_expected_status_for_every_actor(world, extra, tokens, ep, method):
    obj = ep.alpha(world, extra)
    url = f"/api/v1/{ep.prefix}/{ep.key(obj)}/"
    data = ep.update(world, extra)
    if method == "put":
        admin = APIClient()
        admin.credentials(HTTP_AUTHORIZATION=f"Token {tokens['admin']}")
        current = admin.get(url).json()
        data = {k: v for k, v in {**current, **data}.items() if v is not None}
    got = call_as_everyone(world, tokens, method, url, data)
    assert statuses(got) == expected_on_alpha_record(ep, write=True, ok=200), {
        a: r.content[:200] for a, r in got.items()
    }


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.prefix)
def test_api_delete_gives_expected_status_for_every_actor(world, extra, tokens, ep):
    obj = ep.alpha(world, extra)
    got = call_as_everyone(world, tokens, "delete", f"/api/v1/{ep.prefix}/{ep.key(obj)}/")
    if ep.delete:
        want = expected_on_alpha_record(ep, write=True, ok=ep.delete_ok)
    else:
        want = {**{a: 405 for a in ACTORS}, "anonymous": 401}
    assert statuses(got) == want
    assert type(obj).objects.filter(pk=obj.pk).exists()  # rolled back


def test_api_routes_without_create_or_update_refuse_them(world, extra, tokens):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['admin']}")
    assert (
        client.post("/api/v1/partnerships/", {"slug": "gamma", "name": "Gamma"}, format="json").status_code
        == 405
    )
    url = f"/api/v1/outcome-links/{extra.link.pk}/"
    assert client.patch(url, {"target": world.outcome.pk}, format="json").status_code == 405
    for prefix in ("areas", "organisations"):
        assert client.post(f"/api/v1/{prefix}/", {}, format="json").status_code == 405


@pytest.mark.parametrize("prefix,key", [("areas", "gss_code"), ("organisations", "slug")])
def test_api_reference_data_needs_a_token_and_nothing_else(world, tokens, prefix, key):
    factories.area(gss_code="E06000015", name="Derby")
    got = call_as_everyone(world, tokens, "get", f"/api/v1/{prefix}/")
    assert statuses(got) == {**{a: 200 for a in ACTORS}, "anonymous": 401}
    assert got["provider"].json()["count"] == got["admin"].json()["count"] > 0
    first = got["viewer"].json()["results"][0][key]
    detail = call_as_everyone(world, tokens, "get", f"/api/v1/{prefix}/{first}/")
    assert statuses(detail) == {**{a: 200 for a in ACTORS}, "anonymous": 401}


def test_api_rejects_a_wrong_token(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/intentions/").status_code == 401


def test_api_every_route_of_these_apps_is_in_the_table():
    ours = {
        prefix
        for prefix, viewset, _ in router.registry
        if viewset.__module__.split(".")[1] in {"partnerships", "outcomes", "intentions"}
    }
    assert ours == set(BY_PREFIX) | {"areas", "organisations"}


def test_api_openapi_document_lists_the_paths(world, tokens):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['viewer']}")
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0].endswith("json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for prefix in [*BY_PREFIX, "areas", "organisations"]:
        assert f"/api/v1/{prefix}/" in paths, prefix
    assert "/api/v1/intentions/{id}/" in paths
    assert "/api/v1/partnerships/{slug}/" in paths
    assert "patch" in paths["/api/v1/intentions/{id}/"]


def test_token_create_command_prints_a_token_that_authenticates(world):
    out = io.StringIO()
    call_command("token", "create", user="Commissioner@Alpha.test", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    # Only a hash of the key is stored.
    stored = ApiToken.objects.get(user=world.users["commissioner"])
    assert stored.key_hash == hash_token_secret(key) and key not in {stored.key_hash, stored.prefix}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/intentions/")
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == ["ALP-01"]
    # Asking again gives a second token (a key cannot be shown twice); revoking stops both working.
    again = io.StringIO()
    call_command("token", "create", user=world.users["commissioner"].email, stdout=again)
    second = again.getvalue().strip().splitlines()[-1]
    assert second != key
    call_command("token", "revoke", user=world.users["commissioner"].email, stdout=io.StringIO())
    assert client.get("/api/v1/intentions/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/v1/intentions/").status_code == 401


def test_token_create_command_refuses_an_unknown_user(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("token", "create", user="nobody@example.org", stdout=io.StringIO())
