"""Writes of the board pack: start a build, run it (the job's work), issue a pack; agenda items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jointly.packs import build, papers, publication
from jointly.packs.models import AgendaItem, Pack, PackIssued, PackStatus

ProgressFn = Callable[[int, int, str], None]


def last_issued(meeting: Any) -> Pack | None:
    return Pack.objects.filter(meeting=meeting, status=PackStatus.ISSUED).order_by("-number").first()


def start(meeting: Any, as_at: dt.date, *, by: Any) -> Pack:
    """A new pack row for ``meeting`` (number: one more than any before), built by a background job.

    Refused (:class:`build.PackError`) while the agenda is empty or an item has no paper.
    """
    from jointly.jobs import runner

    problems = agenda_problems(meeting)
    if problems:
        raise build.PackError(" ".join(problems))
    with transaction.atomic():
        top = Pack.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0
        # A draft not yet issued is replaced by the new build (only issued packs are kept for ever).
        Pack.objects.filter(meeting=meeting).exclude(status=PackStatus.ISSUED).delete()
        issued = Pack.objects.filter(meeting=meeting, status=PackStatus.ISSUED).count()
        pack = Pack.objects.create(
            meeting=meeting, number=issued + 1 if issued else 1, as_at=as_at,
            publication_date=publication.publication_date(meeting.date), built_by=_person(by),
            message="Waiting for a worker",
        )  # fmt: skip
        del top
        job = runner.enqueue("packs.build", {"pack": pack.pk}, by=by, partnership=meeting.board.partnership)
        Pack.objects.filter(pk=pack.pk).update(job=job)
    pack.refresh_from_db()
    return pack


def agenda_problems(meeting: Any) -> list[str]:
    items = build.agenda(meeting)
    if not items:
        return ["The meeting has no agenda yet: add its items first."]
    known = papers.kinds()
    out = []
    for item in items:
        if item.uploaded and not item.upload_format:
            out.append(f"Item {item.position} ({item.title}) has no paper uploaded.")
        elif not item.uploaded and item.paper not in known:
            out.append(f"Item {item.position} ({item.title}) has no paper.")
    return out


def render(pack: Pack, progress: ProgressFn | None = None) -> Pack:
    """Build ``pack``'s papers and files (the job's work); one write at the end, nothing half-done."""
    meeting = pack.meeting
    previous = last_issued(meeting)
    steps = len(build.agenda(meeting)) + 3

    def step(done: int, total: int, message: str) -> None:
        if progress:
            progress(done, steps, message)

    doc = build.assemble(meeting, pack.as_at, progress=step, number=pack.number)
    snapshot = doc.snapshot()
    doc.changes = papers.changes(previous.snapshot, snapshot) if previous else []
    step(steps - 3, steps, "Printing the PDF")
    pdf, pages = build.render_pdf(doc)
    step(steps - 2, steps, "Printing the public part")
    public_pdf, _ = build.render_pdf(doc, public_only=True) if doc.exempt_items else (pdf, pages)
    step(steps - 1, steps, "Writing the Word document")
    docx = build.render_docx(doc)
    public_items = [
        {"number": i.number, "title": i.title, "purpose": i.item.get_purpose_display()}
        for i in doc.public_items
    ]
    Pack.objects.filter(pk=pack.pk).exclude(status=PackStatus.ISSUED).update(
        pdf=pdf, public_pdf=public_pdf, docx=docx, pages=pages, snapshot=snapshot, changes=doc.changes,
        public_items=public_items,
        status=PackStatus.DRAFT, built_on=timezone.now(), message=f"Built: {pages} pages",
    )  # fmt: skip
    step(steps, steps, "Built")
    pack.refresh_from_db()
    return pack


def issue(pack: Pack, *, by: Any) -> Pack:
    """Freeze a built pack: from now on its files, snapshot and dates never change."""
    if pack.status == PackStatus.ISSUED:
        raise PackIssued("This pack has already been issued.")
    if pack.status != PackStatus.DRAFT:
        raise build.PackError("Only a built pack can be issued: wait for its build to finish.")
    pack.status = PackStatus.ISSUED
    pack.issued_on = timezone.now()
    pack.issued_by = _person(by)
    pack.message = f"Issued: {pack.pages} pages"
    Pack.save(pack)  # the row was a draft: the freeze check lets this last change through
    return pack


def _person(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def next_position(meeting: Any) -> int:
    top = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("position"))["n"]
    return (top or 0) + 1
