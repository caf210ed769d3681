"""Who may and may not, on every board-pack page and API endpoint; bad input; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jointly.packs import actions
from jointly.packs.models import UPLOAD, AgendaItem, DecisionLink, Pack, PackStatus
from tests.packs.conftest import MEETING_DAY, add_agenda, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
AS_AT = dt.date(2013, 10, 1)


def _built(w, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    pack = actions.start(w.meeting, AS_AT, by=w.admin)
    pack.refresh_from_db()
    return pack


def urls(w, pack):
    args = [w.p.slug, w.board.slug, w.meeting.pk]
    item = AgendaItem.objects.filter(meeting=w.meeting).first()
    read = [
        reverse("packs:agenda", args=args),
        reverse("packs:pack", args=[*args, pack.pk]),
        reverse("packs:file", args=[*args, pack.pk, "pdf"]),
        reverse("packs:file", args=[*args, pack.pk, "public.pdf"]),
        reverse("packs:file", args=[*args, pack.pk, "docx"]),
    ]
    write_get = [
        reverse("packs:item_new", args=args),
        reverse("packs:item_edit", args=[*args, item.pk]),
        reverse("packs:minutes", args=args),
    ]
    write_post = [
        reverse("packs:item_delete", args=[*args, item.pk]),
        reverse("packs:meeting_public", args=args),
        reverse("packs:build", args=args),
        reverse("packs:issue", args=[*args, pack.pk]),
    ]
    return read, write_get, write_post


def test_pages_who_may_and_may_not(pack_world, client_for, settings):
    w = pack_world
    pack = _built(w, settings)
    read, write_get, write_post = urls(w, pack)
    expected_read = {"viewer": 200, "commissioner": 200, "partnership_admin": 200, "provider": 403}
    for role, code in expected_read.items():
        c = client_for(w.users[role])
        for url in read:
            assert c.get(url).status_code == code, (role, url)
        for url in write_get:
            assert c.get(url).status_code == (200 if role == "partnership_admin" else 403), (role, url)
        if role != "partnership_admin":
            for url in write_post:
                assert c.post(url).status_code == 403, (role, url)
    member = client_for(w.member_user)
    for url in read:
        assert member.get(url).status_code == 200, url
    for url in write_get:
        assert member.get(url).status_code == 403, url
    outsider = client_for(w.outsider)
    for url in read + write_get:
        assert outsider.get(url).status_code == 404, url
    anonymous = client_for(None)
    for url in read:
        assert anonymous.get(url).status_code == 302, url
    assert (
        client_for(w.users["viewer"]).get(read[0].replace("/packs/", "/packs/") + "packs/999/").status_code
        == 404
    )


def test_admin_adds_items_uploads_builds_and_issues(pack_world, client_for, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    w = pack_world
    c = client_for(w.users["partnership_admin"])
    args = [w.p.slug, w.board.slug, w.meeting.pk]
    new = reverse("packs:item_new", args=args)
    base = {"title": "Chair's report", "presenter": "Chair", "purpose": "information", "part": "public"}
    # Bad input: no paper, a file that is not a PDF/DOCX, a taken position; nothing written.
    count = AgendaItem.objects.count()
    assert c.post(new, {**base, "position": 40, "paper": ""}).status_code == 400
    fake = SimpleUploadedFile("paper.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = c.post(new, {**base, "position": 40, "paper": UPLOAD, "file": fake})
    assert response.status_code == 400 and "not a PDF or a Word" in response.content.decode()
    zipped = SimpleUploadedFile("paper.docx", b"PK\x03\x04 broken", content_type="application/octet-stream")
    assert c.post(new, {**base, "position": 40, "paper": UPLOAD, "file": zipped}).status_code == 400
    assert c.post(new, {**base, "position": 1, "paper": "risks"}).status_code == 400
    assert c.post(new, {**base, "position": 40, "paper": UPLOAD}).status_code == 400
    assert AgendaItem.objects.count() == count
    good = SimpleUploadedFile("chair.docx", docx_bytes(), content_type="application/octet-stream")
    assert c.post(new, {**base, "position": 40, "paper": UPLOAD, "file": good}).status_code == 302
    pdf = SimpleUploadedFile("chair.pdf", pdf_bytes(), content_type="application/pdf")
    assert c.post(new, {**base, "position": 41, "paper": UPLOAD, "file": pdf}).status_code == 302
    assert AgendaItem.objects.get(position=41, meeting=w.meeting).upload_format == "pdf"
    response = c.post(
        reverse("packs:build", args=args), {"as_at_day": "1", "as_at_month": "10", "as_at_year": "2013"}
    )
    pack = Pack.objects.get(meeting=w.meeting)
    assert response.status_code == 302 and pack.status == PackStatus.DRAFT, pack.message
    page = c.get(pack.get_absolute_url()).content.decode()
    assert "Issue this pack" in page and "public part" in page
    assert c.post(reverse("packs:issue", args=[*args, pack.pk])).status_code == 302
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.ISSUED
    assert "Issue this pack" not in c.get(pack.get_absolute_url()).content.decode()
    # Minutes: a decision with what it decides; a risk acceptance needs its risk.
    minutes = reverse("packs:minutes", args=args)
    assert c.post(minutes, {"text": "Accept the risk", "kind": "risk_acceptance"}).status_code == 400
    assert (
        c.post(minutes, {"text": "Accept the risk", "kind": "risk_acceptance", "risk": w.risk.pk}).status_code
        == 302
    )
    assert DecisionLink.objects.get().risk == w.risk


def test_api_who_may_and_may_not(pack_world, client_for, settings):
    w = pack_world
    pack = _built(w, settings)
    items = "/api/v1/agenda-items/"
    packs = "/api/v1/packs/"
    for role, n in (("viewer", 7), ("provider", 0)):
        c = client_for(w.users[role])
        assert c.get(items).json()["count"] == n
        assert c.get(packs).json()["count"] == (1 if n else 0)
        assert c.post(packs, {"meeting": w.meeting.pk, "as_at": "2013-10-01"}).status_code in (400, 403)
        assert c.post(f"{packs}{pack.pk}/issue/").status_code in (403, 404)
    assert client_for(w.member_user).get(packs).json()["count"] == 1
    assert client_for(w.outsider).get(f"{packs}{pack.pk}/").status_code == 404
    admin = client_for(w.users["partnership_admin"])
    bad = admin.post(items, {"meeting": w.meeting.pk, "position": 50, "title": "x", "presenter": "y", "paper": ""},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    bad = admin.post(items, {"meeting": w.meeting.pk, "position": 50, "title": "x", "presenter": "y",
                             "paper": "upload"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    ok = admin.post(items, {"meeting": w.meeting.pk, "position": 50, "title": "x", "presenter": "y", "paper": "log"},
                    content_type="application/json")  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert admin.post(f"{packs}{pack.pk}/issue/").status_code == 200
    assert admin.post(f"{packs}{pack.pk}/issue/").status_code == 400
    built = admin.post(
        packs, {"meeting": w.meeting.pk, "as_at": "2013-10-01"}, content_type="application/json"
    )
    assert built.status_code == 202 and built.json()["number"] == 2
    links = "/api/v1/decision-links/"
    decision = w.meeting.decisions.create(text="Move to Do")
    assert (
        admin.post(
            links, {"decision": decision.pk, "kind": "intention_stage"}, content_type="application/json"
        ).status_code
        == 400
    )
    done = admin.post(links, {"decision": decision.pk, "kind": "intention_stage", "intention": w.intention.pk,
                              "stage": "do"}, content_type="application/json")  # fmt: skip
    assert done.status_code == 201, done.content
    assert client_for(w.users["viewer"]).post(links, {"decision": decision.pk, "kind": "other"},
                                              content_type="application/json").status_code == 403  # fmt: skip


def test_query_counts_flat_with_agenda_size(pack_world, client_for, django_assert_max_num_queries):
    w = pack_world
    c = client_for(w.users["viewer"])
    url = reverse("packs:agenda", args=[w.p.slug, w.board.slug, w.meeting.pk])
    c.get(url)
    with django_assert_max_num_queries(25):
        assert c.get(url).status_code == 200
    other = w.board.meetings.create(date=MEETING_DAY.replace(month=12), title="Later")
    add_agenda(other, kinds=("log",) * 1)
    for n in range(2, 30):
        AgendaItem.objects.create(
            meeting=w.meeting, position=100 + n, title=f"More {n}", presenter="x", paper="log"
        )
    with django_assert_max_num_queries(25):
        assert c.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get("/api/v1/agenda-items/", {"meeting": w.meeting.pk}).status_code == 200
