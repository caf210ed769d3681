from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database while the site runs: `jointly backup --output FILE` (SQLite: a "
        "copy through SQLite's backup API; PostgreSQL: pg_dump's custom format). Restore with "
        "`jointly restore`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", required=True, help="File to write (replaced only when complete)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["output"])
        try:
            kind = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the {kind} database to {target} ({target.stat().st_size:,} bytes).")
