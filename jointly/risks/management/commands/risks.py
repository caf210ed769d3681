"""`jointly risks export --partnership SLUG --output FILE.csv|FILE.xlsx` (also `jointly export risks`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jointly.risks import exporting


class Command(BaseCommand):
    help = "Export a partnership's risk register as CSV or XLSX (`jointly risks export`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["export"], help="What to do (export)")
        parser.add_argument("--partnership", required=True, help="Partnership slug, e.g. north-east-essex")
        parser.add_argument(
            "--output", default="-", help="FILE.csv or FILE.xlsx ('-' for CSV on standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        exporting.export_command(options, self.stdout, self.stderr)
