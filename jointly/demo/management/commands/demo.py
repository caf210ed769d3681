from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.demo import loader


class Command(BaseCommand):
    help = (
        "Demo data: `jointly demo load` loads the demo partnerships; `jointly demo accounts` lists sign-ins; "
        "`jointly demo code EMAIL` prints a demo admin's current two-factor code."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load", "accounts", "code"])
        parser.add_argument(
            "email", nargs="?", help="for `code`: a demo account that uses two-factor sign-in"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "code":
            from jointly.accounts.demo import current_code

            try:
                self.stdout.write(current_code(options["email"] or ""))
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            return
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
