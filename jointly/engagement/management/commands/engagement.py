from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jointly.engagement.actions import purge_expired


class Command(BaseCommand):
    help = (
        "Engagement housekeeping. `jointly engagement purge [--on YYYY-MM-DD]` deletes public comments "
        "kept past their retention date (their counts in published summaries are not recomputed)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("verb", choices=["purge"])
        parser.add_argument("--on", default=None, help="The date to purge as at (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--on takes a date, YYYY-MM-DD") from exc
        self.stdout.write(f"Deleted {purge_expired(on)} comment(s) kept past their retention date.")
