from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from jointly.core import periods
from jointly.core.asat import today_for
from jointly.core.exports import write_csv
from jointly.intentions import reports
from jointly.partnerships.models import Partnership


def _others() -> dict[str, str]:
    """Reports other apps add (``JOINTLY_REPORTS``: ``{name: dotted path of callable(options, stdout,
    stderr)}``); the callable's module may offer ``add_arguments(parser)`` for its own options."""
    return dict(getattr(settings, "JOINTLY_REPORTS", {}))


class Command(BaseCommand):
    help = (
        "Produce a report. `jointly report progress --partnership SLUG --period 2013/14-Q2 "
        "[--as-at YYYY-MM-DD] --format docx|csv [--output FILE]` (CSV without --output goes to "
        "standard output). Other reports come from the JOINTLY_REPORTS registry, e.g. "
        "`jointly report board-pack --partnership SLUG --board SLUG --meeting YYYY-MM-DD --format pdf|docx "
        "--output FILE`"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("report", choices=["progress", *_others()])
        parser.add_argument("--partnership", required=True)
        parser.add_argument(
            "--period",
            default=None,
            help="Financial quarter, e.g. 2013/14-Q2 or '2013/14 Q2' (Q1 = April to June); "
            "default: the partnership's current quarter",
        )
        parser.add_argument(
            "--as-at",
            dest="as_at",
            default=None,
            help="Compute missed milestones as at this date, YYYY-MM-DD (YYYY-MM: its last day); "
            "default: the quarter's last day, or today while the quarter runs",
        )
        parser.add_argument("--format", choices=["docx", "csv", "pdf"], default="docx")
        for path in getattr(settings, "JOINTLY_REPORTS", {}).values():
            extra = import_string(path.rsplit(".", 1)[0] + ".add_arguments")
            extra(parser)
        parser.add_argument("--output", default=None, help="File to write (CSV: default standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] != "progress":
            import_string(_others()[options["report"]])(options, self.stdout, self.stderr)
            return
        if options["format"] == "pdf":
            raise CommandError("The progress report is --format docx or --format csv.")
        try:
            partnership = Partnership.objects.get(slug=options["partnership"])
        except Partnership.DoesNotExist as exc:
            raise CommandError(f"No partnership {options['partnership']!r}.") from exc
        today = today_for(partnership)
        try:
            if options["period"]:
                quarter, note = periods.read_financial_quarter(options["period"])
            else:
                quarter, note = periods.financial_quarter_of(today), ""
            as_at = (
                periods.parse_as_at(options["as_at"])
                if options["as_at"]
                else periods.default_as_at(quarter, today)
            )
        except periods.PeriodError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "docx" and not options["output"]:
            raise CommandError("A DOCX report needs --output FILE.")
        if note:
            self.stderr.write(f"Note: {note}")
        report = reports.build(partnership, quarter, as_at=as_at)
        summary = f"{len(report.rows)} intentions, {quarter.text}, as at {as_at.isoformat()}"
        if options["format"] == "docx":
            out = Path(options["output"])
            out.write_bytes(reports.render_docx(report))
        elif options["output"]:
            out = Path(options["output"])
            with out.open("w", newline="", encoding="utf-8") as handle:
                write_csv(handle, reports.CSV_HEADERS, reports.csv_rows(report))
        else:
            buffer = io.StringIO()
            write_csv(buffer, reports.CSV_HEADERS, reports.csv_rows(report))
            self.stdout.write(buffer.getvalue(), ending="")
            self.stderr.write(f"Wrote the report ({summary}).")
            return
        self.stdout.write(f"Wrote {out} ({summary}).")
