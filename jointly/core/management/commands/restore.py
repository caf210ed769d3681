from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup made by `jointly backup`: `jointly restore "
        "--input FILE --yes` (all or nothing; stop the site and its workers first)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--input", required=True, help="A file written by `jointly backup`")
        parser.add_argument("--yes", action="store_true", help="Confirm: the current contents are replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring replaces everything in the database: add --yes to go ahead.")
        source = Path(options["input"])
        try:
            kind = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the {kind} database from {source}.")
