"""What needs attention in intentions (see :mod:`jointly.core.attention`): intentions off track
or without an update for the latest quarter, and milestones missed or due soon, as at each
partnership's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core import periods
from jointly.core.attention import DUE, OVERDUE, Context, Item, due_soon, with_perm
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Rag


def _latest_ended_quarter(as_at: dt.date) -> periods.Period:
    """The last financial quarter that had ended by ``as_at`` (its own quarter if it ends that day)."""
    quarter = periods.financial_quarter_of(as_at)
    return quarter if quarter.end <= as_at else quarter.previous()


def _running(intention: Intention, day: dt.date) -> bool:
    started = intention.start_date is None or intention.start_date <= day
    return started and (intention.end_date is None or intention.end_date >= day)


def intentions(found: Sequence[Context]) -> Iterable[Item]:
    """Off track (the latest update is red or amber) or without an update for the latest quarter."""
    ctx = with_perm(found, Perm.VIEW_PLANNING)
    if not ctx:
        return
    updates: dict[int, list[tuple[str, str]]] = {}
    rows = ProgressUpdate.objects.filter(intention__partnership__in=list(ctx)).values_list(
        "intention_id", "period", "rag"
    )
    for intention_id, period, rag in rows:
        updates.setdefault(intention_id, []).append((str(period), rag))
    for intention in Intention.objects.filter(partnership__in=list(ctx)).order_by("reference"):
        c = ctx[intention.partnership_id]
        quarter = _latest_ended_quarter(c.as_at)
        if not _running(intention, quarter.end):
            continue
        current = periods.financial_quarter_of(c.as_at).text
        known = sorted(u for u in updates.get(intention.pk, []) if u[0] <= current)
        url = reverse("intentions:detail", args=[c.partnership.slug, intention.reference])
        title = f"{intention.reference} {intention.title}"
        if known and known[-1][1] in (Rag.RED, Rag.AMBER):
            period, rag = known[-1]
            yield Item(
                c.partnership, c.as_at, "intention_off_track", "Intention off track", title,
                f"{Rag(rag).label} in {period}", url, OVERDUE if rag == Rag.RED else DUE,
            )  # fmt: skip
        if not known or known[-1][0] < quarter.text:
            last = f"last update {known[-1][0]}" if known else "no update yet"
            yield Item(
                c.partnership, c.as_at, "intention_no_update", "Intention without an update", title,
                f"Nothing for {quarter.text} ({last})", url, DUE, quarter.end,
            )  # fmt: skip


def milestones(found: Sequence[Context]) -> Iterable[Item]:
    """Milestones missed (not done by their due date) or due within the next few weeks."""
    ctx = with_perm(found, Perm.VIEW_PLANNING)
    if not ctx:
        return
    qs = Milestone.objects.filter(intention__partnership__in=list(ctx)).select_related("intention")
    for m in qs.order_by("due_date", "id"):
        c = ctx[m.intention.partnership_id]
        status = m.status_at(c.as_at)
        title = f"{m.intention.reference}: {m.title}"
        url = reverse("intentions:detail", args=[c.partnership.slug, m.intention.reference]) + "#milestones"
        if status == "overdue":
            yield Item(c.partnership, c.as_at, "milestone_missed", "Milestone missed", title,
                       f"Due {m.due_date:%d %b %Y}, not done", url, OVERDUE, m.due_date)  # fmt: skip
        elif status == "due" and due_soon(m.due_date, c.as_at):
            yield Item(c.partnership, c.as_at, "milestone_due", "Milestone due", title,
                       f"Due {m.due_date:%d %b %Y}", url, DUE, m.due_date)  # fmt: skip
