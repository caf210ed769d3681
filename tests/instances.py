"""A Jointly instance on a database of its own, driven through child processes (``jointly ...``).

The database is an SQLite file in ``tmp_path``, or a throwaway PostgreSQL database when DATABASE_URL
names PostgreSQL (the CI leg): never the development database.
"""

from __future__ import annotations

import os
import socket
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
        done = subprocess.run(
            [sys.executable, *args], env=self.env(), cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        if ok:
            assert done.returncode == 0, done.stderr[-3000:]
        return done

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JOINTLY_", "DATABASE_URL"))}
        env.update(
            DJANGO_SETTINGS_MODULE="jointly.settings",
            PYTHONPATH=str(ROOT),
            DATABASE_URL=self.url,
            JOINTLY_VAR_DIR=str(self.base / "var"),
            JOINTLY_SECRET_KEY="test-only-secret-key-for-instance-tests",
        )
        return env

    def serve(self, *args: str) -> subprocess.Popen[bytes]:
        """``jointly serve ARGS`` in the background (its output in ``serve.log``); the caller stops it."""
        log = (self.base / "serve.log").open("wb")
        return subprocess.Popen(
            [sys.executable, "-m", "jointly.cli", "serve", *args],
            env=self.env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

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
                return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        with sqlite3.connect(self.base / "db.sqlite3") as conn:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
            ]
            found = {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
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


def free_port() -> int:
    """A loopback port nobody listens on now (for a child process's server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    """Whether a server answers on the loopback ``port`` yet."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
