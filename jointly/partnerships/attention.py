"""What needs attention in governance (see :mod:`jointly.core.attention`): board actions overdue
and agreements whose review is overdue or due soon, as at each partnership's date."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core.attention import DUE, OVERDUE, Context, Item, with_perm
from jointly.partnerships.models import Action, ActionStatus, Agreement


def actions(found: Sequence[Context]) -> Iterable[Item]:
    """Board and group actions not done by their due date."""
    ctx = with_perm(found, Perm.VIEW_PLANNING)
    if not ctx:
        return
    qs = (
        Action.objects.filter(board__partnership__in=list(ctx))
        .exclude(status=ActionStatus.DONE)
        .select_related("board")
        .order_by("due_date", "id")
    )
    for a in qs:
        c = ctx[a.board.partnership_id]
        if a.is_overdue(c.as_at):
            url = reverse("partnerships:board", args=[c.partnership.slug, a.board.slug]) + "#actions"
            yield Item(c.partnership, c.as_at, "action_overdue", "Action overdue", a.description,
                       f"{a.board.name}: due {a.due_date:%d %b %Y}", url, OVERDUE,
                       a.due_date)  # fmt: skip


def reviews(found: Sequence[Context]) -> Iterable[Item]:
    """Agreements whose review date has passed, or comes within the next few weeks."""
    ctx = with_perm(found, Perm.VIEW_PLANNING)
    if not ctx:
        return
    qs = Agreement.objects.filter(partnership__in=list(ctx), review_date__isnull=False)
    for a in qs.order_by("review_date", "id"):
        c = ctx[a.partnership_id]
        state = a.review_status(c.as_at)
        if not state:
            continue
        url = reverse("partnerships:agreement", args=[c.partnership.slug, a.slug])
        overdue = state == "overdue"
        yield Item(
            c.partnership, c.as_at, "review_overdue" if overdue else "review_due",
            "Review overdue" if overdue else "Review due", a.title,
            f"Agreement review {'was due' if overdue else 'due'} {a.review_date:%d %b %Y}", url,
            OVERDUE if overdue else DUE, a.review_date,
        )  # fmt: skip
