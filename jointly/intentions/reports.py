"""The quarterly progress report on a partnership's commissioning intentions.

One data assembly (:func:`build`) feeds the page, the CSV, the DOCX and the
``jointly report progress`` command, so every output says the same thing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from jointly.core import periods
from jointly.core.periods import Period
from jointly.intentions.models import Intention, Milestone, ProgressUpdate
from jointly.partnerships.models import Partnership


@dataclass
class Row:
    intention: Intention
    update: ProgressUpdate | None
    due: list[Milestone]
    missed: list[Milestone]
    stale: bool  # the update shown is from an earlier quarter


@dataclass
class TimelineRow:
    intention: Intention
    cells: list[list[Milestone]]


@dataclass
class ProgressReport:
    partnership: Partnership
    quarter: Period
    as_at: dt.date
    rows: list[Row]
    rag_counts: dict[str, int]
    timeline_quarters: list[str] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)

    @property
    def period(self) -> str:
        """The canonical text of the financial quarter, e.g. ``2013/14 Q2``."""
        return self.quarter.text

    @property
    def start(self) -> dt.date:
        return self.quarter.start

    @property
    def end(self) -> dt.date:
        return self.quarter.end

    @property
    def title(self) -> str:
        return f"{self.partnership.name}: commissioning intentions progress, {self.period_label}"

    @property
    def period_label(self) -> str:
        """As a board paper writes it: ``Quarter 2 2013/14 (1 July to 30 September 2013)``."""
        return self.quarter.label

    @property
    def as_at_label(self) -> str:
        return f"As at {self.as_at.day} {self.as_at:%B %Y}"

    @property
    def missed_count(self) -> int:
        return sum(len(r.missed) for r in self.rows)

    @property
    def due_count(self) -> int:
        return sum(len(r.due) for r in self.rows)

    @property
    def illustrative_count(self) -> int:
        """Rows whose rating or narrative is invented for the demo."""
        return sum(1 for r in self.rows if r.update and r.update.illustrative_label)

    def milestone_state(self, milestone: Milestone) -> str:
        """'missed', 'met' or 'due' as at the report's date."""
        if milestone.is_missed(self.as_at):
            return "missed"
        if milestone.completed_on is not None and milestone.completed_on <= self.as_at:
            return "met"
        return "due"


def current_period(today: dt.date) -> str:
    """The financial quarter holding ``today`` (pass the partnership's "today", see core.asat)."""
    return periods.financial_quarter_of(today).text


def default_period(partnership: Partnership, today: dt.date) -> str:
    """The quarter a report opens on: the latest with progress updates up to ``today``'s quarter
    (the partnership's "as at"), else ``today``'s quarter (issue 10.4). One query."""
    current = current_period(today)
    latest = (
        ProgressUpdate.objects.filter(intention__partnership=partnership, period__lte=current)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return latest or current


def build(
    partnership: Partnership,
    period: str | Period,
    timeline_quarters: int = 8,
    *,
    as_at: dt.date,
) -> ProgressReport:
    """Assemble the report on one financial quarter, as at ``as_at``, in three queries.

    Milestones are judged as things stood on ``as_at`` (one completed after it is not yet done);
    the progress shown is the quarter's own update (written after the quarter ends, as a board
    report is) or, failing that, the latest earlier one."""
    quarter = period if isinstance(period, Period) else periods.parse(period, periods.Kind.FINANCIAL_QUARTER)
    intentions = list(
        Intention.objects.filter(partnership=partnership)
        .select_related("lead_commissioner", "partnership")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch(
                "progress",
                queryset=ProgressUpdate.objects.filter(period__lte=quarter.text).order_by("-period", "-date"),
            ),
        )
        .order_by("reference")
    )
    rows: list[Row] = []
    for intention in intentions:
        updates = list(intention.progress.all())
        update = updates[0] if updates else None
        milestones = list(intention.milestones.all())
        due = [m for m in milestones if quarter.contains(m.due_date)]
        # Late, or still not done after its due date (one due later this quarter is not missed yet).
        missed = [m for m in due if m.is_missed(as_at)]
        rows.append(Row(intention, update, due, missed, bool(update and update.period != quarter.text)))
    counts = Counter(r.update.rag if r.update else "none" for r in rows)
    quarters = [quarter.shift(i) for i in range(-1, timeline_quarters - 1)]
    timeline = []
    for intention in intentions:
        cells: list[list[Milestone]] = [[] for _ in quarters]
        for m in intention.milestones.all():
            for index, q in enumerate(quarters):
                if q.contains(m.due_date):
                    cells[index].append(m)
        timeline.append(TimelineRow(intention, cells))
    return ProgressReport(
        partnership=partnership,
        quarter=quarter,
        as_at=as_at,
        rows=rows,
        rag_counts={k: counts.get(k, 0) for k in ("red", "amber", "green", "none")},
        timeline_quarters=[q.text for q in quarters],
        timeline=timeline,
    )


CSV_HEADERS = [
    "reference", "title", "lead_commissioner", "integrated", "stage", "rag", "rag_period",
    "progress", "milestones_due", "milestones_missed", "sro", "period", "as_at", "illustrative",
]  # fmt: skip


def csv_rows(report: ProgressReport) -> list[list[object]]:
    out: list[list[object]] = []
    for r in report.rows:
        i = r.intention
        out.append(
            [
                i.reference,
                i.title,
                i.lead_commissioner.name if i.lead_commissioner else "",
                "yes" if i.integrated else "no",
                i.get_stage_display(),
                r.update.rag if r.update else "",
                r.update.period if r.update else "",
                r.update.narrative if r.update else "",
                "; ".join(f"{m.title} ({m.due_date:%Y-%m-%d})" for m in r.due),
                "; ".join(f"{m.title} ({m.due_date:%Y-%m-%d})" for m in r.missed),
                i.sro,
                report.period,
                report.as_at.isoformat(),
                r.update.illustrative_label if r.update else "",
            ]
        )
    return out


RAG_FILL = {"red": "F4CCCC", "amber": "FCE5CD", "green": "D9EAD3"}


def render_docx(report: ProgressReport) -> bytes:
    """A committee-report layout: summary, recommendations, supporting information."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    def shade(cell, hex_fill: str) -> None:  # type: ignore[no-untyped-def]
        props = cell._tc.get_or_add_tcPr()
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:color"), "auto")
        fill.set(qn("w:fill"), hex_fill)
        props.append(fill)

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)

    doc.add_heading(report.partnership.name, level=0)
    doc.add_paragraph(f"Report on progress of commissioning intentions: {report.period_label}")
    doc.add_paragraph(f"{report.as_at_label}. Produced {timezone.localdate():%-d %B %Y} from Jointly.")

    c = report.rag_counts
    doc.add_heading("1. Summary", level=1)
    doc.add_paragraph(
        f"The partnership has {len(report.rows)} commissioning intentions. "
        f"{report.as_at_label}, {c['green']} were rated green, {c['amber']} amber and {c['red']} red; "
        f"{c['none']} had no progress rating. {report.due_count} milestones fell due in the "
        f"quarter, of which {report.missed_count} were missed or completed late."
    )
    doc.add_heading("2. Recommendations", level=1)
    doc.add_paragraph("The board is asked to:")
    doc.add_paragraph("note the progress made on each commissioning intention;", style="List Number")
    reds = [r.intention.reference for r in report.rows if r.update and r.update.rag == "red"]
    if reds:
        doc.add_paragraph(
            "ask the senior responsible officers for intentions rated red "
            f"({', '.join(reds)}) to report their recovery plans to the next meeting;",
            style="List Number",
        )
    if report.missed_count:
        doc.add_paragraph(
            "agree revised dates for the milestones missed in the quarter;", style="List Number"
        )
    doc.add_paragraph("agree the indicative timeline for the coming quarters.", style="List Number")

    doc.add_heading("3. Supporting information", level=1)
    doc.add_heading("3.1 Progress by intention", level=2)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ["Intention", "Lead / SRO", "RAG", "Progress", "Milestones this quarter"],
        strict=True,
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for r in report.rows:
        cells = table.add_row().cells
        cells[0].text = f"{r.intention.reference} {r.intention.title}"
        lead = r.intention.lead_commissioner.name if r.intention.lead_commissioner else "No single lead"
        cells[1].text = f"{lead}\n{r.intention.sro}".strip()
        rag = r.update.rag if r.update else ""
        cells[2].text = rag.capitalize() if rag else "Not rated"
        if r.update and r.update.illustrative_label:
            cells[2].text += " (illustrative)"
        if rag:
            shade(cells[2], RAG_FILL[rag])
        narrative = r.update.narrative if r.update else "No update received."
        if r.update and r.update.illustrative:
            narrative = f"(Illustrative) {narrative}"
        if r.stale and r.update:
            narrative = f"(Latest update, {r.update.period}) {narrative}"
        cells[3].text = narrative
        lines = []
        for m in r.due:
            state = report.milestone_state(m)
            lines.append(f"{m.title} ({m.due_date:%-d %b %Y}): {state}")
        cells[4].text = "\n".join(lines) or "None due"

    if report.illustrative_count:
        doc.add_paragraph(
            f"{report.illustrative_count} of the ratings or progress statements above are marked "
            "illustrative: the source papers do not give them."
        )
    doc.add_heading("3.2 Indicative timeline", level=2)
    tl = doc.add_table(rows=1, cols=1 + len(report.timeline_quarters))
    tl.style = "Table Grid"
    tl.rows[0].cells[0].text = "Intention"
    for cell, quarter in zip(tl.rows[0].cells[1:], report.timeline_quarters, strict=True):
        cell.text = quarter
    for row in report.timeline:
        cells = tl.add_row().cells
        cells[0].text = row.intention.reference
        for cell, ms in zip(cells[1:], row.cells, strict=True):
            cell.text = "\n".join(m.title for m in ms)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
