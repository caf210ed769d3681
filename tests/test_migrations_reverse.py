"""Every migration of the project can be unapplied (``jointly migrate <app> zero``).

The data-migration tests check their own migration forwards and backwards on a database of their
own (ADR 0033). This test keeps what their former round trips of the whole project also checked, once:
every migration, from the newest back to the first, unapplies on the engine under test.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from tests.fresh_database import FreshDatabase


@pytest.mark.slow
def test_every_migration_unapplies(fresh_db: FreshDatabase) -> None:
    leaves = fresh_db.leaf_nodes()
    fresh_db.migrate(leaves)  # as the test database was made
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("jointly.")}
    applied = fresh_db.applied()
    assert {n for n in fresh_db.executor().loader.graph.nodes if n[0] in ours} <= applied
    fresh_db.migrate([(label, None) for label in sorted(ours) if any(n[0] == label for n in applied)])
    assert not {n for n in fresh_db.applied() if n[0] in ours}
