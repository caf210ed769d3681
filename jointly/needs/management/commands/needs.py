"""``jointly needs import --layout fingertips|template --input FILE``: load indicator values;
``jointly needs fetch --indicator ID``: load them from the Fingertips API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.needs import fingertips_api, importer
from jointly.needs.models import ImportLayout, ImportStatus


class Command(BaseCommand):
    help = (
        "Needs analysis data. `jointly needs import --layout fingertips|template --input FILE` loads "
        "indicator values (the whole file or nothing; problems grouped by kind, with their rows). The "
        "Fingertips layout adds unknown indicators and areas from the file unless --strict."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Load indicator values from a CSV")
        load.add_argument("--layout", required=True, choices=list(ImportLayout.values))
        load.add_argument("--input", required=True, help="CSV file")
        load.add_argument(
            "--strict",
            action="store_true",
            help="Refuse indicators and areas the database does not know (by default the Fingertips layout "
            "adds them from the file: indicators from their ID and name, areas from their GSS code and name)",
        )
        load.add_argument(
            "--create-areas",
            action="store_true",
            help="Kept for old scripts: areas are now added unless --strict is given",
        )
        load.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar")
        fetch = sub.add_parser("fetch", help="Load an indicator's data from the Fingertips API")
        what = fetch.add_mutually_exclusive_group(required=True)
        what.add_argument("--indicator", type=int, help="Fingertips indicator ID, e.g. 93356")
        what.add_argument("--profile", type=int, help="Fingertips profile ID: every indicator of the profile")
        fetch.add_argument(
            "--area-type", type=int, default=fingertips_api.DEFAULT_AREA_TYPE,
            help="Fingertips area type ID of the areas (default 502: upper-tier local authorities)",
        )  # fmt: skip
        fetch.add_argument(
            "--parent-area-type", type=int, default=fingertips_api.DEFAULT_PARENT_AREA_TYPE,
            help="Fingertips area type ID of their parents (default 15: England)",
        )  # fmt: skip
        fetch.add_argument("--strict", action="store_true", help="Refuse unknown indicators and areas")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        elif options["action"] == "fetch":
            self._fetch(options)

    def _fetch(self, options: Any) -> None:
        try:
            log = fingertips_api.fetch(
                options["indicator"], profile=options["profile"], area_type=options["area_type"],
                parent_area_type=options["parent_area_type"], strict=options["strict"],
            )  # fmt: skip
        except fingertips_api.FetchError as exc:
            raise CommandError(str(exc)) from exc
        self._report(log, log.file_name)

    def _report(self, log: Any, path: str) -> None:
        lines = importer.report_lines(log.report, done=log.status == ImportStatus.DONE)
        if log.status != ImportStatus.DONE:
            for line in lines:  # problems grouped by kind and subject, then what would have been added
                self.stderr.write(line)
            raise CommandError(f"{log.problem_count} problem(s) in {path}; nothing was saved.")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(log.message)

    def _import(self, options: Any) -> None:
        from tqdm import tqdm

        path = options["input"]
        try:
            open(path, "rb").close()
        except OSError as exc:
            raise CommandError(f"Cannot open {path}: {exc.strerror or exc}") from exc
        bar = None if options["no_progress"] else tqdm(total=100, unit="%", desc="Import", file=self.stderr)

        def progress(fraction: float, stage: str) -> None:
            if bar is not None:
                bar.set_description(stage)
                bar.update(int(fraction * 100) - bar.n)

        try:
            log = importer.import_file(path, options["layout"], progress=progress, strict=options["strict"])
        finally:
            if bar is not None:
                bar.close()
        self._report(log, path)
