"""The ``jointly`` command: Jointly's own commands first, Django's underneath."""

from __future__ import annotations

import os
import sys

JOINTLY_COMMANDS = {
    "serve": "Start the web app on 127.0.0.1 with a job worker (migrates first). `jointly serve --port 8000`",
    "demo": "Load the demo partnerships from the seed papers (idempotent). `jointly demo load`",
    "report": "Produce a report. `jointly report progress --partnership derby --period 2013-Q3 "
    "--format docx --output derby.docx`",
    "token": "API tokens. `jointly token create --user EMAIL`",
    "export": "Open Contracting data. `jointly export ocds --partnership SLUG --output FILE [--records]`",
    "import": "Load an OCDS release package into the register. "
    "`jointly import ocds --partnership SLUG --input FILE`",
    "stats": "Statistics on a CSV. `jointly stats wilson --input in.csv --output out.csv` "
    "(methods: wilson, rate, mean, dsr, isr, life-expectancy, funnel, spc)",
    "needs": "Needs (JSNA) data. `jointly needs import --layout fingertips|template --input FILE.csv`",
    "jobs": "Background jobs. `jointly jobs list|show ID|retry ID|recover`",
    "worker": "Run a background-job worker (Celery). `jointly worker [--concurrency N]`",
    "migrate": "Create or update the database tables (Django).",
    "createsuperuser": "Create a platform admin (Django).",
}


def print_help() -> None:
    print("usage: jointly COMMAND [options]\n\nJointly commands:")
    for name, text in JOINTLY_COMMANDS.items():
        print(f"  {name:<16}{text}")
    print("\n`jointly COMMAND --help` for a command's options; `jointly help` lists every")
    print("Django management command as well.")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jointly.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print_help()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jointly", *argv[1:]])


if __name__ == "__main__":
    main()
