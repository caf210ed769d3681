"""Demo agendas for the seed boards (``jointly demo load`` calls :func:`load` via JOINTLY_DEMO_LOADERS).

The seeds describe the boards and what they receive, never an agenda: every item here is written in
our own words from what each seed says its board does, and is marked illustrative. Meeting dates come
from the seeds' governance records where the demo has them (Derby's Integrated Commissioning Board and
Health and Wellbeing Board, North East Essex's Transformation and Delivery Committee); the CHJCB's
meeting date is invented (seed 004 says only that it meets every other month) and marked so.

Packs are built from these agendas on demand (the agenda page's "Build the pack", or
``jointly report board-pack``), not while loading, so ``make run`` stays quick.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jointly.core.seeding import upsert
from jointly.packs.models import AgendaItem, Part, Purpose
from jointly.partnerships.models import Board, Meeting

SOURCE = "Agenda written for the demo from the board's role in the seed paper"

AGENDAS: list[dict[str, Any]] = [
    {
        "partnership": "derby", "board": "derby-integrated-commissioning-board", "date": "2013-10-08",
        "title": "Monthly meeting", "items": [
            ("Decisions and actions from the last meeting", "Chair", Purpose.DECISION, "log", Part.PUBLIC),
            ("Progress on the eight commissioning intentions", "Head of Integrated Commissioning",
             Purpose.DISCUSSION, "progress", Part.PUBLIC),
            ("How commissioned services are performing", "Commissioning Manager", Purpose.DISCUSSION,
             "performance", Part.PUBLIC),
            ("Money: pooled and aligned budgets and savings", "Finance Lead", Purpose.INFORMATION, "finance",
             Part.EXEMPT),
            ("Challenges to delivery escalated to the board", "Head of Integrated Commissioning",
             Purpose.DECISION, "risks", Part.PUBLIC),
            ("What the needs data says about our outcomes", "Public Health Consultant", Purpose.INFORMATION,
             "needs", Part.PUBLIC),
        ],
    },
    {
        "partnership": "derby", "board": "derby-hwb", "date": "2013-09-12",
        "title": "Quarterly report on integrated commissioning for children, young people and families",
        "items": [
            ("Progress since the commissioning intentions were agreed in April", "Director of Integrated "
             "Commissioning", Purpose.INFORMATION, "progress", Part.PUBLIC),
            ("Challenges that threaten delivery", "Director of Integrated Commissioning", Purpose.DISCUSSION,
             "risks", Part.PUBLIC),
            ("What families told us, and what changed", "Engagement Lead", Purpose.INFORMATION, "engagement",
             Part.PUBLIC),
        ],
    },
    {
        "partnership": "north-east-essex", "board": "nee-transformation-delivery-committee", "date": "2013-07-10",
        "title": "Delivery on behalf of the CCG Board", "items": [
            ("Decisions and actions from the last meeting", "Chair", Purpose.DECISION, "log", Part.PUBLIC),
            ("Delivery groups: progress of the schemes", "Head of Transformation and Development",
             Purpose.DISCUSSION, "progress", Part.PUBLIC),
            ("QIPP and the financial position", "Chief Finance Officer", Purpose.DISCUSSION, "finance",
             Part.EXEMPT),
            ("Integrated plan risk log: risks at or above the committee's threshold", "Head of Delivery",
             Purpose.DECISION, "risks", Part.PUBLIC),
            ("Provider performance and quality", "Director of Nursing and Clinical Quality", Purpose.DISCUSSION,
             "performance", Part.PUBLIC),
        ],
    },
    {
        "partnership": "cambridgeshire", "board": "cambridgeshire-chjcb", "date": "2013-11-14",
        "date_illustrative": True, "title": "Bi-monthly meeting", "items": [
            ("Decisions and actions from the last meeting", "Chair", Purpose.DECISION, "log", Part.PUBLIC),
            ("Children's provider performance", "Head of Children's Joint Commissioning", Purpose.DISCUSSION,
             "performance", Part.PUBLIC),
            ("Pooled budget and QIPP", "CCG Children's Commissioning Lead", Purpose.INFORMATION, "finance",
             Part.EXEMPT),
            ("The board's risk register", "Head of Children's Joint Commissioning", Purpose.DECISION, "risks",
             Part.PUBLIC),
            ("Needs: informing the JSNA", "Public Health Lead", Purpose.INFORMATION, "needs", Part.PUBLIC),
            ("Children's and families' experience", "Participation Lead", Purpose.INFORMATION, "engagement",
             Part.PUBLIC),
        ],
    },
]  # fmt: skip


@transaction.atomic
def load(stats: Any) -> None:
    from jointly.risks.models import RiskMatrix

    for spec in AGENDAS:
        board = Board.objects.filter(partnership__slug=spec["partnership"], slug=spec["board"]).first()
        if board is None:
            continue  # a partial demo (tests) without this board
        day = dt.date.fromisoformat(spec["date"])
        meeting = Meeting.objects.filter(board=board, date=day).order_by("id").first()
        if meeting is None:
            meeting = Meeting.objects.create(
                board=board, date=day, title=spec["title"], illustrative=bool(spec.get("date_illustrative")),
                source="illustrative" if spec.get("date_illustrative") else SOURCE,
            )  # fmt: skip
            stats["Meeting created"] += 1
        for position, (title, presenter, purpose, paper, part) in enumerate(spec["items"], start=1):
            upsert(
                AgendaItem, stats, {"meeting": meeting, "position": position},
                {"title": title, "presenter": presenter, "purpose": purpose, "paper": paper, "part": part,
                 "illustrative": True},
            )  # fmt: skip
        # Escalated risks go to this board when the partnership's matrix names no other.
        RiskMatrix.objects.filter(partnership=board.partnership, escalation_board__isnull=True).update(
            escalation_board=board
        )
