"""The national generator's agendas: every synthetic meeting gets one item per registered paper, once,
so bench/packs.py builds a synthetic partnership's full pack (ADR 0021, 0030)."""

from __future__ import annotations

import random

from jointly.demo.national import Context, governance
from jointly.packs import build, national, papers
from jointly.packs.models import AgendaItem
from jointly.partnerships.models import Meeting
from tests import factories


def test_agendas_for_every_meeting_once(world):
    p = factories.partnership(slug="synthetic-test", name="Synthetic test (illustrative)")
    ctx = Context(p, 1, 1, random.Random(1), {"council": world.council, "icb": world.ccg}, [])
    governance(ctx)
    national.agendas(ctx)
    national.agendas(ctx)  # idempotent
    meetings = Meeting.objects.filter(board__partnership=p)
    kinds = papers.kinds()
    assert meetings.exists()
    assert AgendaItem.objects.filter(meeting__board__partnership=p).count() == meetings.count() * len(kinds)
    assert not AgendaItem.objects.filter(illustrative=False).exists()
    latest = meetings.order_by("-date").first()
    items = build.agenda(latest)
    assert [i.paper for i in items] == list(kinds)
    assert {i.part for i in items if i.paper == "finance"} == {"exempt"}
    assert meetings.filter(held_in_public=True).exists() and meetings.filter(held_in_public=False).exists()
    doc = build.assemble(latest, latest.date)  # the full pack's papers build from the generated agenda
    assert len(doc.items) == len(kinds)
