"""`jointly backup` / `jointly restore` round trip on the engine under test (issue 16 item 6).

Each run works on a database of its own, made by a child process (an SQLite file in ``tmp_path``,
or a throwaway PostgreSQL database when DATABASE_URL names PostgreSQL): never the development one.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("DATABASE_URL", "")
ON_PG = PG_URL.startswith(("postgres://", "postgresql://"))


class Instance:
    def __init__(self, base: Path, database_url: str) -> None:
        self.base = base
        self.url = database_url

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JOINTLY_", "DATABASE_URL"))}
        env.update(
            DJANGO_SETTINGS_MODULE="jointly.settings",
            PYTHONPATH=str(ROOT),
            DATABASE_URL=self.url,
            JOINTLY_VAR_DIR=str(self.base / "var"),
            JOINTLY_SECRET_KEY="test-only-secret-key-for-backup-tests",
        )
        done = subprocess.run(
            [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        if ok:
            assert done.returncode == 0, done.stderr[-3000:]
        return done

    def jointly(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "jointly.cli", *args, ok=ok)

    def execute(self, sql: str) -> None:
        if ON_PG:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(sql)
        else:
            with sqlite3.connect(self.base / "db.sqlite3") as conn:
                conn.execute(sql)
            conn.close()

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted: equal snapshots mean identical contents."""
        if ON_PG:
            import psycopg

            with psycopg.connect(self.url) as conn:
                tables = [
                    r[0]
                    for r in conn.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                    )
                ]
                return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608
        with sqlite3.connect(self.base / "db.sqlite3") as conn:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
            ]
            found = {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}  # noqa: S608
        conn.close()
        return found


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    if not ON_PG:
        yield Instance(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
        return
    import psycopg

    name = f"jointly_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Instance(tmp_path, f"{PG_URL.rpartition('/')[0]}/{name}")
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
