from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.demo import loader


class Command(BaseCommand):
    help = (
        "Demo data: `jointly demo load` loads the demo partnerships; `jointly demo accounts` lists sign-ins; "
        "`jointly demo code EMAIL` prints a demo admin's current two-factor code; "
        "`jointly demo national --partnerships N [--scale S]` adds synthetic (illustrative) partnerships "
        "and national indicator values at national scale."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load", "accounts", "code", "national"])
        parser.add_argument(
            "email", nargs="?", help="for `code`: a demo account that uses two-factor sign-in"
        )
        parser.add_argument(
            "--partnerships", type=int, default=150, help="for `national`: synthetic partnerships (150)"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="for `national`: multiplies the records per partnership and the indicators (1.0)",
        )
        parser.add_argument("--seed", type=int, default=20261205, help="for `national`: random seed")
        parser.add_argument(
            "--no-values", action="store_true", help="for `national`: skip the national indicator values"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "code":
            from jointly.accounts.demo import current_code

            try:
                self.stdout.write(current_code(options["email"] or ""))
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            return
        if options["action"] == "national":
            self._national(options)
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

    def _national(self, options: dict[str, Any]) -> None:
        from jointly.demo import national

        n, scale = options["partnerships"], options["scale"]
        if not 1 <= n <= 999:
            raise CommandError("--partnerships is 1 to 999.")
        if not 0 < scale <= 20:
            raise CommandError("--scale is more than 0 and at most 20.")
        verbose = options["verbosity"] >= 1

        def say(line: str) -> None:
            if verbose:
                self.stdout.write(line)
                self.stdout.flush()

        started = time.monotonic()
        stats = national.generate(n, scale, options["seed"], say, values=not options["no_values"])
        made = ", ".join(f"{v:,} {k}" for k, v in sorted(stats.items()) if v) or "nothing (already there)"
        self.stdout.write(
            f"Synthetic national data (illustrative): {made} in {time.monotonic() - started:.0f} s."
        )
