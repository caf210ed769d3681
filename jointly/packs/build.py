"""Assemble a meeting's pack and render it: HTML (the page), PDF (WeasyPrint, from the same HTML) and
DOCX (python-docx).

* :func:`assemble` builds every generated paper as at a date into a :class:`Document`;
* :func:`render_html` renders ``packs/_document.html`` (the page shows it too);
* :func:`render_pdf` prints it with WeasyPrint: cover, agenda, contents with page numbers
  (``target-counter``), page numbers and the as-at date on every page. An uploaded PDF paper is
  embedded in the pack's PDF as an attached file (WeasyPrint attachments: there is no PDF parser in
  the project to merge its pages), with a cover page in its place saying so; an uploaded DOCX paper is
  attached to the PDF the same way;
* :func:`render_docx` writes the same papers with python-docx; an uploaded DOCX paper's body is
  merged into the pack's document (paragraphs and tables; its images and styles are not carried over),
  and an uploaded PDF paper is named there as supplied separately.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from jointly.packs import papers, publication
from jointly.packs.models import AgendaItem, Part

ProgressFn = Callable[[int, int, str], None]


@dataclass
class DocItem:
    number: int
    item: AgendaItem
    paper: papers.Paper | None  # None for an uploaded paper
    anchor: str = ""

    @property
    def exempt(self) -> bool:
        return self.item.part == Part.EXEMPT

    @property
    def title(self) -> str:
        return self.item.title

    @property
    def upload_bytes(self) -> bytes:
        return bytes(self.item.upload or b"")


@dataclass
class Document:
    meeting: Any
    board: Any
    partnership: Any
    as_at: dt.date
    publication_date: dt.date
    number: int = 1
    changes: list[str] = field(default_factory=list)
    items: list[DocItem] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        return bool(self.meeting.illustrative) or any(
            i.item.illustrative or (i.paper and i.paper.illustrative) for i in self.items
        )

    def part(self, public_only: bool) -> list[DocItem]:
        return [i for i in self.items if not (public_only and i.exempt)]

    @property
    def public_items(self) -> list[DocItem]:
        return [i for i in self.items if not i.exempt]

    @property
    def exempt_items(self) -> list[DocItem]:
        return [i for i in self.items if i.exempt]

    def snapshot(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for i in self.items:
            key = f"{i.number}. {i.title}"
            if i.paper is not None:
                out[key] = dict(i.paper.snapshot)
            else:
                out[key] = {"Uploaded paper": f"{i.item.upload_name} ({len(i.upload_bytes):,} bytes)"}
        return out


class PackError(ValueError):
    """The meeting cannot make a pack (no agenda, an item without its paper, an unknown paper)."""


def agenda(meeting: Any) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))


def assemble(
    meeting: Any, as_at: dt.date, *, progress: ProgressFn | None = None, number: int = 1
) -> Document:
    """Every paper of ``meeting``'s agenda as at ``as_at`` (generated papers built now)."""
    from jointly.partnerships.models import Meeting

    board = meeting.board
    items = agenda(meeting)
    if not items:
        raise PackError("The meeting has no agenda yet: add its items first.")
    known = papers.kinds()
    items += escalation_items(meeting, items, known)
    previous = (
        Meeting.objects.filter(board=board, date__lt=meeting.date)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    ctx = papers.Context(meeting, board, board.partnership, as_at, previous)
    doc = Document(
        meeting, board, board.partnership, as_at, publication.publication_date(meeting.date), number
    )
    for n, item in enumerate(items, start=1):
        if progress:
            progress(n - 1, len(items), f"Writing paper {n} of {len(items)}: {item.title}")
        if item.uploaded:
            if not item.upload_format:
                raise PackError(f"Item {n} ({item.title}) has no paper uploaded.")
            doc.items.append(DocItem(n, item, None, f"item-{n}"))
            continue
        kind = known.get(item.paper)
        if kind is None:
            raise PackError(f"Item {n} ({item.title}): no paper kind {item.paper!r} is registered.")
        paper = kind.build(ctx)
        if item.summary:
            paper.summary = [item.summary, *paper.summary]
        if item.recommendation_list:
            paper.recommendations = item.recommendation_list
        doc.items.append(DocItem(n, item, paper, f"item-{n}"))
    if progress:
        progress(len(items), len(items), "Papers written")
    return doc


def escalation_items(meeting: Any, items: list[AgendaItem], known: dict[str, Any]) -> list[AgendaItem]:
    """A risk escalated to the board puts risks on its agenda: an item (not saved) when the agenda has none."""
    from jointly.packs.generated import escalated_risks
    from jointly.packs.models import Purpose

    if "risks" not in known or any(i.paper == "risks" for i in items):
        return []
    risks, _matrix = escalated_risks(meeting.board)
    if not risks:
        return []
    position = max((i.position for i in items), default=0) + 1
    return [
        AgendaItem(meeting=meeting, position=position, title="Risks escalated to the board",
                   presenter="The risks' owners", purpose=Purpose.DECISION, paper="risks")
    ]  # fmt: skip


# --- HTML and PDF ------------------------------------------------------------------------------


def render_html(doc: Document, *, public_only: bool = False, for_pdf: bool = False) -> str:
    context = {
        "doc": doc, "items": doc.part(public_only), "public_only": public_only, "for_pdf": for_pdf,
        "has_exempt": bool(doc.exempt_items) and not public_only,
    }  # fmt: skip
    template = "packs/pdf.html" if for_pdf else "packs/_document.html"
    return render_to_string(template, context)


def render_pdf(doc: Document, *, public_only: bool = False) -> tuple[bytes, int]:
    """The pack as PDF bytes and its page count."""
    from weasyprint import HTML, Attachment

    html = render_html(doc, public_only=public_only, for_pdf=True)
    rendered = HTML(string=html, base_url="/").render()
    attachments = [
        Attachment(
            string=i.upload_bytes,
            name=_attachment_name(i),
            description=f"Paper {i.number}: {i.title}",
        )
        for i in doc.part(public_only)
        if i.paper is None
    ]
    return rendered.write_pdf(attachments=attachments), len(rendered.pages)


def _attachment_name(i: DocItem) -> str:
    return f"paper-{i.number}.{i.item.upload_format or 'bin'}"


# --- DOCX --------------------------------------------------------------------------------------


def render_docx(doc: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    out = Docx()
    style = out.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    section = out.sections[0]
    footer = section.footer.paragraphs[0]
    footer.text = f"{doc.board.name} · {doc.meeting.date:%-d %B %Y} · As at {doc.as_at:%-d %B %Y}"
    _page_field(footer)
    out.add_heading(doc.board.name, level=0)
    out.add_paragraph(f"{doc.partnership.name}")
    out.add_paragraph(f"Meeting: {doc.meeting.title}, {doc.meeting.date:%A %-d %B %Y}")
    out.add_paragraph(f"Papers as at {doc.as_at:%-d %B %Y}. Issue {doc.number}. Public papers published by "
                      f"{doc.publication_date:%-d %B %Y} (five clear days before the meeting).")  # fmt: skip
    if doc.illustrative:
        out.add_paragraph("ILLUSTRATIVE: parts of this pack use data invented for the demonstration.")
    if doc.changes:
        out.add_heading("What changed since the last issue", level=1)
        for line in doc.changes:
            out.add_paragraph(line, style="List Bullet")
    out.add_heading("Agenda", level=1)
    for label, items in (
        ("Part A: public", doc.public_items),
        ("Part B: exempt (not for publication)", doc.exempt_items),
    ):
        if not items:
            continue
        out.add_heading(label, level=2)
        table = out.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["Item", "Title", "Presenter", "Purpose"], strict=True):
            cell.text = text
        for i in items:
            cells = table.add_row().cells
            for cell, text in zip(cells, [str(i.number), i.title, i.item.presenter, i.item.get_purpose_display()],
                                  strict=True):  # fmt: skip
                cell.text = text
    for i in doc.items:
        out.add_section(WD_SECTION.NEW_PAGE)
        out.add_heading(f"{i.number}. {i.title}", level=1)
        out.add_paragraph(
            f"{'EXEMPT: not for publication. ' if i.exempt else ''}Presented by {i.item.presenter}. "
            f"{i.item.get_purpose_display()}."
        )
        if i.paper is None:
            if i.item.upload_format == "docx":
                _merge_docx(out, i.upload_bytes)
            else:
                out.add_paragraph(
                    f"This paper is supplied as a PDF ({i.item.upload_name}), with the PDF pack."
                )
            continue
        _paper_docx(out, i.paper)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _page_field(paragraph: Any) -> None:
    """Append ' · Page N' with a PAGE field (Word and LibreOffice fill it in)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run(" · Page ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _paper_docx(out: Any, paper: papers.Paper) -> None:
    if paper.illustrative:
        out.add_paragraph("ILLUSTRATIVE: this paper shows data invented for the demonstration.")
    out.add_heading("Summary", level=2)
    for line in paper.summary:
        out.add_paragraph(line)
    out.add_heading("Recommendations", level=2)
    for line in paper.recommendations or ["None."]:
        out.add_paragraph(line, style="List Number")
    out.add_heading("Implications", level=2)
    for name, text in paper.implications or [("None", "No implications identified.")]:
        out.add_paragraph(f"{name}: {text}")
    out.add_heading("Supporting information", level=2)
    for block in paper.blocks:
        out.add_heading(block.heading, level=3)
        for line in block.text:
            out.add_paragraph(line)
        if block.table is not None:
            table = out.add_table(rows=1, cols=len(block.table.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.table.headers, strict=True):
                cell.text = text
            for row in block.table.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = str(text)
        if block.svg:
            out.add_paragraph(f"[Chart: {block.svg_label}; see the PDF pack or the page.]")


def _merge_docx(out: Any, data: bytes) -> None:
    """Copy an uploaded DOCX's paragraphs and tables into the pack (not its section settings)."""
    from docx import Document as Docx

    source = Docx(io.BytesIO(data))
    body = out.element.body
    anchor = body[-1]  # the pack's final sectPr stays last
    for element in list(source.element.body):
        if element.tag.endswith("}sectPr"):
            continue
        anchor.addprevious(copy.deepcopy(element))
