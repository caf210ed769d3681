from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.core.exports import write_csv
from jointly.intentions import reports
from jointly.intentions.models import parse_period
from jointly.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Produce a report. `jointly report progress --partnership SLUG --period 2013-Q3 "
        "--format docx|csv --output FILE`"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("report", choices=["progress"])
        parser.add_argument("--partnership", required=True)
        parser.add_argument("--period", default=None, help="Calendar quarter, e.g. 2013-Q3")
        parser.add_argument("--format", choices=["docx", "csv"], default="docx")
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            partnership = Partnership.objects.get(slug=options["partnership"])
        except Partnership.DoesNotExist as exc:
            raise CommandError(f"No partnership {options['partnership']!r}.") from exc
        period = options["period"] or reports.current_period()
        try:
            parse_period(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = reports.build(partnership, period)
        out = Path(options["output"])
        if options["format"] == "docx":
            out.write_bytes(reports.render_docx(report))
        else:
            with out.open("w", newline="", encoding="utf-8") as handle:
                write_csv(handle, reports.CSV_HEADERS, reports.csv_rows(report))
        self.stdout.write(f"Wrote {out} ({len(report.rows)} intentions, {period}).")
