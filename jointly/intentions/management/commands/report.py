from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.core import periods
from jointly.core.asat import today_for
from jointly.core.exports import write_csv
from jointly.intentions import reports
from jointly.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Produce a report. `jointly report progress --partnership SLUG --period 2013/14-Q2 "
        "[--as-at YYYY-MM-DD] --format docx|csv [--output FILE]` (CSV without --output goes to "
        "standard output)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("report", choices=["progress"])
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
        parser.add_argument("--format", choices=["docx", "csv"], default="docx")
        parser.add_argument("--output", default=None, help="File to write (CSV: default standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
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
