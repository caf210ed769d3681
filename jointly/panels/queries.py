"""Reading panels: the case lists members see, the oversight lists, and the figures that leave the panel.

:func:`commitments` is the finance feature's way in: each funder's committed spend in a financial
year (confirmed package versions only, part years pro rata by day). :func:`package_years` gives the
plain records the aggregates are made from (no reference, no identifier): the only panel data that
leaves the panel, and only through the suppression in :mod:`jointly.panels.figures`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
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
    PackageType,
    PackageVersion,
    Panel,
)
from jointly.partnerships.models import Partnership


def fy_bounds(financial_year: str) -> tuple[dt.date, dt.date]:
    """April 1 to March 31 of ``2014/15`` (also ``2014-15``, ``FY14/15``)."""
    period = periods.parse(financial_year, periods.Kind.FINANCIAL_YEAR)
    return period.start, period.end


def fy_text(financial_year: str) -> str:
    return periods.parse(financial_year, periods.Kind.FINANCIAL_YEAR).text


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
    """A version and the days it applies."""

    version: PackageVersion
    start: dt.date
    end: dt.date


def spans(package: Package, *, confirmed_only: bool) -> list[Span]:
    """Each version from its effective date to the day before the next one (or its own end, or the
    case's end). With ``confirmed_only`` (commitments) an unconfirmed version is skipped: until its
    shares are confirmed it commits nothing and the version before it still applies."""
    versions = [v for v in package.versions.all() if v.confirmed or not confirmed_only]
    out = []
    stop = package.case.ended_on
    for i, v in enumerate(versions):
        end = v.ends_on
        if i + 1 < len(versions):
            end = min(end, versions[i + 1].effective_from - dt.timedelta(days=1))
        if stop is not None:
            end = min(end, stop)
        if end >= v.effective_from:
            out.append(Span(v, v.effective_from, end))
    return out


def funder_label(organisation: Any, stream: str) -> str:
    return f"{organisation.name} ({STREAM_LABELS.get(stream, stream)})"


STREAM_LABELS = dict(FundingStream.choices)
TYPE_LABELS = dict(PackageType.choices)


def package_years(partnership: Partnership, financial_year: str, panel: Panel | None = None) -> list[Any]:
    """The confirmed package versions in force in ``financial_year``, as the pure aggregates need them
    (:class:`jointly.panels.suppression.PackageFacts`): nothing that identifies the child; the case
    reference only to count a case once (never written out). A version changed at review and not
    yet confirmed leaves the confirmed one in force, as for commitments, so the aggregates and the
    commitments always describe the same packages."""
    start, end = fy_bounds(financial_year)
    facts = []
    for package in _packages(partnership, panel):
        case = package.case
        for span in spans(package, confirmed_only=True):
            if span.end < start or span.start > end:
                continue
            v = span.version
            facts.append(
                figures.package_facts(
                    reference=case.reference, package_type=TYPE_LABELS.get(v.package_type, v.package_type),
                    need_band=case.need_band.name if case.need_band else "", area=case.area.name if case.area else "",
                    cost=figures.cost(v.amount, v.basis, v.weeks_per_year), start=span.start, end=span.end,
                    shares={funder_label(s.organisation, s.funding_stream): s.annual_amount for s in v.shares.all()},
                    confirmed=v.confirmed,
                )
            )  # fmt: skip
    return facts


def commitments(partnership: Partnership, financial_year: str) -> list[tuple[Any, str, Decimal]]:
    """``[(funder organisation, funding stream, Decimal committed)]`` for ``financial_year``: what
    each funder has committed to jointly funded packages (confirmed versions only; part years pro
    rata by day). Forecast spend for the finance feature, never a budget."""
    start, end = fy_bounds(financial_year)
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    orgs: dict[int, Any] = {}
    for package in _packages(partnership):
        for span in spans(package, confirmed_only=True):
            lo, hi = max(span.start, start), min(span.end, end)
            if hi < lo:
                continue
            v = span.version
            shares = list(v.shares.all())
            weights = {(s.organisation_id, s.funding_stream): s.annual_amount for s in shares}
            for s in shares:
                orgs[s.organisation_id] = s.organisation
            by_year = figures.commitments_by_year(
                figures.cost(v.amount, v.basis, v.weeks_per_year), weights, lo, hi
            )
            for key, pounds in by_year.get(fy_text(financial_year), {}).items():
                totals[key] += pounds
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


def group_comparison(panel: Panel, packages: list[Package]) -> Any:
    """The newest version of this case's newest package against the newest versions of the panel's
    other packages of the same type and need band: (stats, where it sits) for groups of 10 or more."""
    if not packages:
        return None
    versions = list(packages[-1].versions.all())
    if not versions:
        return None
    mine = versions[-1]
    band = packages[-1].case.need_band_id
    latest: dict[int, Decimal] = {}
    rows = (
        PackageVersion.objects.filter(package__case__panel=panel, package__case__need_band_id=band)
        .order_by("package_id", "number")
        .values_list("package_id", "package_type", "annual_cost")
    )
    kinds: dict[int, str] = {}
    for package_id, kind, annual in rows:
        latest[package_id] = annual
        kinds[package_id] = kind
    costs = [a for pid, a in latest.items() if kinds[pid] == mine.package_type]
    found = figures.group_position(mine.annual_cost, costs)
    return None if found is None else (mine, *found)
