"""A throwaway database with no migration applied, for the data-migration tests (ADR 0033).

A data-migration test migrates a database of its own forward from nothing to the state it starts
from (only the migrations that state needs), then across the migration it checks and back, and the
database is dropped. The suite's test database is never migrated backwards, so nothing has to be
applied again afterwards: that round trip of the whole project cost minutes per test. The database
is on the engine under test: an SQLite file in ``tmp_path``, or a PostgreSQL database beside the test
database (dropped at the end, even when the test fails). While the test runs, every query a model
makes (the test's own and those of the migrations' ``RunPython`` code) goes to this database.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

ALIAS = "fresh"

Target = tuple[str, str | None]


class _Everything:
    """A database router sending every read and write to the fresh database."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return ALIAS


class FreshDatabase:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def executor(self) -> MigrationExecutor:
        """A new executor: it reads which migrations are applied now."""
        return MigrationExecutor(self.connection)

    def migrate(self, targets: Iterable[Target]) -> Apps:
        """Migrate to ``targets`` (forwards or backwards); the models as of those migrations."""
        targets = list(targets)
        executor = self.executor()
        executor.migrate(targets)
        return executor.loader.project_state([t for t in targets if t[1] is not None]).apps

    def applied(self) -> set[tuple[str, str]]:
        return set(self.executor().loader.applied_migrations)

    def leaf_nodes(self) -> list[tuple[str, str]]:
        return self.executor().loader.graph.leaf_nodes()


@pytest.fixture
def fresh_db(tmp_path: Path, django_db_blocker: Any) -> Iterator[FreshDatabase]:
    """A database of the engine under test with nothing in it (see the module's docstring)."""
    default = connections["default"]
    settings_dict = copy.deepcopy(default.settings_dict)
    pg = default.vendor == "postgresql"
    if pg:
        base = settings_dict["NAME"]
        name = f"{base if base.startswith('test_') else 'test_' + base}_fresh_{uuid.uuid4().hex[:8]}"
        with django_db_blocker.unblock(), default._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "fresh.sqlite3")
    settings_dict["NAME"] = name
    connections.settings[ALIAS] = settings_dict
    try:
        with django_db_blocker.unblock(), override_settings(DATABASE_ROUTERS=[_Everything()]):
            yield FreshDatabase(connections[ALIAS])
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        if pg:
            with django_db_blocker.unblock(), default._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
