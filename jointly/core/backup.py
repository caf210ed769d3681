"""Online, consistent backups and restores of the whole database, for either engine.

- SQLite: the SQLite backup API (a consistent copy while the site keeps serving; readers and the
  WAL are handled by SQLite itself). The backup is an SQLite file.
- PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot taken in one transaction) and
  ``pg_restore --clean --if-exists --single-transaction`` (all or nothing).

A backup holds everything, personal data included: keep it where the live database is kept.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (nothing was changed)."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env(settings: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def backup(target: Path) -> str:
    """Write a consistent copy of the database to ``target``; returns the engine's name."""
    kind = engine()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    settings = connection.settings_dict
    if kind == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(partial) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), settings["NAME"]],
            _pg_env(settings),
        )
    partial.replace(target)  # a backup file is whole or absent, never half-written
    return kind


def restore(source: Path) -> str:
    """Replace the database's contents with the backup ``source`` (all or nothing)."""
    kind = engine()
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    head = source.read_bytes()[:16]
    settings = connection.settings_dict
    if kind == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source} is not an SQLite backup (this database is SQLite).")
        connection.ensure_connection()
        with sqlite3.connect(source) as backup_file:
            integrity = backup_file.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(f"{source} is damaged: {integrity}")
            backup_file.backup(connection.connection)
        backup_file.close()
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source} is not a PostgreSQL backup (pg_dump custom format).")
        connection.close()
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--exit-on-error", "--dbname", settings["NAME"], str(source),
            ],
            _pg_env(settings),
        )  # fmt: skip
    return kind
