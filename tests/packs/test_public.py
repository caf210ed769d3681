"""Public board papers (no sign-in): only the public part of an issued pack of a meeting held in public,
from its publication date (five clear days before); never the exempt part, exempt titles, drafts or
anything early, whatever address is guessed (ADR 0030)."""

from __future__ import annotations

import datetime as dt

import pypdfium2
import pytest
from django.urls import reverse

from jointly.packs import actions, views_public
from jointly.packs.models import AgendaItem, Pack, Part
from tests import factories
from tests.packs.conftest import MEETING_DAY

pytestmark = pytest.mark.django_db
PUBLISHED = dt.date(2013, 10, 4)  # five clear days before Thursday 10 October 2013
EXEMPT_TITLE = "Restructure of the fostering team ZZEXEMPT"
PUBLIC_TITLE = "Decision and action log ZZPUBLIC"


def pdf_text(data: bytes) -> str:
    doc = pypdfium2.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def on(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(views_public, "_today", lambda: day)


@pytest.fixture
def public_world(world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    w = world
    w.meeting = factories.meeting(w.board, date=MEETING_DAY, title="Quarterly meeting", held_in_public=True)
    AgendaItem.objects.create(
        meeting=w.meeting, position=1, title=PUBLIC_TITLE, presenter="Chair", paper="log"
    )
    AgendaItem.objects.create(meeting=w.meeting, position=2, title=EXEMPT_TITLE, presenter="Director", paper="log",
                              part=Part.EXEMPT)  # fmt: skip
    w.pack = actions.start(w.meeting, dt.date(2013, 10, 1), by=w.users["partnership_admin"])
    w.pack.refresh_from_db()
    assert w.pack.status == "draft", w.pack.message
    w.urls = [
        reverse("packs_public:index", args=[w.p.slug]),
        reverse("packs_public:meeting", args=[w.p.slug, w.board.slug, w.meeting.pk]),
        reverse("packs_public:pdf", args=[w.p.slug, w.board.slug, w.meeting.pk]),
    ]
    return w


def issue(w):
    actions.issue(Pack.objects.get(pk=w.pack.pk), by=w.users["partnership_admin"])


def test_published_public_part_only(public_world, client_for, monkeypatch):
    w = public_world
    issue(w)
    on(monkeypatch, PUBLISHED)
    c = client_for(None)
    index = c.get(w.urls[0])
    assert index.status_code == 200 and "Quarterly meeting" in index.content.decode()
    assert (
        "script-src" not in index["Content-Security-Policy"]
        and "default-src 'none'" in index["Content-Security-Policy"]
    )
    page = c.get(w.urls[1])
    text = page.content.decode()
    assert (
        page.status_code == 200
        and PUBLIC_TITLE in text
        and EXEMPT_TITLE not in text
        and "ZZEXEMPT" not in text
    )
    assert "Director" not in text  # the exempt item's presenter neither
    pdf = c.get(w.urls[2])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    printed = pdf_text(pdf.content)
    assert "ZZPUBLIC" in printed and "ZZEXEMPT" not in printed
    full = bytes(Pack.objects.get(pk=w.pack.pk).pdf)
    assert "ZZEXEMPT" in pdf_text(full) and pdf.content != full
    # Signed in or not, the same public answer (rendered without the request's user).
    admin_view = client_for(w.users["partnership_admin"]).get(w.urls[1]).content.decode()
    assert "admin@alpha.test" not in admin_view and "partnership_admin@alpha.test" not in admin_view
    # The signed-in files stay signed-in: the public part through the pack page needs an account.
    private = reverse("packs:file", args=[w.p.slug, w.board.slug, w.meeting.pk, w.pack.pk, "pdf"])
    assert client_for(None).get(private).status_code == 302


def test_nothing_before_the_publication_date(public_world, client_for, monkeypatch):
    w = public_world
    issue(w)
    on(monkeypatch, PUBLISHED - dt.timedelta(days=1))
    for url in w.urls:
        response = client_for(None).get(url)
        assert response.status_code == 404, url
        assert "ZZPUBLIC" not in response.content.decode() and "Quarterly" not in response.content.decode()
    # A meeting moved later after the pack was issued is not published early either.
    on(monkeypatch, PUBLISHED)
    w.meeting.date = dt.date(2013, 12, 12)
    w.meeting.save()
    for url in w.urls:
        assert client_for(None).get(url).status_code == 404, url


def test_drafts_and_private_meetings_never_appear(public_world, client_for, monkeypatch):
    w = public_world
    on(monkeypatch, dt.date(2014, 6, 1))
    for url in w.urls:  # built but not issued
        assert client_for(None).get(url).status_code == 404, url
    issue(w)
    toggle = reverse("packs:meeting_public", args=[w.p.slug, w.board.slug, w.meeting.pk])
    for role in ("viewer", "commissioner", "provider"):
        assert client_for(w.users[role]).post(toggle, {"held_in_public": "0"}).status_code == 403
    assert client_for(w.outsider).post(toggle, {"held_in_public": "0"}).status_code == 404
    admin = client_for(w.users["partnership_admin"])
    assert admin.post(toggle, {"held_in_public": "0"}).status_code == 302
    w.meeting.refresh_from_db()
    assert not w.meeting.held_in_public
    assert w.meeting.history.order_by("-history_id").first().history_user == w.users["partnership_admin"]
    for url in w.urls:  # issued, but the meeting is not held in public
        assert client_for(None).get(url).status_code == 404, url
    assert client_for(w.users["partnership_admin"]).post(toggle, {"held_in_public": "1"}).status_code == 302
    assert all(client_for(None).get(url).status_code == 200 for url in w.urls)
    # A later draft (a reissue being built) is not what is published: the issued one stays.
    later = actions.start(w.meeting, dt.date(2013, 10, 2), by=w.users["partnership_admin"])
    later.refresh_from_db()
    assert later.number == 2 and later.status == "draft"
    page = client_for(None).get(w.urls[1]).content.decode()
    assert "issue 2" not in page


def test_guessed_addresses_answer_404(public_world, client_for, monkeypatch):
    w = public_world
    issue(w)
    on(monkeypatch, dt.date(2014, 6, 1))
    private = factories.meeting(w.board, date=MEETING_DAY, title="Private ZZPRIVATE")
    beta_board = factories.board(w.other, slug=w.board.slug, name="Beta board")
    beta_meeting = factories.meeting(beta_board, date=MEETING_DAY, title="Beta ZZBETA", held_in_public=True)
    guesses = [
        reverse("packs_public:meeting", args=[w.other.slug, w.board.slug, w.meeting.pk]),
        reverse("packs_public:pdf", args=[w.other.slug, w.board.slug, w.meeting.pk]),
        reverse("packs_public:meeting", args=[w.p.slug, "no-such-board", w.meeting.pk]),
        reverse("packs_public:meeting", args=[w.p.slug, w.board.slug, private.pk]),
        reverse("packs_public:pdf", args=[w.p.slug, w.board.slug, private.pk]),
        reverse("packs_public:meeting", args=[w.p.slug, w.board.slug, beta_meeting.pk]),
        reverse("packs_public:meeting", args=[w.other.slug, w.board.slug, beta_meeting.pk]),  # no issued pack
        reverse("packs_public:index", args=[w.other.slug]),
        reverse("packs_public:index", args=["no-such-partnership"]),
        reverse("packs_public:meeting", args=[w.p.slug, w.board.slug, 999999]),
    ]
    for url in guesses:
        response = client_for(None).get(url)
        assert response.status_code == 404, url
        assert "default-src 'none'" in response["Content-Security-Policy"]
    index = client_for(None).get(w.urls[0]).content.decode()
    assert "ZZPRIVATE" not in index and "ZZBETA" not in index
    assert client_for(None).post(w.urls[1]).status_code in (404, 405)
