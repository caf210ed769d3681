"""An agenda item's uploaded paper sent through the API (multipart ``file``): the page's checks, its size
cap, who may, and the OpenAPI document saying so (ADR 0030)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from jointly.packs.models import AgendaItem
from tests.packs.conftest import docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
ITEMS = "/api/v1/agenda-items/"


def body(w, position=60, **extra):
    return {"meeting": w.meeting.pk, "position": position, "title": "Chair's report", "presenter": "Chair",
            "paper": "upload", **extra}  # fmt: skip


def test_admin_uploads_a_real_pdf_or_docx_and_nothing_else(pack_world, client_for):
    w = pack_world
    c = client_for(w.users["partnership_admin"])
    count = AgendaItem.objects.count()
    fake = SimpleUploadedFile("paper.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = c.post(ITEMS, body(w, file=fake))
    assert response.status_code == 400 and "not a PDF or a Word" in response.json()["file"][0]
    broken = SimpleUploadedFile("paper.docx", b"PK\x03\x04 broken", content_type="application/octet-stream")
    assert c.post(ITEMS, body(w, file=broken)).status_code == 400
    macro = SimpleUploadedFile("paper.doc", b"\xd0\xcf\x11\xe0 old word", content_type="application/msword")
    assert "Save the paper as a PDF" in c.post(ITEMS, body(w, file=macro)).json()["file"][0]
    assert "file" in c.post(ITEMS, body(w)).json()  # 'upload' with no file
    good = SimpleUploadedFile("chair.docx", docx_bytes(), content_type="application/octet-stream")
    refused = c.post(ITEMS, body(w, paper="log", file=good))  # a file with a generated paper
    assert refused.status_code == 400 and "file" in refused.json()
    assert AgendaItem.objects.count() == count
    good.seek(0)
    made = c.post(ITEMS, body(w, file=good))
    assert made.status_code == 201, made.content
    assert made.json()["upload_format"] == "docx" and made.json()["upload_name"] == "chair.docx"
    assert "file" not in made.json()
    item = AgendaItem.objects.get(pk=made.json()["id"])
    assert item.paper == "upload" and bytes(item.upload)[:2] == b"PK"
    # Replacing the paper with a PDF (multipart PATCH with the version), then a generated paper clears it.
    pdf = SimpleUploadedFile("chair.pdf", pdf_bytes(), content_type="application/pdf")
    changed = c.patch(
        f"{ITEMS}{item.pk}/",
        encode_multipart(BOUNDARY, {"file": pdf, "paper": "upload", "version": made.json()["version"]}),
        content_type=MULTIPART_CONTENT,
    )
    assert changed.status_code == 200, changed.content
    item.refresh_from_db()
    assert item.upload_format == "pdf" and bytes(item.upload).startswith(b"%PDF-")
    generated = c.patch(f"{ITEMS}{item.pk}/", {"paper": "log", "version": changed.json()["version"]},
                        content_type="application/json")  # fmt: skip
    assert generated.status_code == 200
    item.refresh_from_db()
    assert item.upload is None and item.upload_format == "" and item.upload_name == ""


def test_size_cap_as_the_page(pack_world, client_for, settings):
    w = pack_world
    settings.JOINTLY_MAX_UPLOAD_BYTES = 2000
    c = client_for(w.users["partnership_admin"])
    count = AgendaItem.objects.count()
    over = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"x" * 3000 + b"\n%%EOF", content_type="application/pdf"
    )
    response = c.post(ITEMS, body(w, file=over))
    assert response.status_code == 400 and "larger than" in response.json()["file"][0]
    huge = SimpleUploadedFile(
        "huge.pdf", b"%PDF-1.4\n" + b"x" * 100_000 + b"\n%%EOF", content_type="application/pdf"
    )
    assert c.post(ITEMS, body(w, file=huge)).status_code == 413
    assert AgendaItem.objects.count() == count


def test_who_may_upload(pack_world, client_for):
    w = pack_world
    count = AgendaItem.objects.count()
    for user in (w.users["viewer"], w.users["commissioner"], w.users["provider"], w.member_user):
        paper = SimpleUploadedFile("chair.docx", docx_bytes(), content_type="application/octet-stream")
        assert client_for(user).post(ITEMS, body(w, file=paper)).status_code == 403, user
    paper = SimpleUploadedFile("chair.docx", docx_bytes(), content_type="application/octet-stream")
    outsider = client_for(w.outsider).post(ITEMS, body(w, file=paper))
    assert outsider.status_code == 400 and "meeting" in outsider.json()  # another partnership's: unknown
    paper = SimpleUploadedFile("chair.docx", docx_bytes(), content_type="application/octet-stream")
    assert client_for(None).post(ITEMS, body(w, file=paper)).status_code in (401, 403)
    assert AgendaItem.objects.count() == count
