"""`jointly finance export|import --partnership SLUG --what WHAT ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jointly.core import periods
from jointly.core.exports import write_csv, xlsx_bytes
from jointly.core.imports import ImportRefused, check_size
from jointly.finance import exporting, importing, queries
from jointly.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Export a partnership's finance (budget-model, savings, reconciliation, fund-position) as CSV/XLSX, "
        "or import actuals, a budget model or savings from CSV/XLSX (whole file or nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["export", "import"])
        parser.add_argument("--partnership", required=True, help="Partnership slug, e.g. north-east-essex")
        parser.add_argument("--what", required=True, help="export: " + ", ".join(exporting.WHATS)
                            + "; import: " + ", ".join(importing.WHATS))  # fmt: skip
        parser.add_argument(
            "--output", help="export: the .csv or .xlsx file to write ('-' for standard output)"
        )
        parser.add_argument("--input", help="import: the .csv or .xlsx file to read")
        parser.add_argument("--as-at", help="YYYY-MM or YYYY-MM-DD: positions as at the last closed month")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with slug {options['partnership']!r}.")
        if options["verb"] == "export":
            self._export(partnership, options)
        else:
            self._import(partnership, options)

    def _export(self, partnership: Partnership, options: dict[str, Any]) -> None:
        what = options["what"]
        if what not in exporting.WHATS:
            raise CommandError(f"--what must be one of {', '.join(exporting.WHATS)}.")
        if not options.get("output"):
            raise CommandError("Give --output FILE.csv (or FILE.xlsx, or '-').")
        as_at = None
        if options.get("as_at"):
            try:
                as_at = queries.AsAt.of(periods.parse_as_at(options["as_at"]))
            except periods.PeriodError as exc:
                raise CommandError(str(exc)) from None
        rows = list(exporting.rows(what, partnership, as_at))
        out = options["output"]
        if out == "-":
            write_csv(self.stdout, exporting.COLUMNS[what], rows)
            return
        if out.lower().endswith(".xlsx"):
            Path(out).write_bytes(xlsx_bytes(what, exporting.COLUMNS[what], rows))
        else:
            with open(out, "w", encoding="utf-8", newline="") as handle:
                write_csv(handle, exporting.COLUMNS[what], rows)
        self.stderr.write(f"Wrote {len(rows)} rows to {out}.")

    def _import(self, partnership: Partnership, options: dict[str, Any]) -> None:
        what = options["what"]
        if what not in importing.WHATS:
            raise CommandError(f"--what must be one of {', '.join(importing.WHATS)}.")
        if not options.get("input"):
            raise CommandError("Give --input FILE.csv or FILE.xlsx.")
        path = Path(options["input"])
        try:
            check_size(path.stat().st_size)
            content = path.read_bytes()  # bytes: the kernel then opens (and closes) nothing of ours
            count = importing.run(what, partnership, content, path.name, by=None)
        except ImportRefused as exc:
            raise CommandError("Nothing was loaded:\n" + "\n".join(str(p) for p in exc.problems)) from None
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        self.stderr.write(f"Loaded {count} rows from {path.name}.")
