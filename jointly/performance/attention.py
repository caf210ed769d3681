"""What needs attention in provider performance (see :mod:`jointly.core.attention`), as at each
partnership's date and within the person's scope (a provider sees its own contracts only):
returns missing past their due date or queried, KPIs showing special-cause concern or failing
assurance, and open performance notices (plan awaited, plan to agree, remedial actions overdue)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core.attention import DUE, OVERDUE, Context, Item, scoped, with_contracts
from jointly.performance import analysis
from jointly.performance.models import (
    Kpi,
    KpiReturn,
    NoticeStatus,
    PerformanceNotice,
    PlanStatus,
    RemedialAction,
    ReturnStatus,
)
from jointly.performance.queries import KPI_PROVIDERS


def _kpis(ctx: dict[int, Context]) -> list[Kpi]:
    qs = (
        Kpi.objects.filter(scoped(ctx, "partnership", *KPI_PROVIDERS))
        .select_related("contract", "service")
        .prefetch_related("contract__variations")
        .order_by("code")
    )
    return list(qs)


def _kpi_url(c: Context, kpi: Kpi) -> str:
    return reverse("performance:kpi", args=[c.partnership.slug, kpi.code])


def returns(found: Sequence[Context]) -> Iterable[Item]:
    """Returns missing past their due date (one line per KPI) and returns a commissioner queried."""
    ctx = with_contracts(found)
    if not ctx:
        return
    kpis = _kpis(ctx)
    rows = KpiReturn.objects.filter(kpi__in=[k.pk for k in kpis]).values_list(
        "pk", "kpi_id", "period", "first_submitted_on", "status"
    )
    by_kpi: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_kpi.setdefault(row[1], []).append(row)
    for kpi in kpis:
        c = ctx[kpi.partnership_id]
        mine = [r for r in by_kpi.get(kpi.pk, []) if r[3].date() <= c.as_at]
        result = analysis.compliance([kpi], [(r[1], r[2], r[3].date()) for r in mine], c.as_at)
        if result.missing:
            last = result.missing[-1]
            count = len(result.missing)
            yield Item(
                c.partnership, c.as_at, "return_late", "Return late", f"{kpi.code} {kpi.name}",
                f"{count} return{'s' if count != 1 else ''} missing, latest {last.period.label} "
                f"(due {last.due:%d %b %Y})",
                _kpi_url(c, kpi), OVERDUE, last.due,
            )  # fmt: skip
        for pk, _kpi, period, _when, status in mine:
            if status == ReturnStatus.QUERIED:
                yield Item(
                    c.partnership, c.as_at, "return_queried", "Return queried", f"{kpi.code} {period}",
                    "A commissioner queried this figure: the provider answers or resubmits",
                    reverse("performance:return", args=[c.partnership.slug, pk]), DUE,
                )  # fmt: skip


def kpis(found: Sequence[Context]) -> Iterable[Item]:
    """KPIs whose latest returns (as at the date) show special-cause concern or failing assurance."""
    ctx = with_contracts(found)
    if not ctx:
        return
    kpi_list = _kpis(ctx)
    rows = KpiReturn.objects.filter(kpi__in=[k.pk for k in kpi_list]).values_list(
        "kpi_id", "period_start", "value", "period", "first_submitted_on"
    )
    as_at = {k.pk: ctx[k.partnership_id].as_at for k in kpi_list}
    known = [(k, s, v, p) for k, s, v, p, when in rows if when.date() <= as_at[k]]
    for status in analysis.statuses(kpi_list, sorted(known, key=lambda r: (r[0], r[1]))):
        kpi = status.kpi
        c = ctx[kpi.partnership_id]
        if status.concern:
            yield Item(
                c.partnership, c.as_at, "kpi_concern", "KPI special-cause concern", f"{kpi.code} {kpi.name}",
                f"Special-cause variation of concern (latest {status.latest_period})", _kpi_url(c, kpi),
                OVERDUE, status.latest_date,
            )  # fmt: skip
        if status.failing:
            yield Item(
                c.partnership, c.as_at, "kpi_failing", "KPI failing assurance", f"{kpi.code} {kpi.name}",
                f"The target lies outside the process limits: it will not be met without change "
                f"(latest {status.latest_period})",
                _kpi_url(c, kpi), OVERDUE, status.latest_date,
            )  # fmt: skip


def notices(found: Sequence[Context]) -> Iterable[Item]:
    """Open performance notices: a plan the provider owes, a draft to agree, actions overdue."""
    ctx = with_contracts(found)
    if not ctx:
        return
    qs = (
        PerformanceNotice.objects.filter(scoped(ctx, "contract__partnership", "contract__provider"))
        .filter(status=NoticeStatus.OPEN)
        .select_related("contract", "plan")
        .prefetch_related(
            Prefetch("plan__actions", queryset=RemedialAction.objects.order_by("due_date", "id"))
        )
        .order_by("issued_on", "id")
    )
    for n in qs:
        c = ctx[n.contract.partnership_id]
        if n.issued_on > c.as_at:
            continue
        url = reverse("performance:notice", args=[c.partnership.slug, n.pk])
        title = f"{n.contract.reference}: notice of {n.issued_on:%d %b %Y}"
        plan = getattr(n, "plan", None)
        if plan is None:
            yield Item(c.partnership, c.as_at, "plan_awaited", "Remedial action plan awaited", title,
                       "The provider drafts its plan", url, DUE, n.issued_on)  # fmt: skip
            continue
        if plan.status == PlanStatus.DRAFT and c.may(Perm.REVIEW_RETURNS):
            yield Item(c.partnership, c.as_at, "plan_to_agree", "Remedial action plan to agree", title,
                       "Drafted: a commissioner other than its author agrees it", url, DUE, n.issued_on)  # fmt: skip
        for a in plan.actions.all():
            if a.is_overdue(c.as_at):
                yield Item(c.partnership, c.as_at, "remedial_action_overdue", "Remedial action overdue",
                           f"{n.contract.reference}: {a.description}", f"Due {a.due_date:%d %b %Y}",
                           url + "#actions", OVERDUE, a.due_date)  # fmt: skip
