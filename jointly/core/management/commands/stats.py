from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.stats import tabular
from jointly.stats.errors import InputProblem


class Command(BaseCommand):
    help = (
        "Run a statistical method over a CSV: `jointly stats METHOD --input IN.csv --output OUT.csv`. "
        "Methods: " + ", ".join(tabular.METHODS)
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("method", choices=list(tabular.METHODS))
        parser.add_argument("--input", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument(
            "--confidence",
            default="0.95,0.998",
            help="Comma-separated confidence levels (default 0.95,0.998)",
        )
        parser.add_argument("--multiplier", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            confidence = tuple(float(c) for c in options["confidence"].split(",") if c.strip())
        except ValueError as exc:
            raise CommandError("--confidence takes numbers such as 0.95,0.998") from exc
        if not confidence or any(not 0 < c < 1 for c in confidence):
            raise CommandError("Each confidence level must be between 0 and 1, e.g. 0.95")
        try:
            df = tabular.read_csv(options["input"])
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['input']}") from exc
        except (UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"Could not read {options['input']} as a UTF-8 CSV: {exc}") from exc
        func = tabular.get_method(options["method"])
        try:
            if options["method"] == "spc":
                result = func(df)
            else:
                result = func(df, confidence=confidence, multiplier=options["multiplier"])
        except InputProblem as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {options['input']}; nothing was written."
            ) from exc
        result.to_csv(options["output"], index=False)
        self.stdout.write(f"Wrote {len(result)} rows to {options['output']}.", ending="\n")
        sys.stdout.flush()
