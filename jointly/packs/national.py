"""`jointly demo national`: agendas for the synthetic partnerships' board meetings
(``settings.JOINTLY_NATIONAL_GENERATORS``; ADR 0021 and 0030).

Every meeting the governance generator made gets one agenda item per registered generated paper
(``JOINTLY_PACK_PAPERS``, in the registry's order; the finance paper in the exempt part), so
``bench/packs.py`` builds a synthetic partnership's full pack. The main board (the first) meets in
public. Written in bulk, once: a partnership whose meetings already have agenda items is left alone.
Synthetic and labelled so (``illustrative``); no pack is built or issued here.
"""

from __future__ import annotations

from typing import Any

from jointly.packs import papers
from jointly.packs.models import AgendaItem, Part, Purpose
from jointly.partnerships.models import Meeting

PRESENTERS = ("Director of Children's Services", "Head of Commissioning", "Chief Finance Officer",
              "Head of Quality and Performance", "Public Health Consultant")  # fmt: skip
PURPOSE = {"finance": Purpose.DECISION, "risks": Purpose.DECISION, "log": Purpose.INFORMATION}


def agendas(ctx: Any) -> None:
    p = ctx.partnership
    meetings = list(
        Meeting.objects.filter(board__partnership=p).select_related("board").order_by("board__slug", "date")
    )
    if not meetings or AgendaItem.objects.filter(meeting__board__partnership=p).exists():
        return
    kinds = list(papers.kinds().values())
    items = [
        AgendaItem(
            meeting=m,
            position=n,
            title=kind.title,
            presenter=PRESENTERS[(n - 1) % len(PRESENTERS)],
            purpose=PURPOSE.get(kind.key, Purpose.DISCUSSION),
            paper=kind.key,
            part=Part.EXEMPT if kind.key == "finance" else Part.PUBLIC,
            illustrative=True,
        )  # fmt: skip
        for m in meetings
        for n, kind in enumerate(kinds, start=1)
    ]
    ctx.bulk(AgendaItem, items)
    main = min(m.board.slug for m in meetings)
    Meeting.objects.filter(board__partnership=p, board__slug=main).update(held_in_public=True)
