"""Documents people pass around: the "turn the curve" plan of a KPI and the partnership's
performance pack (icons summary, exceptions, late returns, remedial plans), as page data and DOCX."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from jointly.accounts.permissions import Scope
from jointly.core.asat import today_for
from jointly.performance import analysis, charts, queries
from jointly.performance import returns as rules
from jointly.performance.forecast import Forecast, forecast
from jointly.performance.models import Kpi, PerformanceNotice, TurnTheCurve

VARIATION_WORDS = charts.VARIATION_LABELS
ASSURANCE_WORDS = charts.ASSURANCE_LABELS


@dataclass
class CurveReport:
    kpi: Kpi | None
    plan: TurnTheCurve | None
    labels: list[str]
    values: list[float]
    future_labels: list[str] = field(default_factory=list)
    forecast: Forecast | None = None
    svg: str = ""
    note: str = ""
    indicator: Any = None  # a population indicator (needs.Indicator) in ``area`` instead of a KPI
    area: Any = None

    @property
    def unit(self) -> str:
        return self.kpi.unit if self.kpi is not None else self.indicator.unit

    @property
    def future_rows(self) -> list[tuple[str, str, str, str]]:
        if self.forecast is None:
            return []
        unit = self.unit
        return [
            (label, charts.fmt(float(p), unit), charts.fmt(float(lo), unit), charts.fmt(float(hi), unit))
            for label, p, lo, hi in zip(
                self.future_labels,
                self.forecast.predicted,
                self.forecast.lower,
                self.forecast.upper,
                strict=True,
            )
        ]


def _forecast(
    report: CurveReport, future_labels: Any, *, title: str, unit: str, target: float | None = None
) -> CurveReport:
    """Add the forecast "if nothing changes" (and its chart) to ``report``, when it has at least
    three values; ``future_labels(horizon)`` names the periods ahead."""
    horizon = report.plan.horizon if report.plan else 12
    if sum(1 for v in report.values if not math.isnan(v)) >= 3:
        report.forecast = forecast(report.values, horizon=horizon)
        report.future_labels = future_labels(horizon)
        report.svg = charts.forecast_svg(
            report.labels,
            report.values,
            report.future_labels,
            report.forecast.predicted,
            report.forecast.lower,
            report.forecast.upper,
            title=f"{title}: history and forecast if nothing changes",
            unit=unit,
            target=target,
        )
    else:
        report.note = "At least three values are needed for a forecast."
    return report


def turn_the_curve(kpi: Kpi) -> CurveReport:
    """Turn the curve for a KPI's returns."""
    plan = TurnTheCurve.objects.filter(kpi=kpi).first()
    rows = list(kpi.returns.order_by("period_start").values_list("period_start", "value"))
    labels = [charts.period_label(d, kpi.frequency) for d, _ in rows]
    values = [v for _, v in rows]
    report = CurveReport(kpi=kpi, plan=plan, labels=labels, values=values)

    def future_labels(horizon: int) -> list[str]:
        period, found = rules.period_of(rows[-1][0], kpi.frequency), []
        for _ in range(horizon):
            period = rules.next_period(period)
            found.append(charts.period_label(period.start, kpi.frequency))
        return found

    return _forecast(
        report, future_labels, title=f"{kpi.code} {kpi.name}", unit=kpi.unit, target=kpi.target_float
    )


_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_ROLLING = re.compile(r"^(\d{4}) - (\d{2})$")


def next_period_labels(last: str, horizon: int) -> list[str]:
    """Labels for the periods after a published period label (``2019``, ``2019/20``, ``2017 - 19``);
    ``+1``, ``+2``... when the label is in no known form."""
    labels = []
    for k in range(1, horizon + 1):
        if m := _YEAR.match(last):
            labels.append(str(int(m[1]) + k))
        elif m := _FINANCIAL_YEAR.match(last):
            y = int(m[1]) + k
            labels.append(f"{y}/{(y + 1) % 100:02d}")
        elif m := _ROLLING.match(last):
            y = int(m[1]) + k
            span = (int(m[2]) - int(m[1]) % 100) % 100
            labels.append(f"{y} - {(y + span) % 100:02d}")
        else:
            labels.append(f"{last} +{k}")
    return labels


def indicator_curve(partnership: Any, indicator: Any, area: Any) -> CurveReport:
    """Turn the curve for a population indicator's headline series in one area."""
    from jointly.needs import benchmarking

    plan = TurnTheCurve.objects.filter(partnership=partnership, indicator=indicator, area=area).first()
    row = benchmarking.trend(indicator, area)
    series = row.series if row is not None else []
    labels = [v.period for v in series]
    values = [math.nan if v.value is None else v.value for v in series]
    report = CurveReport(kpi=None, plan=plan, labels=labels, values=values, indicator=indicator, area=area)
    return _forecast(
        report,
        lambda horizon: next_period_labels(labels[-1], horizon),
        title=f"{indicator.name}, {area.name}",
        unit=indicator.unit,
    )


def _doc():  # type: ignore[no-untyped-def]
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    return doc


def _table(doc: Any, headers: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def curve_docx(report: CurveReport, partnership: Any = None) -> bytes:
    kpi = report.kpi
    unit = report.unit
    doc = _doc()
    produced = f"produced {timezone.localdate():%-d %B %Y}"
    if kpi is not None:
        doc.add_heading(f"Turning the curve: {kpi.name}", level=0)
        doc.add_paragraph(f"{kpi.partnership.name} · KPI {kpi.code} · {produced}")
        illustrative = kpi.illustrative
    else:
        doc.add_heading(f"Turning the curve: {report.indicator.name}", level=0)
        doc.add_paragraph(
            f"{partnership.name} · population indicator in {report.area.name} ({report.area.gss_code}) · "
            f"{produced}"
        )
        illustrative = report.indicator.illustrative
    if illustrative:
        doc.add_paragraph("Values are illustrative (demo data).")
    doc.add_heading("1. The curve: where we have been", level=1)
    if report.values:
        doc.add_paragraph(
            f"{len(report.values)} periods from {report.labels[0]} to {report.labels[-1]}; latest "
            f"{charts.fmt(report.values[-1], unit)}"
            + (
                f" against a target of {charts.fmt(kpi.target_float, unit)}."
                if kpi is not None and kpi.target is not None
                else "."
            )
        )
    else:
        doc.add_paragraph("No values yet.")
    doc.add_heading("2. Where we are heading if nothing changes", level=1)
    if report.forecast is not None:
        f = report.forecast
        doc.add_paragraph(
            f"The straight-line trend is {f.direction} by {charts.fmt(abs(f.slope), unit)} a period "
            f"(R² {f.r_squared:.2f}). Forecast with a {int(f.level * 100)}% prediction interval:"
        )
        _table(doc, ["Period", "Forecast", "Lower", "Upper"], [list(r) for r in report.future_rows])
    else:
        doc.add_paragraph(report.note)
    plan = report.plan
    sections = [
        ("3. The story behind the curve", plan.story if plan else ""),
        ("4. Partners with a role to play", "\n".join(plan.partner_lines()) if plan else ""),
        ("5. What works", plan.what_works if plan else ""),
        ("6. Action plan", plan.action_plan if plan else ""),
    ]
    for heading, text in sections:
        doc.add_heading(heading, level=1)
        doc.add_paragraph(text or "Not yet written.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@dataclass
class Pack:
    partnership: Any
    statuses: list[analysis.KpiStatus]
    exceptions: list[analysis.KpiStatus]
    compliance: analysis.ReturnsCompliance
    notices: list[PerformanceNotice]
    produced: dt.date
    as_at: dt.date


def pack(partnership: Any, scope: Scope | None = None, *, as_at: dt.date | None = None) -> Pack:
    """The performance section of the partnership's board pack, in a fixed number of queries.

    Late and missing returns are counted as at ``as_at`` (default: the partnership's "today",
    see core.asat)."""
    kpi_qs = queries.kpis(partnership, scope)
    kpis = list(kpi_qs)
    statuses = analysis.statuses(kpis, queries.return_rows(kpi_qs))
    as_at = as_at or today_for(partnership)
    return Pack(
        partnership=partnership,
        statuses=analysis.worst_first(statuses),
        exceptions=analysis.exceptions(statuses),
        compliance=analysis.compliance(kpis, queries.submitted_rows(kpi_qs), as_at),
        notices=list(queries.notices(partnership, scope)),
        produced=timezone.localdate(),
        as_at=as_at,
    )


def pack_docx(data: Pack) -> bytes:
    doc = _doc()
    doc.add_heading(f"{data.partnership.name}: provider performance", level=0)
    doc.add_paragraph(
        f"As at {data.as_at.day} {data.as_at:%B %Y}. Produced {data.produced:%-d %B %Y} from Jointly. "
        "Icons follow NHS 'Making Data Count'."
    )
    doc.add_heading("1. All KPIs, worst first", level=1)
    _table(
        doc,
        ["KPI", "Latest", "Target", "RAG", "Variation", "Assurance"],
        [
            [
                f"{s.kpi.code} {s.kpi.name}",
                f"{charts.fmt(s.latest_value, s.kpi.unit)} ({s.latest_period or '–'})",
                charts.fmt(s.kpi.target_float, s.kpi.unit),
                s.rag.capitalize() or "–",
                VARIATION_WORDS.get(s.variation_icon or "", "–"),
                ASSURANCE_WORDS.get(s.assurance_icon or "", "–"),
            ]
            for s in data.statuses
        ],
    )
    doc.add_heading("2. Exceptions", level=1)
    if data.exceptions:
        for s in data.exceptions:
            doc.add_paragraph(
                f"{s.kpi.code} {s.kpi.name}: {charts.fmt(s.latest_value, s.kpi.unit)} in {s.latest_period}"
                f" — {VARIATION_WORDS.get(s.variation_icon or '', '')}; "
                f"{ASSURANCE_WORDS.get(s.assurance_icon or '', 'no target')}; RAG {s.rag or 'none'}.",
                style="List Bullet",
            )
    else:
        doc.add_paragraph("None.")
    doc.add_heading("3. Late and missing returns", level=1)
    doc.add_paragraph(
        f"As at {data.as_at.day} {data.as_at:%B %Y}, {len(data.compliance.missing)} returns are missing "
        f"past their due date and {len(data.compliance.late)} were submitted late."
    )
    doc.add_heading("4. Contract performance notices and remedial action plans", level=1)
    if not data.notices:
        doc.add_paragraph("None.")
    for n in data.notices:
        doc.add_paragraph(
            f"{n.contract.reference} ({n.contract.provider.name if n.contract.provider else 'no provider'}), "
            f"issued {n.issued_on:%-d %B %Y}, {n.get_status_display()}: {n.reason}"
        )
        plan = getattr(n, "plan", None)
        if plan is not None:
            for a in plan.actions.all():
                doc.add_paragraph(
                    f"{a.description} — {a.owner}, due {a.due_date:%-d %b %Y}, {a.get_status_display()}",
                    style="List Bullet",
                )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
