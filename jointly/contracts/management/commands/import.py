"""`jointly import ocds --partnership SLUG --input FILE`: whole or nothing, with a report."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jointly.contracts import actions
from jointly.core import imports
from jointly.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Import an OCDS 1.1 release package into a partnership's contracts register, or a partnership "
        "exported by `jointly export partnership` into an empty instance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            choices=["ocds", "partnership"],
            help="ocds: contracts from an OCDS package; partnership: a `jointly export partnership` file "
            "into an empty instance",
        )
        parser.add_argument("--partnership", help="Partnership slug, e.g. essex (for ocds)")
        parser.add_argument(
            "--input", required=True, help="OCDS release package or partnership export (JSON)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "partnership":
            from jointly.core import portability

            try:
                counts = portability.load(Path(options["input"]))
            except portability.PortabilityError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Imported {sum(counts.values()):,} records of {len(counts)} kinds.")
            return
        if not options["partnership"]:
            raise CommandError("Give --partnership SLUG.")
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with slug {options['partnership']!r}.")
        path = Path(options["input"])
        try:
            # The command line has no upload cap (its files are the operator's), but the same parser.
            raw = path.read_bytes()
            data = imports.load_json(raw, limits=imports.Limits(max_bytes=2**40))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except imports.ImportRefused as exc:
            raise CommandError(f"{path}: " + "; ".join(str(p) for p in exc.problems)) from exc
        log, result = actions.logged_import_ocds(
            partnership, data, by=None, file_name=path.name, checksum=hashlib.sha256(raw).hexdigest()
        )
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
        for report in result.reports:
            self.stdout.write(f"{report.ocid}: {report.created or 'nothing created'}")
            for warning in report.warnings:
                self.stdout.write(f"    warning: {warning}")
            for note in report.notes:
                self.stdout.write(f"    {note}")
            for reason in report.skipped:
                self.stdout.write(f"    not imported: {reason}")
        if not result.ok:
            raise CommandError(
                f"Nothing was imported ({len(result.problems)} problems):\n" + "\n".join(result.problems)
            )
        for role, counts in result.parties.items():
            self.stdout.write(
                f"{role}s: {counts['matched']} matched, {counts['added']} added as organisations"
            )
        self.stdout.write(f"The report is kept with import log {log.pk}.")
        self.stdout.write(
            f"Created {result.contracts_created} contracts, {result.procurements_created} procurement "
            f"projects and {result.organisations_created} organisations; "
            f"{result.skipped_count} releases created nothing."
        )
