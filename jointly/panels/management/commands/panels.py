"""`jointly panels export|retention|rotate-keys|ensure-key|new-key`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jointly.core import periods
from jointly.core.exports import write_csv
from jointly.panels import crypto, figures, queries, retention
from jointly.partnerships.models import Partnership

WHATS = ("aggregates", "commitments")


class Command(BaseCommand):
    help = (
        "Joint funding panels: export a partnership's suppressed aggregates or commitments for a financial "
        "year as CSV; minimise closed cases past their retention period; rotate or make the encryption keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["export", "retention", "rotate-keys", "ensure-key", "new-key"])
        parser.add_argument("--partnership", help="Partnership slug, e.g. essex")
        parser.add_argument("--what", help="export: " + " or ".join(WHATS))
        parser.add_argument("--financial-year", help="export: e.g. 2014/15")
        parser.add_argument("--output", help="export: the .csv file to write ('-' for standard output)")
        parser.add_argument("--as-at", help="retention: YYYY-MM-DD (default today)")
        parser.add_argument("--dry-run", action="store_true", help="retention: say what would be removed")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "export":
            self._export(options)
        elif verb == "retention":
            self._retention(options)
        elif verb == "rotate-keys":
            counts = retention.rotate_keys()
            self.stdout.write(
                f"Re-encrypted {counts['identities']} identities and {counts['documents']} documents under the "
                "first key in JOINTLY_PANEL_KEYS; older keys may now be removed."
            )
        elif verb == "ensure-key":
            if crypto.configured_keys() and not crypto.development_key_file().exists():
                self.stdout.write("Panel encryption keys come from JOINTLY_PANEL_KEYS.")
                return
            path, made = crypto.ensure_development_key()
            if made:
                self.stdout.write(
                    f"Made a development key for panel data in {path} (set JOINTLY_PANEL_KEYS in production)."
                )
            else:
                self.stdout.write(f"Using the development key for panel data in {path}.")
        else:
            self.stdout.write(Fernet.generate_key().decode("ascii"))

    def _partnership(self, options: dict[str, Any]) -> Partnership:
        slug = options.get("partnership")
        if not slug:
            raise CommandError("Give --partnership SLUG.")
        p = Partnership.objects.filter(slug=slug).first()
        if p is None:
            raise CommandError(f"No partnership with slug {slug!r}.")
        return p

    def _export(self, options: dict[str, Any]) -> None:
        partnership = self._partnership(options)
        what = options.get("what")
        if what not in WHATS:
            raise CommandError(f"--what must be one of {', '.join(WHATS)}.")
        try:
            fy = periods.parse(options.get("financial_year") or "", periods.Kind.FINANCIAL_YEAR).text
        except periods.PeriodError:
            raise CommandError("Give --financial-year like 2014/15.") from None
        if not options.get("output"):
            raise CommandError("Give --output FILE.csv (or '-').")
        threshold = max([p.suppression_threshold for p in queries.panels_of(partnership)] or [7])
        years = queries.package_years(partnership, fy)
        if what == "aggregates":
            columns, rows = figures.AGGREGATE_COLUMNS, figures.aggregate_rows(fy, years, threshold)
        else:
            columns, rows = figures.COMMITMENT_COLUMNS, figures.commitment_rows(fy, years, threshold)
        out = options["output"]
        if out == "-":
            write_csv(self.stdout, columns, rows)
            return
        with open(out, "w", encoding="utf-8", newline="") as handle:
            write_csv(handle, columns, rows)
        self.stderr.write(f"Wrote {len(rows)} rows to {out}.")

    def _retention(self, options: dict[str, Any]) -> None:
        as_at = dt.date.today()
        if options.get("as_at"):
            try:
                as_at = periods.parse_as_at(options["as_at"])
            except periods.PeriodError as exc:
                raise CommandError(str(exc)) from None
        partnership = self._partnership(options) if options.get("partnership") else None
        report = retention.minimise(as_at, partnership=partnership, dry_run=options["dry_run"])
        verb = "Would minimise" if options["dry_run"] else "Minimised"
        self.stdout.write(f"{verb} {len(report.cases)} closed case(s) as at {as_at:%Y-%m-%d}.")
        for line in report.lines():
            self.stdout.write(f"  {line}")
