from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.demo import loader


class Command(BaseCommand):
    help = (
        "Demo data: `jointly demo load` loads the demo partnerships; `jointly demo accounts` lists sign-ins."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load", "accounts"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                stats = loader.load()
            except loader.DemoDataError as exc:
                for problem in exc.problems:
                    self.stderr.write(problem)
                raise CommandError("Demo data has problems; nothing was loaded.") from exc
            changes = ", ".join(f"{n} {k}" for k, n in sorted(stats.items())) or "nothing to change"
            self.stdout.write(f"Demo data loaded: {changes}.")
        self.stdout.write(f"\nDemo sign-ins (password for all: {loader.DEMO_PASSWORD}):")
        for email, slug, role in loader.demo_accounts():
            self.stdout.write(f"  {email:<48} {role}{' in ' + slug if slug else ''}")
