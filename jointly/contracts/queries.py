"""Querysets and page data for contracts and procurement (select/prefetch in one place).

Every page here runs a fixed number of queries whatever the number of contracts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from jointly.accounts.permissions import Scope
from jointly.contracts import terms
from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    ContractStatus,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    StageKind,
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

CLOSED = (ContractStatus.ENDED, ContractStatus.DECOMMISSIONED)


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
    """Performance notices still in play: not withdrawn and whose remedial plan is not completed,
    with their KPIs and the plan's actions not yet done (``plan.due_actions``)."""
    return (
        PerformanceNotice.objects.exclude(status=NoticeStatus.WITHDRAWN)
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


# --- rows with derived terms ------------------------------------------------------------------


@dataclass
class ContractRow:
    contract: Contract
    terms: terms.Terms
    notice_by: dt.date
    latest_end: dt.date
    themes: set[str] = field(default_factory=set)

    @property
    def end_date(self) -> dt.date:
        return self.terms.end_date


def themes_of(contract: Contract) -> set[str]:
    names = {t.name for s in contract.services.all() for t in s.themes.all()}
    return names | {t.name for i in contract.intentions.all() for t in i.themes.all()}


def rows(qs: QuerySet[Contract] | list[Contract]) -> list[ContractRow]:
    result = []
    for c in qs:
        current = c.current_terms()
        result.append(
            ContractRow(
                c,
                current,
                terms.notice_by(current.end_date, c.notice_months),
                terms.latest_possible_end(current.end_date, c.extension_count, c.extension_months),
                themes_of(c),
            )
        )
    return result


def expiring(all_rows: list[ContractRow], today: dt.date, months: int) -> list[ContractRow]:
    """Open contracts ending, or needing notice, within ``months`` of ``today``; by notice date."""
    horizon = terms.add_months(today, months)
    found = [
        r
        for r in all_rows
        if r.contract.status not in CLOSED
        and r.end_date >= today
        and (r.end_date <= horizon or r.notice_by <= horizon)
    ]
    return sorted(found, key=lambda r: (r.notice_by, r.end_date, r.contract.reference))


@dataclass
class Alignment:
    first: ContractRow
    second: ContractRow
    reasons: list[str]
    days_apart: int


def alignments(all_rows: list[ContractRow], window_months: int, limit: int = 200) -> list[Alignment]:
    """Pairs of open contracts held by different lead commissioners, in the same theme or with the
    same provider, whose current end dates fall within ``window_months`` of each other."""
    open_rows = sorted(
        (r for r in all_rows if r.contract.status not in CLOSED and r.contract.lead_commissioner_id),
        key=lambda r: r.end_date,
    )
    found: list[Alignment] = []
    for i, a in enumerate(open_rows):
        limit_day = terms.add_months(a.end_date, window_months)
        for b in open_rows[i + 1 :]:
            if b.end_date > limit_day:
                break
            if a.contract.lead_commissioner_id == b.contract.lead_commissioner_id:
                continue
            reasons = [f"same theme: {t}" for t in sorted(a.themes & b.themes)]
            if a.contract.provider_id and a.contract.provider_id == b.contract.provider_id:
                reasons.insert(0, f"same provider: {a.contract.provider.name}")
            if reasons:
                found.append(Alignment(a, b, reasons, (b.end_date - a.end_date).days))
                if len(found) >= limit:
                    return found
    return found


# --- timeline (SVG Gantt) -------------------------------------------------------------------------


@dataclass
class Bar:
    row: ContractRow
    y: int
    x: float
    width: float
    ext_x: float
    ext_width: float
    notice_x: float


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    label_width: int
    today_x: float | None
    start: dt.date
    end: dt.date


def timeline(
    all_rows: list[ContractRow], today: dt.date, years_before: int = 1, years_after: int = 4
) -> Timeline:
    """Coordinates for a server-rendered Gantt of open contracts around ``today``."""
    open_rows = [r for r in all_rows if r.contract.status not in CLOSED]
    start = dt.date(today.year - years_before, 1, 1)
    end = dt.date(today.year + years_after + 1, 1, 1)
    if open_rows:
        start = min(start, dt.date(min(r.contract.start_date for r in open_rows).year, 1, 1))
        end = max(end, dt.date(max(r.latest_end for r in open_rows).year + 1, 1, 1))
    label_width, plot_width, row_height, top = 260, 720, 24, 30
    span = (end - start).days or 1

    def x(day: dt.date) -> float:
        day = min(max(day, start), end)
        return round(label_width + plot_width * (day - start).days / span, 1)

    bars = []
    for index, r in enumerate(sorted(open_rows, key=lambda r: (r.end_date, r.contract.reference))):
        x0, x1, x2 = x(r.contract.start_date), x(r.end_date), x(r.latest_end)
        bars.append(
            Bar(r, top + index * row_height, x0, max(x1 - x0, 1), x1, max(x2 - x1, 0), x(r.notice_by))
        )
    ticks = [Tick(x(dt.date(y, 1, 1)), str(y)) for y in range(start.year, end.year + 1)]
    today_x = x(today) if start <= today <= end else None
    return Timeline(
        bars, ticks, label_width + plot_width + 10, top + len(bars) * row_height + 10, label_width, today_x,
        start, end,
    )  # fmt: skip


# --- pipeline -------------------------------------------------------------------------------------

MARKET_STAGES = (StageKind.TENDER, StageKind.MARKET_ENGAGEMENT)


@dataclass
class PipelineRow:
    project: ProcurementProject
    market_date: dt.date | None
    go_live: dt.date | None
    quarter: str
    themes: set[str]
    next_stage: ProcurementStage | None


def pipeline_rows(projects: QuerySet[ProcurementProject] | list[ProcurementProject]) -> list[PipelineRow]:
    result = []
    for p in projects:
        stages = {s.stage: s for s in p.stages.all()}
        market = next((stages[k] for k in MARKET_STAGES if k in stages), None)
        market_date = (market.actual_date or market.planned_date) if market else None
        go_live = stages.get(StageKind.GO_LIVE)
        pending = [s for s in p.stages.all() if s.actual_date is None]
        result.append(
            PipelineRow(
                p,
                market_date,
                go_live.planned_date if go_live else None,
                terms.quarter_label(market_date) if market_date else "No date",
                {t.name for i in p.intentions.all() for t in i.themes.all()},
                pending[0] if pending else None,
            )
        )
    return sorted(result, key=lambda r: (r.market_date or dt.date.max, r.project.reference))


@dataclass
class JointOpportunity:
    quarter: str
    theme: str
    projects: list[PipelineRow]


def joint_opportunities(pipeline: list[PipelineRow]) -> list[JointOpportunity]:
    """Projects of different lead commissioners coming to market in the same quarter and theme."""
    cells: dict[tuple[str, str], list[PipelineRow]] = defaultdict(list)
    for r in pipeline:
        if r.market_date is None or r.project.status in ("cancelled", "complete"):
            continue
        for theme in r.themes:
            cells[(r.quarter, theme)].append(r)
    found = []
    for (quarter, theme), members in sorted(cells.items()):
        leads = {m.project.lead_commissioner_id for m in members}
        if len(leads) > 1:
            found.append(JointOpportunity(quarter, theme, members))
    return found


def group_by_quarter(pipeline: list[PipelineRow]) -> list[tuple[str, list[PipelineRow]]]:
    groups: dict[str, list[PipelineRow]] = {}
    for r in pipeline:
        groups.setdefault(r.quarter, []).append(r)
    return list(groups.items())


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
