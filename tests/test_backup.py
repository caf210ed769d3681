"""`jointly backup` / `jointly restore` round trip on the engine under test (issue 16 item 6).

Each run works on a database of its own (tests/instances.py): never the development one. The whole
round trip runs once, on the PostgreSQL leg (RESOLUTIONS 15); the refusal runs on both engines.
SQLite's round trip is `make test` with DATABASE_URL unset and JOINTLY_TEST_BACKUP_SQLITE=1.
"""

from __future__ import annotations

import os

import pytest

from tests.instances import ON_PG, Instance


@pytest.mark.skipif(
    not ON_PG and not os.environ.get("JOINTLY_TEST_BACKUP_SQLITE"),
    reason="the round trip runs once, on the PostgreSQL leg of CI (RESOLUTIONS 15)",
)
def test_backup_then_restore_gives_back_every_row(instance: Instance) -> None:
    instance.run("-m", "tests.jobs.procs", "seed")  # migrated, with partnerships, people, records
    before = instance.snapshot()
    assert sum(map(len, before.values())) > 100
    backup = instance.base / "backups" / "jointly.backup"
    out = instance.jointly("backup", "--output", str(backup)).stdout
    assert f"to {backup}" in out and backup.is_file()
    assert not list(backup.parent.glob("*.partial"))

    instance.execute("DELETE FROM intentions_progressupdate")
    instance.execute("UPDATE partnerships_partnership SET name = 'Changed after the backup'")
    assert instance.snapshot() != before

    refused = instance.jointly("restore", "--input", str(backup), ok=False)
    assert refused.returncode == 1 and "add --yes" in refused.stderr
    out = instance.jointly("restore", "--input", str(backup), "--yes").stdout
    assert f"from {backup}" in out
    assert instance.snapshot() == before


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(instance: Instance) -> None:
    instance.jointly("migrate", "--noinput", "-v", "0")
    before = instance.snapshot()
    bogus = instance.base / "notes.backup"
    bogus.write_text("partnership,name\nalpha,Alpha\n")
    refused = instance.jointly("restore", "--input", str(bogus), "--yes", ok=False)
    assert refused.returncode == 1
    engine = "PostgreSQL" if ON_PG else "SQLite"
    assert f"is not a{'n' if engine == 'SQLite' else ''} {engine} backup" in refused.stderr
    missing = instance.jointly("restore", "--input", str(instance.base / "none"), "--yes", ok=False)
    assert "No backup file at" in missing.stderr
    assert instance.snapshot() == before
