"""What the performance pages show about many KPIs at once.

SPC for a whole page is one vectorised :func:`jointly.stats.spc.spc_points` call over every KPI's
series (never one call per KPI); RAG against the target and the late/missing returns are plain
arithmetic on values already loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jointly.performance import returns as rules
from jointly.stats.spc import spc_points, spc_summary

RAG_ORDER = {"red": 3, "amber": 2, "green": 0, "": 1}


def rag(value: float | None, target: float | None, tolerance: float | None, direction: str) -> str:
    """Red/amber/green of a value against its target; ``""`` without a value, target or direction.

    Green: on the right side of (or on) the target. Amber: on the wrong side but within the
    tolerance band. Red: beyond it (with no tolerance, every miss is red).
    """
    if value is None or target is None or direction == "neutral":
        return ""
    shortfall = (target - value) if direction == "increase" else (value - target)
    if shortfall <= 0:
        return "green"
    if tolerance is not None and shortfall <= tolerance:
        return "amber"
    return "red"


@dataclass
class KpiStatus:
    """The headline of one KPI: its latest value, SPC icons and RAG."""

    kpi: Any
    latest_period: str = ""
    latest_date: dt.date | None = None
    latest_value: float | None = None
    n: int = 0
    variation_icon: str | None = None
    assurance_icon: str | None = None
    rag: str = ""
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None
    short_series: bool = False

    @property
    def concern(self) -> bool:
        return bool(self.variation_icon and self.variation_icon.startswith("concern"))

    @property
    def failing(self) -> bool:
        return self.assurance_icon == "fail"

    @property
    def is_exception(self) -> bool:
        return self.concern or self.failing or self.rag == "red"

    @property
    def severity(self) -> int:
        """Higher is worse: concern, failing assurance and red count most."""
        score = 4 * self.concern + 3 * self.failing + RAG_ORDER.get(self.rag, 1)
        score += 1 if self.assurance_icon == "inconsistent" else 0
        if self.variation_icon and self.variation_icon.startswith("improvement"):
            score -= 1
        return score


def series_points(
    rows: Iterable[tuple[int, dt.date, float, str]],
) -> dict[int, list[tuple[dt.date, float, str]]]:
    """``{kpi id: [(period start, value, period label), ...]}`` from flat rows."""
    out: dict[int, list[tuple[dt.date, float, str]]] = {}
    for kpi_id, start, value, label in rows:
        out.setdefault(kpi_id, []).append((start, value, label))
    return out


def statuses(kpis: Sequence[Any], rows: Iterable[tuple[int, dt.date, float, str]]) -> list[KpiStatus]:
    """A :class:`KpiStatus` for each KPI (in the given order), SPC done in one vectorised call.

    ``rows`` are ``(kpi id, period start, value, period label)`` for every return of these KPIs.
    """
    result = {k.pk: KpiStatus(kpi=k) for k in kpis}
    frame = pd.DataFrame(list(rows), columns=["series", "date", "value", "label"])
    if len(frame):
        frame = frame[frame["series"].isin(result.keys())]
    if len(frame):
        frame["target"] = frame["series"].map({k.pk: k.target_float for k in kpis}).astype(float)
        frame["improvement_direction"] = frame["series"].map({k.pk: k.direction for k in kpis})
        summary = spc_summary(spc_points(frame))
        last = (
            frame.sort_values(["series", "date"], kind="stable")
            .drop_duplicates("series", keep="last")
            .set_index("series")
            .reindex(summary["series"])
        )
        columns = zip(
            summary["series"].tolist(),
            summary["n"].tolist(),
            summary["variation_icon"].tolist(),
            summary["assurance_icon"].tolist(),
            summary["mean_col"].tolist(),
            summary["lpl"].tolist(),
            summary["upl"].tolist(),
            summary["short_group_warning"].tolist(),
            last["label"].tolist(),
            last["date"].tolist(),
            last["value"].tolist(),
            strict=True,
        )
        for key, n, v_icon, a_icon, mean, lpl, upl, short, label, when, value in columns:
            status = result[key]
            status.n, status.variation_icon, status.assurance_icon = int(n), v_icon, a_icon
            status.mean, status.lpl, status.upl = float(mean), float(lpl), float(upl)
            status.short_series = bool(short)
            status.latest_period, status.latest_value = str(label), float(value)
            status.latest_date = pd.Timestamp(when).date()
    for status in result.values():
        k = status.kpi
        status.rag = rag(
            status.latest_value,
            k.target_float,
            None if k.tolerance is None else float(k.tolerance),
            k.direction,
        )
    return [result[k.pk] for k in kpis]


def worst_first(items: Iterable[KpiStatus]) -> list[KpiStatus]:
    return sorted(items, key=lambda s: (-s.severity, s.kpi.code))


def exceptions(items: Iterable[KpiStatus]) -> list[KpiStatus]:
    """KPIs with special-cause concern, failing assurance or a red RAG, newest data first."""
    chosen = [s for s in items if s.is_exception]
    return sorted(chosen, key=lambda s: (s.latest_date or dt.date.min, s.severity), reverse=True)


@dataclass
class Overdue:
    kpi: Any
    period: rules.Period
    due: dt.date
    submitted_on: dt.date | None = None  # None: still missing
    as_at: dt.date | None = None  # the date a missing return is counted late to

    @property
    def missing(self) -> bool:
        return self.submitted_on is None

    @property
    def days_late(self) -> int:
        end = self.submitted_on or self.as_at
        assert end is not None, "a missing return is late as at a date"
        return (end - self.due).days


@dataclass
class ReturnsCompliance:
    missing: list[Overdue] = field(default_factory=list)
    late: list[Overdue] = field(default_factory=list)
    as_at: dt.date | None = None


def compliance(
    kpis: Sequence[Any],
    submitted: Iterable[tuple[int, str, dt.date]],
    today: dt.date,
    since: dt.date | None = None,
) -> ReturnsCompliance:
    """Returns missing past their due date, and returns submitted after it, as at ``today``.

    ``submitted`` holds ``(kpi id, period label, first submitted on)``; each KPI's expected
    periods are those wholly within its valid span (see ``Kpi.valid_span``) that ended by
    ``today`` (and start on or after ``since`` when given). ``today`` is the as-at date: a
    return first submitted after it had not arrived yet.
    """
    got: dict[tuple[int, str], dt.date] = {(k, p): d for k, p, d in submitted if d <= today}
    out = ReturnsCompliance(as_at=today)
    for kpi in kpis:
        start, end = kpi.valid_span()
        if start is None:
            continue
        if since is not None:
            start = max(start, since)
        last = min(end, today) if end is not None else today
        for period in rules.periods_between(start, last, kpi.frequency):
            due = rules.due_date(period, kpi.due_days)
            when = got.get((kpi.pk, period.label))
            if when is None:
                if due < today:
                    out.missing.append(Overdue(kpi, period, due, as_at=today))
            elif when > due:
                out.late.append(Overdue(kpi, period, due, when))
    out.missing.sort(key=lambda o: (o.due, o.kpi.code))
    out.late.sort(key=lambda o: (o.due, o.kpi.code), reverse=True)
    return out
