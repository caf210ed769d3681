"""The ``jointly`` command: Jointly's own commands first, Django's underneath."""

from __future__ import annotations

import os
import sys

# Django's own commands a newcomer needs, shown beside Jointly's (which are found, not listed here).
DJANGO_COMMANDS = {
    "migrate": "Create or update the database tables (Django).",
    "createsuperuser": "Create a platform admin (Django).",
}


def jointly_commands() -> dict[str, str]:
    """Every management command of a Jointly app, with its help.

    This is the command registry: an app adds ``jointly <name>`` by shipping a management
    command; nothing here needs editing.
    """
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    found: dict[str, str] = {}
    for name, app in sorted(get_commands().items()):
        if app.startswith("jointly."):
            command = load_command_class(app, name)
            found[name] = " ".join(str(command.help).split())
    return found


def print_help() -> None:
    print("usage: jointly COMMAND [options]\n\nJointly commands:")
    for name, text in {**jointly_commands(), **DJANGO_COMMANDS}.items():
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
