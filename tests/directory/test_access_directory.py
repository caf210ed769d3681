"""Who gets what on every directory and engagement page and endpoint (issue 13).

Public pages and the ORUK API answer everyone alike; the signed-in pages follow the rules:
directory entries like services (every member, a provider only its own; commissioners edit,
providers propose; commissioners decide, never their own proposal), engagement like planning
(providers never see it; commissioners and admins edit). ``test_every_route_is_in_the_table``
fails when a route is added without a row here.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import get_resolver

from jointly.directory.models import ChangeProposal, DirectoryEntry, ProposalStatus
from tests import factories

ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
ACTORS = [*ROLES, "outsider", "anonymous", "admin"]
READ = set(ROLES)
PLANNING = READ - {"provider"}
EDIT = {"commissioner", "partnership_admin"}


def expected(allowed: set[str], ok: int = 200) -> dict[str, int]:
    out = {}
    for actor in ACTORS:
        if actor == "anonymous":
            out[actor] = 302
        elif actor == "outsider":
            out[actor] = 404
        elif actor == "admin" or actor in allowed:
            out[actor] = ok
        else:
            out[actor] = 403
    return out


PUBLIC = {a: 200 for a in ACTORS}


@pytest.fixture
def d(world):
    w = world
    area = factories.area(gss_code="E07000981", name="Alpha district", area_type="district")
    offer = factories.local_offer(w.p, w.council, slug="alpha", areas=[area])
    service = factories.service(w.p, name="Own service", provider=w.provider, published=True, areas=[area])
    entry = factories.directory_entry(service)
    loc = factories.location(entry)
    sched = factories.schedule(entry)
    rival_org = factories.organisation(slug="rival", name="Rival", kind="nhs_trust")
    rival = factories.directory_entry(
        factories.service(w.p, name="Rival service", provider=rival_org), rival_org
    )
    proposal = factories.change_proposal(entry, by=w.users["provider"])
    feedback = factories.feedback(offer)
    response = factories.response(offer)
    activity = factories.engagement_activity(w.p)
    page = factories.information_page(offer, slug="ehc", owner=w.council)
    return {"w": w, "offer": offer, "entry": entry, "rival": rival, "proposal": proposal, "feedback": feedback,
            "response": response, "activity": activity, "loc": loc, "sched": sched, "page": page}  # fmt: skip


def user(d, actor):
    w = d["w"]
    return {"anonymous": None, "outsider": w.outsider, "admin": w.admin}.get(actor, w.users.get(actor))


PAGES = [
    ("directory:index", lambda d: "/p/alpha/directory/", expected(READ)),
    ("directory:index", lambda d: "/p/alpha/directory/?format=csv", expected(READ)),
    ("directory:index", lambda d: "/p/alpha/directory/?format=xlsx", expected(READ)),
    ("directory:entry", lambda d: f"/p/alpha/directory/{d['entry'].pk}/", expected(READ)),
    ("directory:entry", lambda d: f"/p/alpha/directory/{d['rival'].pk}/", {**expected(READ), "provider": 404}),
    ("directory:propose", lambda d: f"/p/alpha/directory/{d['entry'].pk}/propose/", expected(READ)),
    ("directory:new", lambda d: "/p/alpha/directory/new/", expected(EDIT)),
    ("directory:location_new", lambda d: f"/p/alpha/directory/{d['entry'].pk}/locations/new/", expected(EDIT)),
    ("directory:location", lambda d: f"/p/alpha/directory/{d['entry'].pk}/locations/{d['loc'].pk}/", expected(EDIT)),
    ("directory:schedule_new", lambda d: f"/p/alpha/directory/{d['entry'].pk}/schedules/new/", expected(EDIT)),
    ("directory:schedule", lambda d: f"/p/alpha/directory/{d['entry'].pk}/schedules/{d['sched'].pk}/", expected(EDIT)),
    ("directory:proposal", lambda d: f"/p/alpha/directory/proposals/{d['proposal'].pk}/", expected(READ)),
    # Information pages: readers of the partnership's contracts and services (not providers) read; editors edit.
    ("directory:information_index", lambda d: "/p/alpha/directory/offers/alpha/information/", expected(PLANNING)),
    ("directory:information_new", lambda d: "/p/alpha/directory/offers/alpha/information/new/", expected(EDIT)),
    ("directory:information", lambda d: f"/p/alpha/directory/offers/alpha/information/{d['page'].pk}/",
     expected(PLANNING)),
    ("directory:information_publish",
     lambda d: f"/p/alpha/directory/offers/alpha/information/{d['page'].pk}/publish/", expected(EDIT)),
    ("directory:information_coverage", lambda d: "/p/alpha/directory/offers/alpha/coverage/", expected(PLANNING)),
    ("directory:information_coverage", lambda d: "/p/alpha/directory/offers/alpha/coverage/?as_at=2026-01-31",
     expected(PLANNING)),
    ("engagement:index", lambda d: "/p/alpha/engagement/", expected(PLANNING)),
    ("engagement:feedback", lambda d: f"/p/alpha/engagement/feedback/{d['feedback'].pk}/", expected(PLANNING)),
    ("engagement:response_new", lambda d: "/p/alpha/engagement/responses/new/alpha/", expected(EDIT)),
    ("engagement:response", lambda d: f"/p/alpha/engagement/responses/{d['response'].pk}/", expected(PLANNING)),
    ("engagement:activity_new", lambda d: "/p/alpha/engagement/activities/new/", expected(EDIT)),
    ("engagement:activity", lambda d: f"/p/alpha/engagement/activities/{d['activity'].pk}/", expected(PLANNING)),
    ("directory_public:offers", lambda d: "/local-offer/", PUBLIC),
    ("directory_public:search", lambda d: "/local-offer/alpha/", PUBLIC),
    ("directory_public:print", lambda d: "/local-offer/alpha/print/", PUBLIC),
    ("directory_public:service", lambda d: f"/local-offer/alpha/services/{d['entry'].uuid}/", PUBLIC),
    ("directory_public:information_index", lambda d: "/local-offer/alpha/information/", PUBLIC),
    ("directory_public:information", lambda d: "/local-offer/alpha/information/ehc/", PUBLIC),
    ("engagement_public:feedback", lambda d: "/local-offer/alpha/feedback/", PUBLIC),
    ("engagement_public:thanks", lambda d: "/local-offer/alpha/feedback/thanks/", PUBLIC),
    ("engagement_public:you_said", lambda d: "/local-offer/alpha/you-said-we-did/", PUBLIC),
    ("directory_oruk:root", lambda d: "/local-offer/alpha/oruk/", PUBLIC),
    ("directory_oruk:openapi", lambda d: "/local-offer/alpha/oruk/openapi.json", PUBLIC),
    ("directory_oruk:services", lambda d: "/local-offer/alpha/oruk/services", PUBLIC),
    ("directory_oruk:service", lambda d: f"/local-offer/alpha/oruk/services/{d['entry'].uuid}", PUBLIC),
    ("directory_oruk:service_at_locations", lambda d: "/local-offer/alpha/oruk/service_at_locations", PUBLIC),
    ("directory_oruk:service_at_location",
     lambda d: f"/local-offer/alpha/oruk/service_at_locations/{d['loc'].uuid}", PUBLIC),
    ("directory_oruk:taxonomies", lambda d: "/local-offer/alpha/oruk/taxonomies", PUBLIC),
    ("directory_oruk:taxonomy", lambda d: f"/local-offer/alpha/oruk/taxonomies/{_tax()}", PUBLIC),
    ("directory_oruk:taxonomy_terms", lambda d: "/local-offer/alpha/oruk/taxonomy_terms", PUBLIC),
    ("directory_oruk:taxonomy_term", lambda d: f"/local-offer/alpha/oruk/taxonomy_terms/{_term()}", PUBLIC),
]  # fmt: skip


def _tax() -> str:
    from jointly.directory import oruk

    return next(iter(oruk.TAXONOMY_IDS))


def _term() -> str:
    from jointly.directory import oruk

    return oruk.TERMS[0].id


@pytest.mark.parametrize("name, url, statuses", PAGES, ids=[p[0] + str(i) for i, p in enumerate(PAGES)])
def test_get_status_for_every_actor(client, d, name, url, statuses):
    found = {}
    for actor in ACTORS:
        client.logout()
        if user(d, actor) is not None:
            client.force_login(user(d, actor))
        found[actor] = client.get(url(d)).status_code
    assert found == statuses


POSTS = [
    ("/p/alpha/directory/new/", EDIT, 400),
    ("/p/alpha/directory/{entry}/locations/new/", EDIT, 400),
    ("/p/alpha/directory/{entry}/schedules/new/", EDIT, 400),
    ("/p/alpha/directory/{entry}/", EDIT, 400),
    ("/p/alpha/directory/{entry}/propose/", READ, 400),
    ("/p/alpha/directory/offers/alpha/information/new/", EDIT, 400),
    ("/p/alpha/directory/offers/alpha/information/{page}/", EDIT, 400),
    ("/p/alpha/directory/offers/alpha/information/{page}/publish/", EDIT, 400),
    ("/p/alpha/engagement/feedback/{feedback}/", EDIT, 400),
    ("/p/alpha/engagement/responses/new/alpha/", EDIT, 400),
    ("/p/alpha/engagement/responses/{response}/", EDIT, 400),
    ("/p/alpha/engagement/activities/new/", EDIT, 400),
    ("/p/alpha/engagement/activities/{activity}/", EDIT, 400),
]


@pytest.mark.parametrize("template, allowed, ok", POSTS)
def test_empty_post_status_for_every_actor(client, d, template, allowed, ok):
    url = template.format(**{k: getattr(v, "pk", None) for k, v in d.items()})
    found = {}
    for actor in ACTORS:
        client.logout()
        if user(d, actor) is not None:
            client.force_login(user(d, actor))
        with transaction.atomic():
            found[actor] = client.post(url, {}).status_code
            transaction.set_rollback(True)
    assert found == expected(allowed, ok)


def test_every_route_is_in_the_table():
    covered = {name for name, _, _ in PAGES}
    resolver = get_resolver()
    for ns in ("directory", "engagement", "directory_public", "engagement_public", "directory_oruk"):
        routed = {f"{ns}:{k}" for k in resolver.namespace_dict[ns][1].reverse_dict if isinstance(k, str)}
        assert routed <= covered, routed - covered


def test_provider_proposes_and_a_commissioner_approves_with_four_eyes(client, d):
    w, entry = d["w"], d["entry"]
    client.force_login(w.users["provider"])
    r = client.post(f"/p/alpha/directory/{entry.pk}/propose/",
                    {"how_to_access": "Text 07000 000000", "cost_free": "on", "note": "new number"})  # fmt: skip
    assert r.status_code == 302
    proposal = ChangeProposal.objects.filter(note="new number").get()
    assert proposal.changes == {"how_to_access": "Text 07000 000000"}
    assert DirectoryEntry.objects.get(pk=entry.pk).how_to_access == "Call us"  # not live yet
    # the provider cannot decide (no permission), nor can a commissioner decide their own proposal
    assert (
        client.post(f"/p/alpha/directory/proposals/{proposal.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    commissioner = w.users["commissioner"]
    own = factories.change_proposal(entry, by=commissioner)
    client.force_login(commissioner)
    r = client.post(f"/p/alpha/directory/proposals/{own.pk}/", {"decision": "approve"})
    assert r.status_code == 403 and "Four eyes" in r.content.decode()
    r = client.post(f"/p/alpha/directory/proposals/{proposal.pk}/", {"decision": "approve"})
    assert r.status_code == 302
    assert DirectoryEntry.objects.get(pk=entry.pk).how_to_access == "Text 07000 000000"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by == commissioner
    r = client.post(f"/p/alpha/directory/proposals/{proposal.pk}/", {"decision": "reject"})
    assert r.status_code == 409


def test_a_provider_cannot_edit_an_entry_directly(client, d):
    client.force_login(d["w"].users["provider"])
    assert client.post(f"/p/alpha/directory/{d['entry'].pk}/", {"how_to_access": "x"}).status_code == 403


def test_stale_entry_edit_is_refused_with_409(client, d):
    entry = d["entry"]
    stale = factories.edited_elsewhere(entry, how_to_access="changed elsewhere")
    client.force_login(d["w"].users["commissioner"])
    r = client.post(f"/p/alpha/directory/{entry.pk}/",
                    {"how_to_access": "mine", "cost_free": "on", "version": stale})  # fmt: skip
    assert r.status_code == 409
    entry.refresh_from_db()
    assert entry.how_to_access == "changed elsewhere"


def test_entry_rules_refuse_a_confidential_entry_without_contact_instructions(client, d):
    client.force_login(d["w"].users["commissioner"])
    r = client.post(f"/p/alpha/directory/{d['entry'].pk}/",
                    {"confidential": "on", "version": d["entry"].version})  # fmt: skip
    assert r.status_code == 400
    body = r.content.decode()
    assert "confidential service publishes no address" in body and "not free" in body


def test_stale_entries_are_flagged_to_their_owner(client, d):
    import datetime as dt

    DirectoryEntry.objects.filter(pk=d["entry"].pk).update(last_checked=dt.date(2000, 1, 1))
    client.force_login(d["w"].users["provider"])
    body = client.get("/p/alpha/directory/").content.decode()
    assert "Check it" in body and "1 entry needs checking" in body


def test_commissioner_creates_an_entry_and_adds_where_and_when(client, d):
    w = d["w"]
    s = factories.service(w.p, name="New one", provider=w.provider)
    client.force_login(w.users["commissioner"])
    r = client.post("/p/alpha/directory/new/", {"service": s.pk, "owner": w.provider.pk})
    assert r.status_code == 302
    entry = DirectoryEntry.objects.get(service=s)
    base = f"/p/alpha/directory/{entry.pk}"
    assert client.post(f"{base}/locations/new/", {"name": "Hall", "postcode": "co1 1aa"}).status_code == 302
    assert entry.locations.get().postcode == "CO1 1AA"
    assert client.post(f"{base}/locations/new/", {"name": "Bad", "postcode": "nope"}).status_code == 400
    ok = {"days": ["MO", "WE"], "opens_at": "09:00", "closes_at": "12:00"}
    assert client.post(f"{base}/schedules/new/", ok).status_code == 302
    assert entry.schedules.get().byday == "MO,WE"
    bad = {"days": ["MO"], "opens_at": "12:00", "closes_at": "09:00"}
    assert client.post(f"{base}/schedules/new/", bad).status_code == 400
    # a service that already has an entry cannot get a second one (refused like an unknown id)
    assert (
        client.post("/p/alpha/directory/new/", {"service": s.pk, "owner": w.provider.pk}).status_code == 400
    )
