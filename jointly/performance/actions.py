"""Multi-record writes of the performance app (keyword-only ``by=``; views and the API stay thin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.core.approvals import check_four_eyes
from jointly.core.models import StaleEdit, save_versioned
from jointly.performance import returns as rules
from jointly.performance.models import (
    CommentKind,
    Escalation,
    Kpi,
    KpiReturn,
    NoticeStatus,
    PerformanceNotice,
    PlanStatus,
    RemedialPlan,
    ReturnComment,
    ReturnRevision,
    ReturnStatus,
)


def specs(kpis: Iterable[Kpi]) -> dict[str, rules.KpiSpec]:
    return {k.code: k.spec() for k in kpis}


def existing_keys(kpis: Sequence[Kpi]) -> set[tuple[str, str]]:
    codes = {k.pk: k.code for k in kpis}
    rows = KpiReturn.objects.filter(kpi__in=list(codes)).values_list("kpi_id", "period")
    return {(codes[k], p) for k, p in rows}


def check(
    rows: Sequence[Mapping[str, Any]], kpis: Sequence[Kpi], *, first_row: int = 2, table: bool = False
) -> tuple[list[rules.CleanReturn], list[rules.Problem]]:
    """The one validation of every route, against the KPIs the submitter may return."""
    today = timezone.localdate()
    kwargs = {"existing": existing_keys(kpis), "today": today}
    if table:
        return rules.validate_table(list(rows), specs(kpis), **kwargs)
    return rules.validate_returns(rows, specs(kpis), first_row=first_row, **kwargs)


def submit_returns(
    clean: Sequence[rules.CleanReturn],
    kpis: Sequence[Kpi],
    *,
    by: Any,
    route: str,
    when: dt.datetime | None = None,
) -> list[KpiReturn]:
    """Save validated rows all together: a new return, or a revision of an existing one.

    A revision records who, when and why, and sends the return back to "submitted" (it needs
    reviewing again).
    """
    by_code = {k.code: k for k in kpis}
    when = when or timezone.now()
    user = by if getattr(by, "pk", None) else None
    saved: list[KpiReturn] = []
    with transaction.atomic():
        current = {
            (r.kpi_id, r.period): r
            for r in KpiReturn.objects.select_for_update().filter(
                kpi__in=[by_code[c.kpi] for c in clean], period__in={c.period.label for c in clean}
            )
        }
        for row in clean:
            kpi = by_code[row.kpi]
            ret = current.get((kpi.pk, row.period.label))
            if ret is None:
                ret = KpiReturn(
                    kpi=kpi,
                    period=row.period.label,
                    period_start=row.period.start,
                    period_end=row.period.end,
                    due_date=rules.due_date(row.period, kpi.due_days),
                    first_submitted_on=when,
                    revision_count=0,
                )
                expected = None
            else:
                expected = ret.version
            ret.numerator, ret.denominator, ret.value = row.numerator, row.denominator, row.value
            ret.status = ReturnStatus.SUBMITTED
            ret.last_submitted_on = when
            ret.revision_count += 1
            save_versioned(ret, expected_version=expected, by=by)
            ReturnRevision.objects.create(
                kpi_return=ret,
                number=ret.revision_count,
                numerator=row.numerator,
                denominator=row.denominator,
                value=row.value,
                submitted_by=user,
                submitted_on=when,
                reason=row.reason,
                route=route,
            )
            saved.append(ret)
    return saved


def review(kpi_return: KpiReturn, *, accept: bool, text: str, by: Any) -> ReturnComment:
    """A commissioner accepts or queries a return, with a comment.

    Four eyes: whoever submitted the figure now on the return cannot accept it (querying is
    allowed). If that revision does not say who submitted it, nobody who submitted any
    revision (or created the return) may accept it.
    """
    if accept:
        revisions = list(kpi_return.revisions.order_by("number").values_list("submitted_by_id", flat=True))
        latest = revisions[-1] if revisions else None
        check_four_eyes(
            by, latest, also=[*revisions, kpi_return.created_by_id] if latest is None else (),
            what="return", decide="accept", proposed="submitted",
        )  # fmt: skip
    with transaction.atomic():
        kpi_return.status = ReturnStatus.ACCEPTED if accept else ReturnStatus.QUERIED
        save_versioned(kpi_return, expected_version=kpi_return.version, by=by)
        return ReturnComment.objects.create(
            kpi_return=kpi_return,
            kind=CommentKind.ACCEPT if accept else CommentKind.QUERY,
            text=text,
            author=by,
        )


def reply(kpi_return: KpiReturn, *, text: str, by: Any) -> ReturnComment:
    """The provider answers in the same thread."""
    return ReturnComment.objects.create(kpi_return=kpi_return, kind=CommentKind.REPLY, text=text, author=by)


def raise_notice(
    contract: Any, kpis: Sequence[Kpi], *, reason: str, plan_summary: str, by: Any
) -> PerformanceNotice:
    """Issue a contract performance notice on KPIs and open its (draft) remedial action plan."""
    with transaction.atomic():
        notice = PerformanceNotice(contract=contract, reason=reason)
        save_versioned(notice, expected_version=None, by=by)
        notice.kpis.set(kpis)
        plan = RemedialPlan(notice=notice, summary=plan_summary)
        save_versioned(plan, expected_version=None, by=by)
    return notice


def agree_plan(plan: RemedialPlan, *, expected_version: int | None, by: Any) -> RemedialPlan:
    """Agreeing the remedial action plan closes the notice.

    Four eyes: whoever drafted the plan, or last changed it, cannot agree it.
    """
    today = timezone.localdate()
    with transaction.atomic():
        fresh = RemedialPlan.objects.select_for_update().get(pk=plan.pk)
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEdit(fresh)
        check_four_eyes(
            by, fresh.proposed_by_id, record=fresh, also=[fresh.modified_by_id],
            what="remedial action plan", decide="agree",
        )  # fmt: skip
        plan.agreed_by = by
        plan.status, plan.agreed_on = PlanStatus.AGREED, today
        save_versioned(plan, expected_version=expected_version, by=by)
        notice = plan.notice
        notice.status, notice.closed_on = NoticeStatus.CLOSED, today
        save_versioned(notice, expected_version=notice.version, by=by)
    return plan


def escalate(notice: PerformanceNotice, *, level: str, note: str, by: Any) -> Escalation:
    return Escalation.objects.create(notice=notice, level=level, note=note, by=by)
