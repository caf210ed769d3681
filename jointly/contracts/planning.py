"""Contract and procurement planning computed from loaded records: derived terms per contract,
expiry and alignment, the timeline (Gantt) geometry and the procurement pipeline.

Pure: no Django import. It reads attributes of the records :mod:`jointly.contracts.queries`
loads (with their prefetches), so it runs no query of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jointly.contracts import terms

# --- rows with derived terms ------------------------------------------------------------------


@dataclass
class ContractRow:
    contract: Any  # a Contract
    terms: terms.Terms
    notice_by: dt.date
    latest_end: dt.date
    themes: set[str] = field(default_factory=set)
    status: str = terms.LIVE  # as at the date the rows were made for (terms.status_as_at)

    @property
    def end_date(self) -> dt.date:
        return self.terms.end_date

    @property
    def status_label(self) -> str:
        return terms.STATUS_LABELS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in terms.OPEN


def themes_of(contract: Any) -> set[str]:
    names = {t.name for s in contract.services.all() for t in s.themes.all()}
    return names | {t.name for i in contract.intentions.all() for t in i.themes.all()}


def rows(qs: Iterable[Any], as_at: dt.date) -> list[ContractRow]:
    """Each contract with its current terms and its status as at ``as_at``."""
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
                c.status_as_at(as_at),
            )
        )
    return result


def expiring(all_rows: list[ContractRow], today: dt.date, months: int) -> list[ContractRow]:
    """Open contracts ending, or needing notice, within ``months`` of ``today``; by notice date."""
    horizon = terms.add_months(today, months)
    found = [
        r
        for r in all_rows
        if r.is_open and r.end_date >= today and (r.end_date <= horizon or r.notice_by <= horizon)
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
        (r for r in all_rows if r.is_open and r.contract.lead_commissioner_id),
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
    """Coordinates for a server-rendered Gantt of open contracts around ``today`` (rows made as at it)."""
    open_rows = [r for r in all_rows if r.is_open]
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

MARKET_STAGES = ("tender", "market_engagement")  # StageKind.TENDER, StageKind.MARKET_ENGAGEMENT
GO_LIVE = "go_live"  # StageKind.GO_LIVE


@dataclass
class PipelineRow:
    project: Any  # a ProcurementProject
    market_date: dt.date | None
    go_live: dt.date | None
    quarter: str
    themes: set[str]
    next_stage: Any  # a ProcurementStage, or None


def pipeline_rows(projects: Iterable[Any]) -> list[PipelineRow]:
    result = []
    for p in projects:
        stages = {s.stage: s for s in p.stages.all()}
        market = next((stages[k] for k in MARKET_STAGES if k in stages), None)
        market_date = (market.actual_date or market.planned_date) if market else None
        go_live = stages.get(GO_LIVE)
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
