"""`jointly export ocds --partnership SLUG --output FILE [--records]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from jointly.contracts import exporting, ocds
from jointly.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Export a partnership's contracts and procurement as an OCDS 1.1 release (or record) package, or "
        "all of its records as JSON (`jointly export partnership`) for `jointly import partnership`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        others = list(getattr(settings, "JOINTLY_EXPORTS", {}))
        parser.add_argument(
            "what",
            choices=["ocds", "partnership", *others],
            help="ocds: contracts as OCDS; partnership: all of the partnership's records as JSON; "
            + ", ".join(others)
            + ": that app's export",
        )
        parser.add_argument("--partnership", required=True, help="Partnership slug, e.g. essex")
        parser.add_argument("--output", required=True, help="File to write ('-' for standard output)")
        parser.add_argument("--records", action="store_true", help="Write a record package instead")
        parser.add_argument(
            "--base-uri", default="https://jointly.invalid/", help="Site address for package URIs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "partnership":
            from jointly.core import portability

            try:
                counts = portability.write(options["partnership"], Path(options["output"]))
            except portability.PortabilityError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(
                f"Wrote {sum(counts.values()):,} records of {len(counts)} kinds to {options['output']}."
            )
            return
        other = getattr(settings, "JOINTLY_EXPORTS", {}).get(options["what"])
        if other is not None:  # another app's export (JOINTLY_EXPORTS in settings)
            import_string(other)(options, self.stdout, self.stderr)
            return
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with slug {options['partnership']!r}.")
        kind = "record" if options["records"] else "release"
        package = exporting.ocds_package(partnership, kind=kind, base_uri=options["base_uri"])
        problems = ocds.validate(package)
        if problems:
            raise CommandError("The export does not validate:\n" + "\n".join(problems))
        text = json.dumps(package, indent=2, ensure_ascii=False)
        if options["output"] == "-":
            self.stdout.write(text)
            return
        Path(options["output"]).write_text(text, encoding="utf-8")
        count = len(package.get("releases", package.get("records", [])))
        self.stderr.write(f"Wrote {count} {kind}s to {options['output']} (validates against OCDS 1.1).")
