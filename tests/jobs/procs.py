"""Run in child processes by test_workers.py (on its own SQLite test database, never the development one)."""

from __future__ import annotations

import json
import sys

import django


def seed() -> None:
    """Migrate the test database; a world with the needs indicators; print an API token."""
    django.setup()
    from django.core.management import call_command

    from tests import factories
    from tests.needs.conftest import NeedsWorld

    call_command("migrate", verbosity=0)
    world = factories.World.build()
    NeedsWorld.build(world)
    print(json.dumps({"token": factories.api_token(world.users["analyst"])}))


def enqueue(source: str) -> None:
    """Queue the import of ``source`` (template layout) as the page does; print the job's id."""
    django.setup()
    import shutil
    import uuid

    from jointly.needs import importer
    from jointly.needs import jobs as needs_jobs
    from jointly.partnerships.models import Partnership

    log = importer.start_log(
        file_name="big.csv", layout="template", partnership=Partnership.objects.get(slug="alpha")
    )
    stored = needs_jobs.upload_dir() / f"{log.pk}-{uuid.uuid4().hex}.csv"
    shutil.copyfile(source, stored)
    print(needs_jobs.enqueue_import(log, stored).pk)


if __name__ == "__main__":
    {"seed": seed, "enqueue": enqueue}[sys.argv[1]](*sys.argv[2:])
