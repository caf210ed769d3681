"""Finance writes of more than one step (keyword-only ``by``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.core.approvals import check_four_eyes
from jointly.core.models import StaleEdit, save_versioned
from jointly.finance.models import (
    BudgetLine,
    ChangeKind,
    ChangeStatus,
    ConsultationResponse,
    Contribution,
    FixedShare,
    FundChange,
    LineBudget,
    MonthlyFigure,
    SavingDelivery,
    SavingsScheme,
)
from jointly.partnerships.models import Organisation


def record_month(
    line: BudgetLine, year: str, month: int, *, actual: Decimal | None, forecast: Decimal | None, by: Any
) -> MonthlyFigure:
    """Set a line's actual and/or forecast for a month (a blank leaves the recorded value)."""
    with transaction.atomic():
        figure = MonthlyFigure.objects.filter(line=line, financial_year=year, month=month).first()
        if figure is None:
            figure = MonthlyFigure(line=line, financial_year=year, month=month)
        if actual is not None:
            figure.actual = actual
        if forecast is not None:
            figure.forecast_outturn = forecast
        return save_versioned(figure, expected_version=figure.version if figure.pk else None, by=by)


def record_delivery(
    scheme: SavingsScheme, year: str, month: int, *, amount: Decimal, by: Any
) -> SavingDelivery:
    with transaction.atomic():
        d = SavingDelivery.objects.filter(scheme=scheme, financial_year=year, month=month).first()
        if d is None:
            d = SavingDelivery(scheme=scheme, financial_year=year, month=month)
        d.amount = amount
        return save_versioned(d, expected_version=d.version if d.pk else None, by=by)


# --- change control ----------------------------------------------------------------------------


class ChangeControlError(Exception):
    """A decision change control does not allow (deciding twice, the wrong board, Public Health
    not consulted)."""


def decide_change(
    change: FundChange,
    *,
    approve: bool,
    board: Any = None,
    decided_on: dt.date | None = None,
    decision_reference: str = "",
    reason: str = "",
    expected_version: int | None,
    by: Any,
) -> FundChange:
    """Approve (by the board the fund's agreement names, with the date and reference of its
    decision) or reject (with a reason) a proposed change. The person recording the decision must
    not be whoever proposed or last changed the proposal (four eyes). Approving applies the change,
    keeping what it replaced in ``previous``; each record it alters gets an audit entry."""
    reason, decision_reference = (reason or "").strip(), (decision_reference or "").strip()
    with transaction.atomic():
        fresh = (
            FundChange.objects.select_for_update(of=("self",))
            .select_related(
                "fund__agreement__managing_board", "fund__change_board", "line", "from_line", "rule"
            )
            .get(pk=change.pk)
        )
        if fresh.status != ChangeStatus.PROPOSED:
            raise ChangeControlError(f"This change was already {fresh.get_status_display().lower()}.")
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEdit(fresh)
        check_four_eyes(by, fresh.proposed_by_id, record=fresh, also=[fresh.modified_by_id],
                        what="fund change", decide="approve or reject")  # fmt: skip
        if approve:
            named = fresh.fund.approving_board
            if named is None:
                raise ChangeControlError(
                    "The fund's agreement names no board to approve in-year changes: name one on the fund first."
                )
            if board is None or board.pk != named.pk:
                raise ChangeControlError(f"In-year changes to this fund are approved by {named.name}.")
            if decided_on is None or not decision_reference:
                raise ChangeControlError("Give the date and the reference (minute) of the board's decision.")
            if (
                fresh.touches_public_health
                and not fresh.consultations.exclude(response=ConsultationResponse.AWAITING).exists()
            ):
                raise ChangeControlError(
                    "This change moves Public Health ring-fenced money: log Public Health's response to the "
                    "consultation first."
                )
            fresh.previous = _apply(fresh, by)
            fresh.status = ChangeStatus.APPROVED
            fresh.board = board
            fresh.decided_on = decided_on
            fresh.decision_reference = decision_reference
        else:
            if not reason:
                raise ChangeControlError("Give the reason for rejecting the change.")
            fresh.status = ChangeStatus.REJECTED
            fresh.decided_on = decided_on or timezone.localdate()
        fresh.reason = reason
        fresh.decided_by = by if getattr(by, "pk", None) else None
        return save_versioned(fresh, expected_version=fresh.version, by=by)


def _set_budget(line: BudgetLine, year: str, amount: Decimal, change: FundChange, by: Any) -> str:
    budget = LineBudget.objects.filter(line=line, financial_year=year).first()
    before = budget.amount if budget else None
    if budget is None:
        budget = LineBudget(line=line, financial_year=year)
    budget.amount = amount
    budget._change_reason = f"Fund change {change.pk} approved"  # type: ignore[attr-defined]
    save_versioned(budget, expected_version=budget.version if budget.pk else None, by=by)
    return "" if before is None else f"{before:.2f}"


def _apply(change: FundChange, by: Any) -> dict[str, Any]:
    year = change.financial_year
    if change.kind == ChangeKind.BUDGET:
        return {"line_budget": _set_budget(change.line, year, change.amount, change, by)}
    if change.kind == ChangeKind.VIREMENT:
        giving = LineBudget.objects.filter(line=change.from_line, financial_year=year).first()
        available = giving.amount if giving else Decimal("0")
        if change.amount > available:
            raise ChangeControlError(
                f"Line {change.from_line.code} has £{available:,.2f} for {year}: it cannot give £{change.amount:,.2f}."
            )
        receiving = LineBudget.objects.filter(line=change.line, financial_year=year).first()
        to_before = receiving.amount if receiving else Decimal("0")
        return {
            "from_line_budget": _set_budget(change.from_line, year, available - change.amount, change, by),
            "line_budget": _set_budget(change.line, year, to_before + change.amount, change, by),
        }
    if change.kind == ChangeKind.CONTRIBUTION:
        c = Contribution.objects.filter(fund=change.fund, organisation=change.organisation,
                                        financial_year=year).first()  # fmt: skip
        before = c.amount if c else None
        if c is None:
            c = Contribution(fund=change.fund, organisation=change.organisation, financial_year=year)
        c.amount = change.amount
        c._change_reason = f"Fund change {change.pk} approved"  # type: ignore[attr-defined]
        save_versioned(c, expected_version=c.version if c.pk else None, by=by)
        return {"contribution": "" if before is None else f"{before:.2f}"}
    # risk share: replace the rule's fixed percentages
    rule = change.rule
    before = {s.organisation.slug: f"{s.percent:.2f}" for s in rule.shares.select_related("organisation")}
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=list(change.shares))}
    missing = sorted(set(change.shares) - set(orgs))
    if missing:
        raise ChangeControlError(f"Unknown organisation: {', '.join(missing)}.")
    rule.shares.all().delete()
    for slug, percent in change.shares.items():
        FixedShare.objects.create(rule=rule, organisation=orgs[slug], percent=Decimal(str(percent)))
    rule._change_reason = f"Fund change {change.pk} approved"  # type: ignore[attr-defined]
    save_versioned(rule, expected_version=rule.version, by=by)
    return {"shares": before}
