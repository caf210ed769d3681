"""Querysets and page data for contracts and procurement (select/prefetch in one place).

Every page here runs a fixed number of queries whatever the number of contracts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from jointly.accounts.permissions import Scope
from jointly.contracts import terms, values
from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from jointly.partnerships.models import Partnership
from jointly.performance.models import (
    ActionStatus,
    NoticeStatus,
    PerformanceNotice,
    PlanStatus,
    RemedialAction,
)


def contracts(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Contract]:
    """The partnership's contracts; a provider's ``scope`` narrows them to its own."""
    qs = Contract.objects.filter(partnership=partnership)
    return qs if scope is None else scope.filter(qs, "provider")


def register(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Contract]:
    return (
        contracts(partnership, scope)
        .select_related("provider", "lead_commissioner", "coordinating_commissioner", "partnership")
        .prefetch_related(
            Prefetch("variations", queryset=Variation.objects.order_by("effective_date", "id")),
            "services__themes",
            "intentions__themes",
        )
        .order_by("end_date", "reference")
    )


def detail(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Contract]:
    return (
        contracts(partnership, scope)
        .select_related("provider", "lead_commissioner", "coordinating_commissioner", "partnership", "buyer")
        .prefetch_related(
            "suppliers",
            Prefetch(
                "variations",
                queryset=Variation.objects.select_related("decided_by").order_by("effective_date", "id"),
            ),
            Prefetch("funding", queryset=FundingShare.objects.select_related("commissioner")),
            "services",
            "intentions",
            "outcomes__framework",
            "documents",
            "subcontractors__organisation",
            "replaced_by",
            Prefetch("performance_notices", queryset=open_notices(), to_attr="open_notices"),
        )
    )


def open_notices() -> QuerySet[PerformanceNotice]:
    """Performance notices still in play: open (an agreed plan keeps its notice open until its
    actions are done) and whose remedial plan is not completed,
    with their KPIs and the plan's actions not yet done (``plan.due_actions``)."""
    return (
        PerformanceNotice.objects.filter(status=NoticeStatus.OPEN)
        .exclude(plan__status=PlanStatus.COMPLETED)
        .select_related("plan")
        .prefetch_related(
            "kpis",
            Prefetch(
                "plan__actions",
                queryset=RemedialAction.objects.exclude(status=ActionStatus.DONE),
                to_attr="due_actions",
            ),
        )
        .order_by("-issued_on", "-id")
    )


def for_export(partnership: Partnership) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(partnership=partnership)
        .select_related("provider", "lead_commissioner", "buyer")
        .prefetch_related(
            Prefetch("variations", queryset=Variation.objects.order_by("effective_date", "id")),
            Prefetch("funding", queryset=FundingShare.objects.select_related("commissioner")),
            "documents",
            "subcontractors__organisation",
            "suppliers",
        )
        .order_by("reference")
    )


def procurements(partnership: Partnership) -> QuerySet[ProcurementProject]:
    return (
        ProcurementProject.objects.filter(partnership=partnership)
        .select_related("lead_commissioner", "buyer", "resulting_contract__partnership", "partnership")
        .prefetch_related(
            Prefetch("stages", queryset=ProcurementStage.objects.order_by("planned_date", "id")),
            "intentions__themes",
            "replaces",
        )
        .order_by("reference")
    )


def procurement_detail(partnership: Partnership) -> QuerySet[ProcurementProject]:
    return (
        procurements(partnership)
        .select_related("partnership")
        .prefetch_related(
            Prefetch("conflicts", queryset=ConflictOfInterest.objects.order_by("-declared_on", "id")),
        )
    )


def funding_table(contract: Contract) -> dict[str, Any]:
    """Funding shares as years × (commissioner, stream) with totals; ring-fenced PH marked."""
    shares = list(contract.funding.all())
    years = sorted({s.financial_year for s in shares})
    keys = sorted(
        {(s.commissioner.name, s.get_funding_stream_display(), s.ring_fenced_public_health) for s in shares}
    )
    cells = {(s.financial_year, s.commissioner.name, s.get_funding_stream_display(), s.ring_fenced_public_health): s
             for s in shares}  # fmt: skip
    rows_out = []
    for key in keys:
        amounts = [cells.get((y, *key)) for y in years]
        rows_out.append({"commissioner": key[0], "stream": key[1], "ring_fenced": key[2], "cells": amounts})
    totals = [sum((s.amount for s in shares if s.financial_year == y), start=0) for y in years]
    return {"years": years, "rows": rows_out, "totals": totals, "shares": shares}


def value_by_year(contract: Contract, current: terms.Terms) -> list[values.YearCheck]:
    """The contract's value in each financial year beside the funding shares recorded for it."""
    return values.reconcile(current.by_year, ((s.financial_year, s.amount) for s in contract.funding.all()))


@dataclass
class VariationEvent:
    when: Any
    who: str
    variation_id: int
    kind: str
    status: str
    action: str
    reason: str


def variation_history(contract: Contract) -> list[VariationEvent]:
    """Every recorded step of the contract's variations (proposed, edited, decided), newest first.

    One query however many variations there are.
    """
    records = (
        Variation.history.filter(contract_id=contract.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    labels = {"+": "Proposed", "~": "Changed", "-": "Deleted"}
    events = []
    for r in records:
        who = r.history_user.display_name if r.history_user else "system"
        action = labels.get(r.history_type, "?")
        if r.history_type == "~" and r.status != "proposed":
            action = r.get_status_display()
        events.append(
            VariationEvent(
                r.history_date, who, r.id, r.get_kind_display(), r.get_status_display(), action, r.reason
            )
        )
    return events
