"""A Local Offer's information pages (Schedule 2 of the SEND Regulations 2014, RESOLUTIONS 23):
bad input refused with a clear message and nothing written, who may read and edit them on the
pages and the API, drafts never public (however their address is guessed), freshness, Schedule 2
coverage as at a date, the printable version, search, the attention list and query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from jointly.core import attention
from jointly.directory import demo, rules, text
from jointly.directory.models import REQUIRED_TOPICS, InformationPage, InformationTopic
from jointly.directory.public import PUBLIC_CSP
from tests import factories as f

STAFF = "/p/alpha/directory/offers/alpha"
PUBLIC = "/local-offer/alpha"
DRAFT_TITLE = "ZZDRAFT appeals page"


@pytest.fixture
def ip(world):
    """Alpha's Local Offer (slug ``alpha``) with a published page about EHC needs assessments and a
    draft; beta's Local Offer with a published page; a commissioner of beta."""
    w = world
    area = f.area(gss_code="E07000991", name="Alpha district", area_type="district")
    w.offer = f.local_offer(w.p, w.council, slug="alpha", name="Alpha Local Offer", areas=[area])
    w.ehc = f.information_page(
        w.offer, slug="ehc-needs-assessment", title="Asking for an EHC needs assessment",
        body="The council must answer within 6 weeks.\n\n1. Write to the council\n2. Wait for its answer",
    )  # fmt: skip
    w.draft = f.information_page(
        w.offer, slug="appeals-draft", title=DRAFT_TITLE, topic="tribunal", published=False,
        body="ZZDRAFT body", summary="ZZDRAFT summary",
    )  # fmt: skip
    beta_area = f.area(gss_code="E07000992", name="Beta district", area_type="district")
    w.beta_offer = f.local_offer(w.other, w.other_council, slug="beta-offer", areas=[beta_area])
    w.beta_page = f.information_page(w.beta_offer, slug="beta-page", title="ZZBETA page")
    w.beta_commissioner = f.user(email="commissioner@beta.test")
    f.membership(w.beta_commissioner, w.other_council, "commissioner")
    return w


def form_data(**overrides):
    data = {
        "topic": "mediation", "title": "Mediation", "slug": "mediation", "summary": "Before an appeal",
        "body": "You must consider mediation.", "links_text": "IPSEA | https://www.ipsea.org.uk",
        "contact": "SEND team",
    }  # fmt: skip
    return {**data, **overrides}


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- the text, and bad input ------------------------------------------------------------------


def test_body_text_becomes_paragraphs_and_lists():
    blocks = text.blocks("First line\nsame paragraph\n\n- a\n* b\n1. one\n2) two\n\nLast")
    assert [(b.kind, b.lines) for b in blocks] == [
        ("p", ["First line", "same paragraph"]), ("ul", ["a", "b"]), ("ol", ["one", "two"]), ("p", ["Last"]),
    ]  # fmt: skip
    assert text.blocks("") == [] and text.blocks("\r\n\r\n") == []


@pytest.mark.parametrize(
    "links, fragment",
    [
        ([{"label": "x", "url": "javascript:alert(1)"}], "must start with https://"),
        ([{"label": "x", "url": "ftp://example.org"}], "must start with https://"),
        ([{"label": "x", "url": "https://"}], "must start with https://"),
        ([{"label": "", "url": "https://example.org"}], "give a label"),
        ([{"label": "x", "url": "https://exa mple.org"}], "without spaces"),
        ([{"label": "x"}], "give a label and an address"),
        ("https://example.org", "as a list"),
        ([{"label": "x", "url": "https://example.org"}] * (rules.MAX_LINKS + 1), "at most"),
    ],
)
def test_link_rules(links, fragment):
    assert fragment in rules.link_problems(links)


def test_good_links_pass():
    assert rules.link_problems([{"label": "GOV.UK", "url": "https://www.gov.uk/x?y=1"}]) == ""
    assert rules.link_problems([]) == ""


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"links_text": "Evil | javascript:alert(1)"}, "links_text", "must start with https:// or http://"),
        ({"links_text": "Files | ftp://example.org/x"}, "links_text", "must start with https:// or http://"),
        ({"links_text": "no bar here https://example.org"}, "links_text", "write the label, then a |"),
        ({"title": ""}, "title", "This field is required"),
        ({"title": "   "}, "title", "This field is required"),
        ({"slug": "ehc-needs-assessment"}, "slug", "already has the address"),
        ({"slug": "not a slug!"}, "slug", "Enter a valid"),
        ({"topic": "nonsense"}, "topic", "Select a valid choice"),
    ],
)
def test_bad_input_on_the_page_is_refused_and_nothing_is_written(client, ip, overrides, field, message):
    client.force_login(ip.users["commissioner"])
    before = list(InformationPage.objects.values_list("pk", "version"))
    r = client.post(f"{STAFF}/information/new/", form_data(**overrides))
    assert r.status_code == 400
    assert message in str(r.context["form"].errors[field]), r.context["form"].errors
    assert "There is a problem" in r.content.decode()
    assert list(InformationPage.objects.values_list("pk", "version")) == before


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"links": [{"label": "Evil", "url": "javascript:alert(1)"}]}, "links", "must start with https://"),
        ({"links": [{"label": "Evil", "url": "data:text/html,x"}]}, "links", "must start with https://"),
        ({"title": ""}, "title", "may not be blank"),
        ({"slug": "ehc-needs-assessment"}, "slug", "already has the address"),
        ({"owner": "beta-council"}, "owner", "not a member of the partnership"),
        ({"local_offer": "beta-offer"}, "local_offer", "does not exist"),
    ],
)
def test_bad_input_on_the_api_is_refused_and_nothing_is_written(ip, overrides, field, message):
    body = {
        "local_offer": "alpha", "topic": "mediation", "title": "Mediation", "slug": "mediation",
        "owner": "alpha-council", "links": [{"label": "IPSEA", "url": "https://www.ipsea.org.uk"}],
        **overrides,
    }  # fmt: skip
    count = InformationPage.objects.count()
    r = api(ip.users["commissioner"]).post("/api/v1/information-pages/", body, format="json")
    assert r.status_code == 400, r.content
    assert message in json.dumps(r.json()[field]), r.json()
    assert InformationPage.objects.count() == count


def test_the_database_refuses_an_empty_title_or_a_duplicate_address(ip):
    for values in ({"title": "", "slug": "fresh"}, {"title": "Fine", "slug": "ehc-needs-assessment"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            f.information_page(ip.offer, **values)
    assert InformationPage.objects.filter(local_offer=ip.offer).count() == 2
    # the same address in another Local Offer is fine
    assert f.information_page(ip.beta_offer, slug="ehc-needs-assessment").pk


# --- staff pages ------------------------------------------------------------------------------


def test_commissioner_creates_edits_and_publishes_a_page(client, ip):
    client.force_login(ip.users["commissioner"])
    page_form = client.get(f"{STAFF}/information/new/?topic=mediation")
    assert page_form.status_code == 200 and page_form.context["form"]["topic"].value() == "mediation"
    r = client.post(f"{STAFF}/information/new/", form_data(owner=ip.council.pk, last_checked="2026-01-05"))
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    page = InformationPage.objects.get(local_offer=ip.offer, slug="mediation")
    assert page.published is False and page.links == [{"label": "IPSEA", "url": "https://www.ipsea.org.uk"}]
    assert page.created_by == ip.users["commissioner"]
    assert client.get(f"{PUBLIC}/information/mediation/").status_code == 404  # a draft
    r = client.post(f"{STAFF}/information/{page.pk}/publish/", {"version": page.version})
    assert r.status_code == 302
    page.refresh_from_db()
    assert page.published
    client.logout()
    body = client.get(f"{PUBLIC}/information/mediation/").content.decode()
    assert "You must consider mediation." in body and 'href="https://www.ipsea.org.uk"' in body
    # withdrawing it takes it off the public site at once
    client.force_login(ip.users["partnership_admin"])
    assert (
        client.post(f"{STAFF}/information/{page.pk}/publish/", {"version": page.version}).status_code == 302
    )
    assert client.get(f"{PUBLIC}/information/mediation/").status_code == 404
    edit = client.get(f"{STAFF}/information/{page.pk}/").content.decode()
    assert "History" in edit and "Not published" in edit


def test_stale_edits_and_stale_publishing_are_refused_with_409(client, ip):
    stale = f.edited_elsewhere(ip.ehc, title="Changed elsewhere")
    client.force_login(ip.users["commissioner"])
    r = client.post(f"{STAFF}/information/{ip.ehc.pk}/", {**form_data(slug="ehc-needs-assessment"),
                                                           "owner": ip.council.pk, "version": stale})  # fmt: skip
    assert r.status_code == 409
    r = client.post(f"{STAFF}/information/{ip.ehc.pk}/publish/", {"version": stale})
    assert r.status_code == 409 and "changed by someone else" in r.content.decode()
    ip.ehc.refresh_from_db()
    assert ip.ehc.title == "Changed elsewhere" and ip.ehc.published


def test_viewer_reads_a_page_but_may_not_change_it(client, ip):
    client.force_login(ip.users["viewer"])
    body = client.get(f"{STAFF}/information/{ip.ehc.pk}/").content.decode()
    assert "Asking for an EHC needs assessment" in body and 'name="title"' not in body
    assert client.post(f"{STAFF}/information/{ip.ehc.pk}/", form_data()).status_code == 403
    assert client.post(f"{STAFF}/information/{ip.ehc.pk}/publish/", {"version": 1}).status_code == 403


def test_another_partnerships_offer_or_page_is_not_found(client, ip):
    client.force_login(ip.users["commissioner"])
    for url in [
        "/p/alpha/directory/offers/beta-offer/information/",
        "/p/alpha/directory/offers/beta-offer/coverage/",
        f"{STAFF}/information/{ip.beta_page.pk}/",
        f"{STAFF}/information/{ip.beta_page.pk}/publish/",
    ]:
        assert client.get(url).status_code == 404, url
    # beta's commissioner cannot reach alpha's offer through beta's partnership, nor alpha's pages
    client.force_login(ip.beta_commissioner)
    assert client.get("/p/beta/directory/offers/alpha/information/").status_code == 404
    assert client.get(f"/p/beta/directory/offers/beta-offer/information/{ip.ehc.pk}/").status_code == 404
    assert client.get(f"{STAFF}/information/").status_code == 404
    assert client.post(f"{STAFF}/information/{ip.ehc.pk}/publish/", {"version": 1}).status_code == 404
    assert client.get("/p/beta/directory/offers/beta-offer/information/").status_code == 200


def test_coverage_says_which_topics_are_covered_stale_or_missing_as_at_a_date(client, ip):
    f.information_page(ip.offer, topic="travel", slug="travel", last_checked=dt.date(2026, 1, 1))
    f.information_page(ip.offer, topic="other", slug="extra")
    client.force_login(ip.users["viewer"])
    r = client.get(f"{STAFF}/coverage/?as_at=2026-03-01")
    rows = {row.topic: row.status for row in r.context["rows"]}
    assert set(rows) == set(REQUIRED_TOPICS) and "other" not in rows
    assert rows["ehc_assessment"] == "covered"  # checked today... as at a date before it: not stale
    assert rows["travel"] == "covered"
    assert rows["tribunal"] == "missing"  # only a draft
    assert rows["mediation"] == "missing"
    later = client.get(f"{STAFF}/coverage/?as_at=2026-12-31").context["rows"]
    assert {row.topic: row.status for row in later}["travel"] == "stale"
    assert "Out of date" in client.get(f"{STAFF}/coverage/?as_at=2026-12-31").content.decode()
    assert client.get(f"{STAFF}/coverage/?as_at=2026-13-45").status_code == 400


def test_stale_published_pages_are_flagged_on_the_staff_list_and_the_attention_list(client, ip):
    InformationPage.objects.filter(pk=ip.ehc.pk).update(last_checked=dt.date(2025, 1, 1))
    InformationPage.objects.filter(pk=ip.draft.pk).update(last_checked=dt.date(2025, 1, 1))
    client.force_login(ip.users["commissioner"])
    body = client.get(f"{STAFF}/information/?as_at=2026-06-30").content.decode()
    assert "1 published page needs checking" in body and "Check it" in body
    on = dt.date(2026, 6, 30)
    lines = [i for i in attention.collect(ip.users["commissioner"], on) if i.kind == "information_page_stale"]
    assert [i.title for i in lines] == ["Asking for an EHC needs assessment"]  # not the draft
    assert lines[0].url == f"{STAFF}/information/{ip.ehc.pk}/"
    for role in ("viewer", "provider"):
        assert not [i for i in attention.collect(ip.users[role], on) if i.kind == "information_page_stale"]
    assert not [i for i in attention.collect(ip.beta_commissioner, on) if i.kind == "information_page_stale"]


# --- the public pages -------------------------------------------------------------------------


def test_public_home_shows_the_schedule_2_headings_with_their_pages(client, ip):
    r = client.get(f"{PUBLIC}/")
    body = r.content.decode()
    assert r.headers["Content-Security-Policy"] == PUBLIC_CSP
    assert "Information and advice" in body
    assert InformationTopic.EHC_ASSESSMENT.label in body
    assert f'href="{PUBLIC}/information/ehc-needs-assessment/"' in body
    assert "ZZDRAFT" not in body and "ZZBETA" not in body


def test_public_page_is_escaped_plain_text_with_lists(client, ip):
    InformationPage.objects.filter(pk=ip.ehc.pk).update(
        body='<script>alert("x")</script>\n\n- <b>bold</b>', contact="<img src=x onerror=alert(1)>\nline two",
        summary="<i>sum</i>",
    )  # fmt: skip
    r = client.get(f"{PUBLIC}/information/ehc-needs-assessment/")
    body = r.content.decode()
    assert r.status_code == 200 and r.headers["Content-Security-Policy"] == PUBLIC_CSP
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    assert "<b>bold</b>" not in body and '<ul class="govuk-list govuk-list--bullet"><li>&lt;b&gt;bold' in body
    assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;<br>line two" in body
    assert "<i>sum</i>" not in body


def test_public_page_numbered_list_and_freshness(client, ip):
    body = client.get(f"{PUBLIC}/information/ehc-needs-assessment/").content.decode()
    assert '<ol class="govuk-list govuk-list--number"><li>Write to the council</li>' in body
    assert "Information may be out of date" not in body
    InformationPage.objects.filter(pk=ip.ehc.pk).update(
        last_checked=timezone.localdate() - dt.timedelta(days=ip.offer.freshness_days + 1)
    )
    body = client.get(f"{PUBLIC}/information/ehc-needs-assessment/").content.decode()
    assert "Information may be out of date" in body
    assert "Information may be out of date" in client.get(f"{PUBLIC}/information/").content.decode()


def test_unpublished_pages_never_appear_in_public_however_the_address_is_guessed(client, ip):
    guesses = [
        f"{PUBLIC}/information/appeals-draft/", f"{PUBLIC}/information/APPEALS-DRAFT/",
        f"{PUBLIC}/information/appeals-draft", f"{PUBLIC}/information/{ip.draft.pk}/",
        f"{PUBLIC}/information/appeals-draft%20/", f"{PUBLIC}/information/appeals-draft/?preview=1",
        f"{PUBLIC}/information/beta-page/",  # another offer's published page, through this offer
        "/local-offer/beta-offer/information/appeals-draft/",
        f"{PUBLIC}/information/..%2fappeals-draft/", f"{PUBLIC}/information/%00/",
    ]  # fmt: skip
    for url in guesses:
        r = client.get(url, follow=True)
        assert r.status_code == 404, url
        assert "ZZDRAFT" not in r.content.decode(), url
    for url in [f"{PUBLIC}/", f"{PUBLIC}/information/", f"{PUBLIC}/print/", f"{PUBLIC}/?q=draft",
                f"{PUBLIC}/?q=appeals", "/local-offer/", f"{PUBLIC}/oruk/services"]:  # fmt: skip
        r = client.get(url)
        assert r.status_code == 200, url
        assert "ZZDRAFT" not in r.content.decode() and DRAFT_TITLE not in r.content.decode(), url
    # signed in as its editor changes nothing on the public site
    client.force_login(ip.users["commissioner"])
    assert client.get(f"{PUBLIC}/information/appeals-draft/").status_code == 404


def test_public_search_finds_published_pages_by_their_words(client, ip):
    body = client.get(f"{PUBLIC}/", {"q": "assessment"}).content.decode()
    assert "Information pages matching your words" in body
    assert f"{PUBLIC}/information/ehc-needs-assessment/" in body
    assert "Information pages matching" not in client.get(f"{PUBLIC}/", {"q": "zzzz"}).content.decode()


def test_the_printable_version_contains_the_pages_in_its_first_part(client, ip, monkeypatch):
    body = client.get(f"{PUBLIC}/print/").content.decode()
    assert "Information and advice" in body and "Asking for an EHC needs assessment" in body
    assert "The council must answer within 6 weeks." in body
    assert "GOV.UK: https://www.gov.uk" in body  # links printed in full, for paper
    assert "ZZDRAFT" not in body
    service = f.service(
        ip.p, name="One", provider=ip.provider, published=True, areas=list(ip.offer.areas.all())
    )
    f.directory_entry(service)
    f.directory_entry(f.service(ip.p, name="Two", provider=ip.provider, published=True,
                                areas=list(ip.offer.areas.all())))  # fmt: skip
    monkeypatch.setattr("jointly.directory.views_public.PRINT_PER_PART", 1)
    first = client.get(f"{PUBLIC}/print/").content.decode()
    second = client.get(f"{PUBLIC}/print/?part=2").content.decode()
    assert "The council must answer within 6 weeks." in first and "Part 1 of 2" in first
    assert "The council must answer within 6 weeks." not in second and "are in" in second


# --- the API ----------------------------------------------------------------------------------


def titles(response) -> set[str]:
    return {p["title"] for p in response.json()["results"]}


def test_api_reads_by_role(ip):
    url = "/api/v1/information-pages/"
    assert api().get(url).status_code in (401, 403)
    assert titles(api(ip.users["viewer"]).get(url)) == {"Asking for an EHC needs assessment", DRAFT_TITLE}
    assert titles(api(ip.users["provider"]).get(url)) == set()
    assert titles(api(ip.beta_commissioner).get(url)) == {"ZZBETA page"}
    assert api(ip.beta_commissioner).get(f"{url}{ip.ehc.pk}/").status_code == 404
    assert api(ip.users["provider"]).get(f"{url}{ip.ehc.pk}/").status_code == 404
    got = api(ip.users["viewer"]).get(f"{url}?local_offer__slug=alpha&published=true").json()["results"]
    assert [p["slug"] for p in got] == ["ehc-needs-assessment"]
    assert got[0]["out_of_date"] is False and got[0]["local_offer"] == "alpha"
    assert titles(api(ip.users["viewer"]).get(f"{url}?partnership=beta")) == set()


def test_api_writes_by_role_and_409_on_a_stale_version(ip):
    url = f"/api/v1/information-pages/{ip.ehc.pk}/"
    assert api(ip.users["viewer"]).patch(url, {"title": "x", "version": 1}, format="json").status_code == 403
    assert (
        api(ip.users["provider"]).patch(url, {"title": "x", "version": 1}, format="json").status_code == 404
    )
    assert (
        api(ip.beta_commissioner).patch(url, {"title": "x", "version": 1}, format="json").status_code == 404
    )
    body = {"local_offer": "alpha", "topic": "other", "title": "New", "slug": "new", "owner": "alpha-council"}
    assert api(ip.users["viewer"]).post("/api/v1/information-pages/", body, format="json").status_code == 403
    assert (
        api(ip.beta_commissioner).post("/api/v1/information-pages/", body, format="json").status_code == 400
    )
    commissioner = api(ip.users["commissioner"])
    created = commissioner.post("/api/v1/information-pages/", body, format="json")
    assert created.status_code == 201 and created.json()["published"] is False
    ok = commissioner.patch(url, {"published": False, "version": ip.ehc.version}, format="json")
    assert ok.status_code == 200
    stale = commissioner.patch(url, {"title": "Late", "version": ip.ehc.version}, format="json")
    assert stale.status_code == 409
    ip.ehc.refresh_from_db()
    assert ip.ehc.title == "Asking for an EHC needs assessment" and not ip.ehc.published
    assert commissioner.patch(url, {"title": "No version"}, format="json").status_code == 400


def test_api_is_documented(ip):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"/api/v1/information-pages/", "/api/v1/information-pages/{id}/"} <= set(schema["paths"])
    props = schema["components"]["schemas"]["InformationPage"]["properties"]
    assert {"topic", "links", "out_of_date", "version", "published"} <= set(props)
    assert "409" in schema["paths"]["/api/v1/information-pages/{id}/"]["patch"]["responses"]


# --- query counts -----------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "actor, url",
    [
        (None, f"{PUBLIC}/"),
        (None, f"{PUBLIC}/?q=page"),
        (None, f"{PUBLIC}/information/"),
        (None, f"{PUBLIC}/print/"),
        ("viewer", f"{STAFF}/coverage/"),
        ("commissioner", f"{STAFF}/information/"),
    ],
)
def test_queries_do_not_grow_with_the_number_of_pages(client, ip, actor, url):
    if actor:
        client.force_login(ip.users[actor])

    def grow(k: int) -> None:
        for i in range(k):
            topic = InformationTopic.values[i % len(InformationTopic.values)]
            f.information_page(ip.offer, topic=topic, title=f"Page {i}", published=i % 3 != 0)

    grow(3)
    small = _count(client, url)
    grow(12)
    assert _count(client, url) == small


# --- demo data --------------------------------------------------------------------------------


def test_demo_has_a_page_per_schedule_2_heading_for_each_offer_with_safe_links():
    data = json.loads(demo.DATA_FILE.read_text(encoding="utf-8"))
    info = data["information"]
    assert set(info["offers"]) == {o["slug"] for o in data["offers"]}
    assert {p["topic"] for p in info["pages"]} == set(InformationTopic.values)
    for page in info["pages"]:
        assert rules.link_problems(page["links"]) == "", page["slug"]
        for values in info["offers"].values():
            filled = demo._fill(page, values)
            assert "{" not in "".join(filled.values()), page["slug"]
            assert rules.page_problems(title=filled["title"], slug=page["slug"], links=page["links"],
                                       duplicate_slug=False) == {}  # fmt: skip
    ehc = next(p for p in info["pages"] if p["topic"] == "ehc_assessment")["body"]
    assert "within 6 weeks" in ehc and "20 weeks" in ehc
    mediation = next(p for p in info["pages"] if p["topic"] == "mediation")["body"]
    assert "solely about the school or college named" in mediation and "certificate" in mediation
