"""What needs attention in the risk register (see :mod:`jointly.core.attention`): live risks escalated
to a board (flagged, or rated at or above the partnership's threshold), with the board's next meeting;
and, for commissioners and partnership admins, risks providers proposed that wait for a decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core.attention import DUE, OVERDUE, Context, Item, with_perm
from jointly.risks import scoring
from jointly.risks.models import ProposalStatus, Risk, RiskMatrix, RiskProposal, RiskStatus


def escalated(found: Sequence[Context]) -> Iterable[Item]:
    """One line per escalated live risk, highest rating first within a partnership. Three queries."""
    ctx = with_perm(found, Perm.VIEW_PLANNING)
    if not ctx:
        return
    matrices = {
        m.partnership_id: m
        for m in RiskMatrix.objects.filter(partnership__in=list(ctx)).select_related("escalation_board")
    }
    # Flagged, or in a partnership with a threshold (the rating is checked below, in Python).
    at_or_above = Q(escalated=True) | Q(partnership_id__in=list(matrices))
    risks = (
        Risk.objects.filter(partnership__in=list(ctx)).exclude(status=RiskStatus.CLOSED).filter(at_or_above)
        .select_related("board").order_by("reference")
    )  # fmt: skip
    rows = []
    for risk in risks:
        m = matrices.get(risk.partnership_id)
        threshold = m.escalation_threshold if m is not None else None
        if not (risk.escalated or scoring.escalates(risk.rating, threshold)):
            continue
        rows.append((risk, m))
    rows.sort(key=lambda pair: (-(pair[0].rating or 0), pair[0].reference))
    for risk, m in rows:
        c = ctx[risk.partnership_id]
        board = m.escalation_board if m is not None and m.escalation_board_id else risk.board
        to = f" to {board.name}" if board is not None else ""
        band = (m.as_matrix() if m is not None else scoring.DEFAULT_MATRIX).label(risk.rating)
        yield Item(
            c.partnership, c.as_at, "risk_escalated", "Risk escalated", f"{risk.reference} {risk.title}",
            f"Rated {risk.rating} ({band}): escalated{to}", risk.get_absolute_url(), OVERDUE, risk.review_due,
        )  # fmt: skip


def proposals(found: Sequence[Context]) -> Iterable[Item]:
    """One line per proposed risk awaiting a decision, oldest first, for those who decide (EDIT_RISKS).
    One query."""
    ctx = with_perm(found, Perm.EDIT_RISKS)
    if not ctx:
        return
    qs = (
        RiskProposal.objects.filter(partnership__in=list(ctx), status=ProposalStatus.PROPOSED)
        .select_related("organisation", "contract", "service")
        .order_by("created_on", "id")
    )
    for p in qs:
        c = ctx[p.partnership_id]
        on = (
            f"{p.contract.reference} {p.contract.title}"
            if p.contract_id
            else (p.service.name if p.service else "")
        )
        yield Item(
            c.partnership, c.as_at, "risk_proposed", "Risk proposed by a provider", p.title,
            f"{p.organisation.name}, on {on}: rated {p.rating}; proposed {p.created_on:%d %b %Y}",
            reverse("risks:proposal", args=[c.partnership.slug, p.pk]), DUE,
        )  # fmt: skip
