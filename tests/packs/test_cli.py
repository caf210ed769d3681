"""`jointly report board-pack` builds a pack from the command line; bad options are clear errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_board_pack_pdf_and_docx(pack_world, tmp_path):
    w = pack_world
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"pack.{fmt}"
        stdout, stderr = io.StringIO(), io.StringIO()
        call_command("report", "board-pack", partnership=w.p.slug, board=w.board.slug, meeting="2013-10-10",
                     format=fmt, output=str(out), stdout=stdout, stderr=stderr)  # fmt: skip
        assert out.read_bytes()[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
        assert "Wrote" in stdout.getvalue()
    for options, message in (
        ({"board": "nope", "meeting": "2013-10-10", "format": "pdf"}, "No board"),
        ({"board": w.board.slug, "meeting": "10/10/2013", "format": "pdf"}, "YYYY-MM-DD"),
        ({"board": w.board.slug, "meeting": "2013-10-11", "format": "pdf"}, "no meeting"),
        ({"board": w.board.slug, "meeting": "2013-10-10", "format": "csv"}, "pdf or --format docx"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("report", "board-pack", partnership=w.p.slug, output=str(tmp_path / "x"), **options)


def test_escalated_risks_need_attention_and_join_the_agenda(pack_world, client_for):
    import datetime as dt

    from jointly.core import attention
    from jointly.packs import build
    from jointly.packs.models import AgendaItem

    w = pack_world
    items = attention.collect(w.users["viewer"], dt.date(2013, 10, 1))
    assert [i.title for i in items if i.kind == "risk_escalated"] == ["ALP-R1 Providers leave the market"]
    assert not [i for i in attention.collect(w.users["provider"]) if i.kind == "risk_escalated"]
    AgendaItem.objects.filter(meeting=w.meeting, paper="risks").delete()
    doc = build.assemble(w.meeting, dt.date(2013, 10, 1))
    assert doc.items[-1].title == "Risks escalated to the board"
    assert "ALP-R1 rating" in doc.items[-1].paper.snapshot
