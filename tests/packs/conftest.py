"""A small world with a meeting, an agenda of every generated paper, and an escalated risk."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from jointly.packs.models import AgendaItem, Part
from jointly.risks.models import Risk, RiskMatrix
from tests import factories

MEETING_DAY = dt.date(2013, 10, 10)


def docx_bytes(text: str = "An uploaded paper's own words") -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Uploaded paper", level=1)
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>An uploaded PDF paper</p>").write_pdf()


def add_agenda(meeting, kinds=("progress", "performance", "finance", "risks", "needs", "log", "engagement")):
    for n, key in enumerate(kinds, start=1):
        AgendaItem.objects.create(meeting=meeting, position=n, title=f"Paper {key}", presenter="Director",
                                  paper=key, part=Part.EXEMPT if key == "finance" else Part.PUBLIC)  # fmt: skip


@pytest.fixture
def pack_world(world):
    w = world
    w.meeting = factories.meeting(w.board, date=MEETING_DAY, title="Quarterly meeting")
    add_agenda(w.meeting)
    RiskMatrix.objects.create(partnership=w.p, escalation_threshold=15, escalation_board=w.board)
    w.risk = Risk.objects.create(partnership=w.p, reference="ALP-R1", title="Providers leave the market",
                                 inherent_impact=5, inherent_likelihood=4, current_impact=4, current_likelihood=4,
                                 escalated=True, intention=w.intention)  # fmt: skip
    w.member_user = factories.user(email="member@board.test")
    w.board.members.create(name="A member", user=w.member_user)
    return w
