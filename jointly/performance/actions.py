"""Multi-record writes of the performance app (keyword-only ``by=``; views and the API stay thin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.accounts.permissions import Perm, has_permission, scope_for
from jointly.core.approvals import check_four_eyes
from jointly.core.asat import today_for
from jointly.core.models import StaleEdit, save_versioned
from jointly.performance import returns as rules
from jointly.performance.models import (
    ActionStatus,
    CommentKind,
    Escalation,
    Kpi,
    KpiReturn,
    NoticeStatus,
    PerformanceNotice,
    PlanStatus,
    RemedialAction,
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
    on_behalf: bool = False,
) -> list[KpiReturn]:
    """Save validated rows all together: a new return, or a revision of an existing one.

    ``on_behalf``: a commissioner keyed the figures in for the provider; the return and its
    revision say so (and four eyes keep that commissioner from accepting them).

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
            ret.on_behalf = on_behalf
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
                on_behalf=on_behalf,
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


class NoticeError(Exception):
    """A step the remedial process does not allow (e.g. agreeing a plan with no actions)."""


def raise_notice(
    contract: Any, kpis: Sequence[Kpi], *, reason: str, by: Any, plan_summary: str = ""
) -> PerformanceNotice:
    """Issue a contract performance notice on KPIs. The provider then drafts its remedial action
    plan (:func:`save_plan`); ``plan_summary`` (demo data, imports) starts a draft at once."""
    with transaction.atomic():
        notice = PerformanceNotice(contract=contract, reason=reason)
        save_versioned(notice, expected_version=None, by=by)
        notice.kpis.set(kpis)
        if plan_summary:
            save_versioned(RemedialPlan(notice=notice, summary=plan_summary), expected_version=None, by=by)
    return notice


def may_draft(user: Any, notice: PerformanceNotice) -> bool:
    """The provider of the notice's contract drafts its plan and works its actions; commissioners
    may too (keying in for a small provider). Nobody else."""
    partnership = notice.contract.partnership
    if has_permission(user, Perm.REVIEW_RETURNS, partnership):
        return True
    if not has_permission(user, Perm.SUBMIT_RETURNS, partnership):
        return False
    scope = scope_for(user, partnership, every=None, own=Perm.SUBMIT_RETURNS, superuser_bypass=False)
    return scope.allows(notice.contract.provider_id)


def _open(notice: PerformanceNotice) -> None:
    if notice.status != NoticeStatus.OPEN:
        raise NoticeError(f"This notice is {notice.get_status_display().lower()}: nothing more can change.")


def save_plan(
    notice: PerformanceNotice, *, summary: str, expected_version: int | None, by: Any
) -> RemedialPlan:
    """The provider drafts (or redrafts) its remedial action plan; only a draft can change."""
    _open(notice)
    plan = RemedialPlan.objects.filter(notice=notice).first()
    if plan is None:
        plan = RemedialPlan(notice=notice, summary=summary)
        plan.proposed_by = by if getattr(by, "pk", None) else None
        return save_versioned(plan, expected_version=None, by=by)
    if plan.status != PlanStatus.DRAFT:
        raise NoticeError("The plan is agreed: it no longer changes (update its actions instead).")
    plan.summary = summary
    return save_versioned(plan, expected_version=expected_version, by=by)


def agree_plan(plan: RemedialPlan, *, expected_version: int | None, by: Any) -> RemedialPlan:
    """The commissioner agrees the provider's plan. The notice stays open until the plan's
    actions are done (:func:`action_saved`) or a commissioner closes it (:func:`close_notice`).

    Four eyes: whoever drafted the plan, or last changed it, cannot agree it. A plan without
    actions cannot be agreed.
    """
    with transaction.atomic():
        fresh = (
            RemedialPlan.objects.select_for_update()
            .select_related("notice__contract__partnership")
            .get(pk=plan.pk)
        )
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEdit(fresh)
        _open(fresh.notice)
        if fresh.status != PlanStatus.DRAFT:
            raise NoticeError("This plan is already agreed.")
        check_four_eyes(
            by, fresh.proposed_by_id, record=fresh, also=[fresh.modified_by_id],
            what="remedial action plan", decide="agree",
        )  # fmt: skip
        if not fresh.actions.exists():
            raise NoticeError("A plan needs at least one action before it can be agreed.")
        fresh.agreed_by = by
        fresh.status, fresh.agreed_on = PlanStatus.AGREED, today_for(fresh.notice.contract.partnership)
        save_versioned(fresh, expected_version=fresh.version, by=by)
        _complete_if_done(fresh, by=by)
    plan.__dict__.update(fresh.__dict__)
    return fresh


def _complete_if_done(plan: RemedialPlan, *, by: Any) -> None:
    """An agreed plan whose actions are all done is completed, and its notice closed."""
    done = list(plan.actions.values_list("status", "completed_on"))
    if plan.status != PlanStatus.AGREED or not done or any(s != ActionStatus.DONE for s, _ in done):
        return
    finished = max((d for _, d in done if d is not None), default=None)
    on = finished or today_for(plan.notice.contract.partnership)
    plan.status = PlanStatus.COMPLETED
    save_versioned(plan, expected_version=plan.version, by=by)
    notice = PerformanceNotice.objects.select_for_update().get(pk=plan.notice_id)
    notice.status, notice.closed_on = NoticeStatus.CLOSED, on
    save_versioned(notice, expected_version=notice.version, by=by)


def action_saved(action: RemedialAction, *, by: Any) -> None:
    """After an action is saved: when it was the last one to be done, the notice closes."""
    with transaction.atomic():
        plan = (
            RemedialPlan.objects.select_for_update()
            .select_related("notice__contract__partnership")
            .get(pk=action.plan_id)
        )
        _complete_if_done(plan, by=by)


def close_notice(
    notice: PerformanceNotice,
    *,
    reason: str,
    expected_version: int | None,
    by: Any,
    on: dt.date | None = None,
) -> PerformanceNotice:
    """A commissioner closes an open notice with a reason, whatever its plan's state."""
    reason = (reason or "").strip()
    if not reason:
        raise NoticeError("Give the reason for closing the notice.")
    with transaction.atomic():
        fresh = (
            PerformanceNotice.objects.select_for_update()
            .select_related("contract__partnership")
            .get(pk=notice.pk)
        )
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEdit(fresh)
        _open(fresh)
        fresh.status = NoticeStatus.CLOSED
        fresh.closed_on = on or today_for(fresh.contract.partnership)
        fresh.closed_reason = reason
        fresh.closed_by = by if getattr(by, "pk", None) else None
        save_versioned(fresh, expected_version=fresh.version, by=by)
    notice.__dict__.update(fresh.__dict__)
    return fresh


def escalate(notice: PerformanceNotice, *, level: str, note: str, by: Any) -> Escalation:
    return Escalation.objects.create(notice=notice, level=level, note=note, by=by)
