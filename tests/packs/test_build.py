"""Packs build as PDF and DOCX from the same papers: sections, page numbers, parts, uploads, freezing."""

from __future__ import annotations

import io

import pytest

from jointly.packs import actions, build, papers
from jointly.packs.models import UPLOAD, AgendaItem, Pack, PackIssued, PackStatus
from tests.packs.conftest import MEETING_DAY, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db
AS_AT = MEETING_DAY.replace(day=1)


def pdf_text(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def test_pdf_has_cover_agenda_contents_papers_and_page_numbers(pack_world):
    doc = build.assemble(pack_world.meeting, AS_AT)
    data, pages = build.render_pdf(doc)
    texts = pdf_text(data)
    assert len(texts) == pages >= 8
    whole = "\n".join(texts)
    for heading in ("Agenda", "Contents", "Summary", "Recommendations", "Implications", "Supporting information",
                    "Risks escalated to the board", "ALP-R1", "Part B: exempt"):  # fmt: skip
        assert heading in whole, heading
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {pages}" in text
        assert "as at 1 October 2013" in text
    public, public_pages = build.render_pdf(doc, public_only=True)
    assert public_pages < pages
    assert "Finance position" not in "\n".join(pdf_text(public))


def test_docx_opens_with_every_paper(pack_world):
    from docx import Document

    doc = build.assemble(pack_world.meeting, AS_AT)
    opened = Document(io.BytesIO(build.render_docx(doc)))
    headings = [p.text for p in opened.paragraphs if p.style.name.startswith("Heading")]
    assert "Agenda" in headings
    assert sum(1 for h in headings if h == "Recommendations") == 7
    assert any("ALP-R1" in c.text for t in opened.tables for row in t.rows for c in row.cells)


def test_uploaded_papers_merge_into_their_own_format(pack_world):
    from docx import Document

    AgendaItem.objects.create(meeting=pack_world.meeting, position=20, title="Word paper", presenter="Chair",
                              paper=UPLOAD, upload=docx_bytes("Merged words"), upload_format="docx",
                              upload_name="paper.docx")  # fmt: skip
    AgendaItem.objects.create(meeting=pack_world.meeting, position=21, title="PDF paper", presenter="Chair",
                              paper=UPLOAD, upload=pdf_bytes(), upload_format="pdf", upload_name="paper.pdf")  # fmt: skip
    doc = build.assemble(pack_world.meeting, AS_AT)
    opened = Document(io.BytesIO(build.render_docx(doc)))
    assert any(p.text == "Merged words" for p in opened.paragraphs)
    data, _pages = build.render_pdf(doc)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    names = {pdf.get_attachment(i).get_name(): bytes(pdf.get_attachment(i).get_data())
             for i in range(pdf.count_attachments())}  # fmt: skip
    assert set(names) == {"paper-8.docx", "paper-9.pdf"}
    assert names["paper-9.pdf"].startswith(b"%PDF-")
    assert "attached to this PDF" in "\n".join(pdf_text(data))


def test_pack_job_builds_issues_freezes_and_reissue_says_what_changed(pack_world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    pack = actions.start(pack_world.meeting, AS_AT, by=pack_world.admin)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DRAFT and pack.pages > 0 and pack.docx and pack.public_pdf
    assert pack.publication_date.isoformat() == "2013-10-04"
    actions.issue(pack, by=pack_world.admin)
    with pytest.raises(PackIssued):
        pack.message = "changed"
        pack.save()
    with pytest.raises(PackIssued):
        Pack.objects.get(pk=pack.pk).delete()
    risk = pack_world.risk
    risk.current_likelihood = 5
    risk.save()
    second = actions.start(pack_world.meeting, AS_AT, by=pack_world.admin)
    second.refresh_from_db()
    assert second.number == 2
    assert "Paper risks: ALP-R1 rating changed from 16 to 20." in [
        line.split("4. ", 1)[-1] for line in second.changes
    ]
    assert Pack.objects.get(pk=pack.pk).pdf == pack.pdf  # the issued pack's files are kept


def test_agenda_item_without_paper_is_refused(pack_world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            meeting=pack_world.meeting, position=30, title="Nothing", presenter="x", paper=""
        )
    AgendaItem.objects.create(
        meeting=pack_world.meeting, position=31, title="No file", presenter="x", paper=UPLOAD
    )
    with pytest.raises(build.PackError, match="no paper uploaded"):
        actions.start(pack_world.meeting, AS_AT, by=None)
    assert not Pack.objects.exists()


def test_registry_is_the_setting(settings):
    settings.JOINTLY_PACK_PAPERS = ["jointly.packs.generated.risks"]
    assert list(papers.kinds()) == ["risks"]


def test_changes_in_words():
    before = {"1. A": {"x": "1", "gone": "2"}, "2. Old": {}}
    after = {"1. A": {"x": "3", "new": "4"}, "3. New": {}}
    assert papers.changes(before, after) == [
        "Added: 3. New.", "Removed: 2. Old.", "1. A: x changed from 1 to 3.", "1. A: new is new (4).",
        "1. A: gone no longer shown (was 2).",
    ]  # fmt: skip
