"""Public comments on a Local Offer (no sign-in, spam trap, rate limit, nothing identifying kept),
the regulation 56 summary (small counts suppressed) and "you said, we did"."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from jointly.engagement import views_public
from jointly.engagement.models import Feedback, Response
from tests import factories

URL = "/local-offer/alpha/feedback/"


@pytest.fixture
def offer(world):
    cache.clear()
    return factories.local_offer(world.p, world.council, slug="alpha", name="Alpha Local Offer")


def test_a_member_of_the_public_leaves_a_comment(client, offer):
    client.get(URL)  # sets the CSRF cookie like a browser
    r = client.post(URL, {"category": "parent_carer", "comment": "More <b>weekend</b> activities please"})
    assert r.status_code == 302 and r["Location"].endswith("/feedback/thanks/")
    f = Feedback.objects.get()
    assert f.category == "parent_carer" and f.local_offer == offer and f.theme is None
    assert (f.retain_until - f.received_on).days == views_public.RETENTION_DAYS


def test_comment_about_a_service_links_it_only_if_it_is_public(client, world, offer):
    area = factories.area(gss_code="E07000991", name="Area", area_type="district")
    offer.areas.add(area)
    public = factories.directory_entry(factories.service(world.p, name="Open", provider=world.provider,
                                                         published=True, areas=[area]))  # fmt: skip
    hidden = factories.directory_entry(
        factories.service(world.p, name="Shut", provider=world.provider, areas=[area])
    )
    client.post(URL, {"category": "young_person", "comment": "Great", "service": str(public.uuid)})
    client.post(URL, {"category": "young_person", "comment": "Hmm", "service": str(hidden.uuid)})
    client.post(URL, {"category": "young_person", "comment": "Odd", "service": "not-a-uuid"})
    assert {f.comment: f.entry for f in Feedback.objects.all()} == {"Great": public, "Hmm": None, "Odd": None}


@pytest.mark.parametrize(
    "data",
    [{}, {"category": "parent_carer"}, {"comment": "no category"}, {"category": "mayor", "comment": "x y z"},
     {"category": "other", "comment": "x" * 2001}, {"category": "other", "comment": "  "},
     {"category": "other", "comment": "bad \x00 byte"}],
)  # fmt: skip
def test_bad_comments_are_refused_with_400(client, offer, data):
    r = client.post(URL, data)
    assert r.status_code == 400 and "There is a problem" in r.content.decode()
    assert not Feedback.objects.exists()


def test_the_spam_trap_keeps_nothing(client, offer):
    r = client.post(URL, {"category": "other", "comment": "buy now", "nickname": "bot"})
    assert r.status_code == 302 and not Feedback.objects.exists()


def test_comments_are_rate_limited_per_address(client, offer):
    for _ in range(views_public.RATE_LIMIT):
        assert client.post(URL, {"category": "other", "comment": "ok then"}).status_code == 302
    r = client.post(URL, {"category": "other", "comment": "one more"})
    assert r.status_code == 429
    assert Feedback.objects.count() == views_public.RATE_LIMIT


def test_comment_text_is_escaped_on_the_signed_in_page(client, world, offer):
    factories.feedback(offer, comment="<script>alert(1)</script>")
    client.force_login(world.users["commissioner"])
    body = client.get("/p/alpha/engagement/").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_you_said_we_did_publishes_responses_and_suppresses_small_counts(client, world, offer):
    theme = factories.feedback_theme(offer, name="Waiting times")
    draft_theme = factories.feedback_theme(offer, name="Internal label")
    for _ in range(6):
        factories.feedback(offer, category="parent_carer", theme=theme)
    factories.feedback(offer, category="young_person", theme=draft_theme)
    factories.response(offer, theme=theme, you_said="Waits are long", we_did="We added a clinic",
                       published=True, published_on=world.p.reference_date or None)  # fmt: skip
    factories.response(offer, you_said="Draft said", we_did="Draft did")
    body = client.get("/local-offer/alpha/you-said-we-did/").content.decode()
    assert "Waits are long" in body and "We added a clinic" in body
    assert "Draft said" not in body and "Internal label" not in body
    # 6 and "fewer than 5" beside "In all: 7" would give the 1 away: the 6 is hidden too
    assert 'Parent or carer</td><td class="govuk-table__cell govuk-table__cell--numeric">6' not in body
    assert 'Parent or carer</td><td class="govuk-table__cell govuk-table__cell--numeric">not shown' in body
    assert (
        'Child or young person</td><td class="govuk-table__cell govuk-table__cell--numeric">fewer than 5'
        in body
    )
    assert "In all: 7." in body
    # what changed (intentions, services) stays on the signed-in page
    assert "/p/alpha/" not in body


def test_commissioner_themes_feedback_and_publishes_a_response(client, world, offer):
    f = factories.feedback(offer, comment="Need more sessions")
    client.force_login(world.users["commissioner"])
    r = client.post(f"/p/alpha/engagement/feedback/{f.pk}/",
                    {"new_theme": "Sessions", "status": "themed", "version": f.version})  # fmt: skip
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.theme.name == "Sessions" and f.status == "themed"
    r = client.post("/p/alpha/engagement/responses/new/alpha/",
                    {"theme": f.theme.pk, "you_said": "More sessions", "we_did": "Two more a week",
                     "intentions": [world.intention.pk], "published": "on", "published_on": "2026-01-31"})  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    response = Response.objects.get()
    assert list(response.intentions.all()) == [world.intention]
    assert "Two more a week" in client.get("/local-offer/alpha/you-said-we-did/").content.decode()


def test_a_published_response_needs_its_date(client, world, offer):
    client.force_login(world.users["commissioner"])
    r = client.post("/p/alpha/engagement/responses/new/alpha/",
                    {"you_said": "a", "we_did": "b", "published": "on"})  # fmt: skip
    assert r.status_code == 400 and not Response.objects.exists()


def test_a_foreign_intention_is_refused_like_an_unknown_one(client, world, offer):
    beta_intention = factories.intention(world.other, world.other_council, reference="B-1")
    client.force_login(world.users["commissioner"])
    url = "/p/alpha/engagement/responses/new/alpha/"
    a = client.post(url, {"you_said": "a", "we_did": "b", "intentions": [beta_intention.pk]})
    b = client.post(url, {"you_said": "a", "we_did": "b", "intentions": [987654]})
    assert a.status_code == b.status_code == 400
    errors_a = {
        k: [str(e).replace(str(beta_intention.pk), "X") for e in v]
        for k, v in a.context["form"].errors.items()
    }
    errors_b = {k: [str(e).replace("987654", "X") for e in v] for k, v in b.context["form"].errors.items()}
    assert errors_a == errors_b and "intentions" in errors_a


def test_an_activity_records_counts_and_links(client, world):
    client.force_login(world.users["partnership_admin"])
    r = client.post("/p/alpha/engagement/activities/new/",
                    {"kind": "consultation", "title": "Young people's survey", "young_people": "120",
                     "intentions": [world.intention.pk]})  # fmt: skip
    assert r.status_code == 302
    r = client.post(
        "/p/alpha/engagement/activities/new/", {"kind": "survey", "title": "x", "young_people": "-3"}
    )
    assert r.status_code == 400


def test_expired_comments_are_purged_with_their_history(offer):
    import datetime as dt

    from django.core.management import call_command

    old = factories.feedback(offer, comment="old words", retain_until=dt.date(2020, 1, 1))
    keep = factories.feedback(offer, comment="new words", retain_until=dt.date(2030, 1, 1))
    call_command("engagement", "purge", "--on", "2025-01-01")
    assert list(Feedback.objects.all()) == [keep]
    assert not Feedback.history.filter(id=old.pk).exists()


def test_the_golden_thread_shows_linked_engagement_to_planners_only(client, world, offer):
    r = factories.response(offer, you_said="Thread said")
    r.intentions.add(world.intention)
    a = factories.engagement_activity(world.p, title="Thread forum")
    a.intentions.add(world.intention)
    url = f"/p/alpha/outcomes/o/{world.outcome.pk}/"
    client.force_login(world.users["viewer"])
    body = client.get(url).content.decode()
    assert "Thread said" in body and "Thread forum" in body
    client.force_login(world.users["provider"])
    body = client.get(url).content.decode()
    assert "Thread said" not in body and "Thread forum" not in body
