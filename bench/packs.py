"""Time building a full board pack (every generated paper, PDF and DOCX) for one partnership.

    jointly demo load && jointly demo national --partnerships 150     # national-demo scale
    python bench/packs.py [--partnership SLUG] [--board SLUG] [--repeat 3]

Runs in-process against the configured database (``DATABASE_URL``). Picks the partnership's latest
meeting that has an agenda (``jointly demo national`` gives every synthetic meeting one item per
registered paper: ``jointly.packs.national.agendas``), else its latest meeting (default partnership:
the first synthetic one, else ``derby``). When that meeting has no agenda (a database generated before
the agendas were), one item per registered paper kind is added inside a transaction rolled back at the
end, so the database is left as it was. Prints, per step, the median time in seconds and the SQL
queries, and the PDF's pages and size. No timing here is asserted by a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnership", default=None)
    parser.add_argument("--board", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jointly.packs import build, papers
    from jointly.packs.models import AgendaItem
    from jointly.partnerships.models import Board, Meeting, Partnership

    slug = args.partnership
    if slug is None:
        synthetic = Partnership.objects.filter(slug__startswith="synthetic-").order_by("slug").first()
        slug = synthetic.slug if synthetic else "derby"
    partnership = Partnership.objects.get(slug=slug)
    boards = Board.objects.filter(partnership=partnership)
    if args.board:
        boards = boards.filter(slug=args.board)
    meetings = Meeting.objects.filter(board__in=boards).select_related("board__partnership").order_by("-date")
    meeting = meetings.filter(agenda_items__isnull=False).distinct().first() or meetings.first()
    if meeting is None:
        sys.exit(f"No meeting of a board of {slug}: load the demo (and `jointly demo national`) first.")
    total_partnerships = Partnership.objects.count()
    agenda = AgendaItem.objects.filter(meeting=meeting).count()
    print(
        f"{partnership.name}: {meeting.board.name}, meeting {meeting.date} ({total_partnerships} partnerships); "
        + (f"its agenda: {agenda} items" if agenda else "no agenda: one item per paper kind, rolled back")
    )
    timings: dict[str, list[float]] = {"papers": [], "pdf": [], "docx": []}
    queries = 0
    pages = size = 0
    try:
        with transaction.atomic():
            if not AgendaItem.objects.filter(meeting=meeting).exists():
                for n, key in enumerate(papers.kinds(), start=1):
                    AgendaItem.objects.create(
                        meeting=meeting, position=n, title=key, presenter="Bench", paper=key
                    )
            for _ in range(args.repeat):
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    doc = build.assemble(meeting, meeting.date)
                timings["papers"].append(time.perf_counter() - start)
                queries = len(captured.captured_queries)
                start = time.perf_counter()
                pdf, pages = build.render_pdf(doc)
                timings["pdf"].append(time.perf_counter() - start)
                size = len(pdf)
                start = time.perf_counter()
                build.render_docx(doc)
                timings["docx"].append(time.perf_counter() - start)
            raise Rollback
    except Rollback:
        pass
    for step, values in timings.items():
        print(
            f"  {step:<8} median {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})"
        )
    total = sum(statistics.median(v) for v in timings.values())
    print(
        f"  whole pack {total:.2f} s; {queries} SQL queries for the papers; PDF {pages} pages, {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
