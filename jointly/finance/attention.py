"""What needs attention in finance (see :mod:`jointly.core.attention`): funds forecast to
overspend in the year of each partnership's as-at date, and in-year changes awaiting the board."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core.attention import DUE, Context, Item, with_perm
from jointly.finance import queries
from jointly.finance.models import ChangeStatus, FundChange
from jointly.finance.templatetags.finance import gbp


def overspends(found: Sequence[Context]) -> Iterable[Item]:
    """A fund whose forecast outturn, as at the last closed month, exceeds its budget."""
    ctx = with_perm(found, Perm.VIEW_FINANCE)
    if not ctx:
        return
    for fund in queries.funds_in(list(ctx)).order_by("name", "id"):
        c = ctx[fund.partnership_id]
        as_at = queries.AsAt.of(c.as_at)
        if as_at.financial_year not in queries.fund_years(fund):
            continue
        fy = queries.fund_year(fund, as_at.financial_year, as_at.month)
        if fy.variance > 0:
            yield Item(
                c.partnership, c.as_at, "fund_overspend", "Forecast overspend", fund.name,
                f"{fy.financial_year} as at {fy.month_label}: forecast overspend of {gbp(fy.variance)}",
                fund.get_absolute_url() + "#position", DUE,
            )  # fmt: skip


def changes(found: Sequence[Context]) -> Iterable[Item]:
    """In-year changes proposed and not yet decided."""
    ctx = with_perm(found, Perm.VIEW_FINANCE)
    if not ctx:
        return
    qs = (
        FundChange.objects.filter(fund__partnership__in=list(ctx), status=ChangeStatus.PROPOSED)
        .select_related("fund")
        .order_by("created_on", "id")
    )
    for ch in qs:
        c = ctx[ch.fund.partnership_id]
        url = reverse("finance:change", args=[c.partnership.slug, ch.fund.slug, ch.pk])
        yield Item(c.partnership, c.as_at, "fund_change_proposed", "Fund change awaiting decision", ch.fund.name,
                   f"{ch.get_kind_display()} for {ch.financial_year}, proposed {ch.created_on:%d %b %Y}", url, DUE)  # fmt: skip
