from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.core.imports import ImportRefused
from jointly.directory.importer import FeedRefused, import_feed
from jointly.partnerships.models import Partnership


class Command(BaseCommand):
    help = (
        "Local Offer directory. `jointly directory import FILE --partnership SLUG` loads an Open Referral UK "
        "feed (v1 or v3 JSON) as unpublished services with their entries, whole or nothing"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("verb", choices=["import"])
        parser.add_argument("file")
        parser.add_argument("--partnership", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership {options['partnership']!r}.")
        try:
            with Path(options["file"]).open("rb") as f:
                report = import_feed(f, partnership)
        except (FeedRefused, ImportRefused) as exc:
            raise CommandError(f"Nothing imported: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        self.stdout.write(
            f"{report.created} service(s) created, {report.matched} matched to existing services."
        )
        for key, n in report.unmapped.most_common():
            self.stdout.write(f"  not mapped: {key} ({n} item(s))")
        for note in report.notes[:50]:
            self.stdout.write(f"  {note}")
