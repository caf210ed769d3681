"""``jointly report board-pack --partnership SLUG --board SLUG --meeting YYYY-MM-DD --format pdf|docx
--output FILE``: build a meeting's pack from live data with a progress bar (tqdm), nothing saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from jointly.core.asat import today_for


def add_arguments(parser: Any) -> None:
    parser.add_argument("--board", default=None, help="board-pack: the board's slug (with --partnership)")
    parser.add_argument("--meeting", default=None, help="board-pack: the meeting's date, YYYY-MM-DD")


def report_command(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    from tqdm import tqdm

    from jointly.packs import build
    from jointly.partnerships.models import Board, Meeting

    if options.get("format") not in ("pdf", "docx"):
        raise CommandError("A board pack is --format pdf or --format docx.")
    if not options.get("output"):
        raise CommandError("A board pack needs --output FILE.")
    if not options.get("board") or not options.get("meeting"):
        raise CommandError("A board pack needs --board SLUG and --meeting YYYY-MM-DD.")
    board = (
        Board.objects.select_related("partnership")
        .filter(partnership__slug=options["partnership"], slug=options["board"])
        .first()
    )
    if board is None:
        raise CommandError(f"No board {options['board']!r} in partnership {options['partnership']!r}.")
    try:
        day = dt.date.fromisoformat(options["meeting"])
    except ValueError as exc:
        raise CommandError(f"--meeting is a date, YYYY-MM-DD (not {options['meeting']!r}).") from exc
    meetings = list(Meeting.objects.filter(board=board, date=day))
    if len(meetings) != 1:
        dates = ", ".join(m.isoformat() for m in board.meetings.values_list("date", flat=True)[:12]) or "none"
        raise CommandError(
            f"{board.name} has {len(meetings) or 'no'} meeting(s) on {day}; its meetings: {dates}."
        )
    meeting = meetings[0]
    as_at = (
        dt.date.fromisoformat(options["as_at"])
        if options.get("as_at")
        else min(today_for(board.partnership), day)
    )
    bar = tqdm(total=1, unit="step", desc="Board pack", file=stderr._out if hasattr(stderr, "_out") else None,
               disable=options.get("verbosity", 1) == 0)  # fmt: skip

    def progress(done: int, total: int, message: str) -> None:
        bar.total = total + 1
        bar.n = done
        bar.set_postfix_str(message[:40])
        bar.refresh()

    try:
        doc = build.assemble(meeting, as_at, progress=progress)
        bar.set_postfix_str("Printing")
        if options["format"] == "pdf":
            data, pages = build.render_pdf(doc)
            extent = f"{pages} pages"
        else:
            data = build.render_docx(doc)
            extent = f"{len(doc.items)} papers"
    except build.PackError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        bar.n = bar.total
        bar.close()
    out = Path(options["output"])
    out.write_bytes(data)
    stdout.write(f"Wrote {out} ({board.name}, {day}, as at {as_at}, {extent}).")
