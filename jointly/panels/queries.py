"""Reading panels: the case lists members see, the oversight lists, and the figures that leave the panel.

:func:`commitments` is the finance feature's way in: each funder's committed spend in a financial
year (confirmed package versions only, part years pro rata by day). :func:`package_years` gives the
plain records the aggregates are made from (no reference, no identifier): the only panel data that
leaves the panel, and only through the suppression in :mod:`jointly.panels.figures`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from jointly.core import periods
from jointly.panels import figures
from jointly.panels.models import (
    WAITING_STATUSES,
    Case,
    CaseStatus,
    FunderShare,
    FundingStream,
    Package,
    PackageVersion,
    Panel,
)
from jointly.partnerships.models import Partnership


def fy_bounds(financial_year: str) -> tuple[dt.date, dt.date]:
    """April 1 to March 31 of ``2014/15`` (also ``2014-15``, ``FY14/15``)."""
    period = periods.parse(financial_year, periods.Kind.FINANCIAL_YEAR)
    return period.start, period.end


def panels_of(partnership: Partnership) -> QuerySet[Panel]:
    return Panel.objects.filter(partnership=partnership).order_by("name")


def _packages(partnership: Partnership | None = None, panel: Panel | None = None) -> QuerySet[Package]:
    qs = Package.objects.all()
    if partnership is not None:
        qs = qs.filter(case__panel__partnership=partnership)
    if panel is not None:
        qs = qs.filter(case__panel=panel)
    versions = PackageVersion.objects.order_by("number").prefetch_related(
        Prefetch("shares", queryset=FunderShare.objects.select_related("organisation").order_by("id"))
    )
    return qs.select_related("case__need_band", "case__area").prefetch_related(
        Prefetch("versions", queryset=versions)
    )


@dataclass(frozen=True)
class Span:
    """A confirmed version and the days it applies."""

    version: PackageVersion
    start: dt.date
    end: dt.date


def confirmed_spans(package: Package) -> list[Span]:
    """Each confirmed version from its effective date to the day before the next confirmed one (or
    its own end, or the case's end). An unconfirmed version commits nothing: until its shares are
    confirmed the version before it still applies."""
    confirmed = [v for v in package.versions.all() if v.confirmed]
    spans = []
    stop = package.case.ended_on
    for i, v in enumerate(confirmed):
        end = v.ends_on
        if i + 1 < len(confirmed):
            end = min(end, confirmed[i + 1].effective_from - dt.timedelta(days=1))
        if stop is not None:
            end = min(end, stop)
        if end >= v.effective_from:
            spans.append(Span(v, v.effective_from, end))
    return spans


@dataclass
class PackageYear:
    """One package's part in one financial year, without anything that identifies the child."""

    case_id: int
    package_type: str
    need_band: str
    area: str
    cost: Decimal
    funders: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (organisation, stream label, £)


def _span_cost(span: Span, start: dt.date, end: dt.date) -> tuple[Decimal, list[tuple[Any, str, Decimal]]]:
    lo, hi = max(span.start, start), min(span.end, end)
    if hi < lo:
        return Decimal(0), []
    v = span.version
    cost = figures.cost_between(v.amount, v.basis, v.weeks_per_year, v.annual_cost, lo, hi)
    shares = list(v.shares.all())
    parts = figures.split_by_annual(cost, [s.annual_amount for s in shares])
    return cost, [(s.organisation, s.funding_stream, p) for s, p in zip(shares, parts, strict=True)]


def package_years(
    partnership: Partnership, financial_year: str, panel: Panel | None = None
) -> list[PackageYear]:
    start, end = fy_bounds(financial_year)
    stream_labels = dict(FundingStream.choices)
    out: list[PackageYear] = []
    for package in _packages(partnership, panel):
        spans = confirmed_spans(package)
        if not spans:
            continue
        total = Decimal(0)
        funders: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        kind = ""
        for span in spans:
            cost, parts = _span_cost(span, start, end)
            if cost:
                kind = span.version.package_type
            total += cost
            for org, stream, pounds in parts:
                funders[(org.name, stream_labels.get(stream, stream))] += pounds
        if not total:
            continue
        case = package.case
        out.append(
            PackageYear(
                case.pk, kind, case.need_band.name if case.need_band else "Not banded",
                case.area.name if case.area else "Not recorded", total,
                [(o, s, p) for (o, s), p in sorted(funders.items())],
            )
        )  # fmt: skip
    return out


def commitments(partnership: Partnership, financial_year: str) -> list[tuple[Any, str, Decimal]]:
    """``[(funder organisation, funding stream, Decimal committed)]`` for ``financial_year``: what
    each funder has committed to jointly funded packages (confirmed versions only; part years pro
    rata by day). Forecast spend for the finance feature, never a budget."""
    start, end = fy_bounds(financial_year)
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    orgs: dict[int, Any] = {}
    for package in _packages(partnership):
        for span in confirmed_spans(package):
            _cost, parts = _span_cost(span, start, end)
            for org, stream, pounds in parts:
                orgs[org.pk] = org
                totals[(org.pk, stream)] += pounds
    return sorted(
        ((orgs[pk], stream, amount) for (pk, stream), amount in totals.items() if amount),
        key=lambda r: (r[0].name, r[1]),
    )


# --- what members see -------------------------------------------------------------------------------


def case_list(panel: Panel) -> QuerySet[Case]:
    return panel.cases.select_related("need_band", "area", "referring_organisation").order_by(
        "-referred_on", "reference"
    )


def current_versions(cases: list[Case]) -> dict[int, PackageVersion]:
    """The newest version of each case's newest package (one query)."""
    found: dict[int, PackageVersion] = {}
    rows = (
        PackageVersion.objects.filter(package__case__in=cases)
        .select_related("package")
        .prefetch_related("shares")
        .order_by("package__case_id", "package_id", "number")
    )
    for v in rows:
        found[v.package.case_id] = v
    return found


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class Oversight:
    as_at: dt.date
    reviews_overdue: list[tuple[Case, PackageVersion]]
    reviews_due: list[tuple[Case, PackageVersion]]
    ending: dict[int, list[tuple[Case, PackageVersion]]]
    waiting: list[tuple[Case, int]]


def oversight(panel: Panel, as_at: dt.date, due_days: int = 30) -> Oversight:
    """Reviews overdue and due within ``due_days``, packages ending within 3/6/12 months and
    referrals waiting for a decision, all as at ``as_at``."""
    cases = list(case_list(panel))
    current = current_versions([c for c in cases if c.status == CaseStatus.ACTIVE])
    overdue, due = [], []
    ending: dict[int, list[tuple[Case, PackageVersion]]] = {3: [], 6: [], 12: []}
    for case in cases:
        v = current.get(case.pk)
        if v is None or case.status != CaseStatus.ACTIVE:
            continue
        if v.next_review_on < as_at:
            overdue.append((case, v))
        elif (v.next_review_on - as_at).days <= due_days:
            due.append((case, v))
        if v.ends_on >= as_at:
            for months in (3, 6, 12):
                if v.ends_on <= _add_months(as_at, months):
                    ending[months].append((case, v))
                    break
    waiting = [
        (c, (as_at - c.referred_on).days)
        for c in cases
        if c.status in WAITING_STATUSES and c.referred_on <= as_at
    ]
    waiting.sort(key=lambda x: -x[1])
    overdue.sort(key=lambda x: x[1].next_review_on)
    due.sort(key=lambda x: x[1].next_review_on)
    return Oversight(as_at, overdue, due, ending, waiting)
