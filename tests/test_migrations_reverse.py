"""Every migration of the project can be unapplied (``jointly migrate <app> zero`` has a way back).

The data-migration tests check their own migration forwards and backwards on a database of their
own (ADR 0033). Their former round trips of the whole project also unapplied most other
migrations; this test keeps the part of that check which cost no round trip: every operation of
every Jointly migration declares how it is undone (Django refuses an irreversible one, and a
``RunPython`` or ``RunSQL`` without a reverse is irreversible).
"""

from __future__ import annotations

from django.db.migrations.loader import MigrationLoader


def test_every_migration_operation_is_reversible() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = [m for key, m in loader.disk_migrations.items() if m.__module__.startswith("jointly.")]
    assert len(ours) > 40
    irreversible = [
        f"{m.app_label}.{m.name}: {op.describe()}" for m in ours for op in m.operations if not op.reversible
    ]
    assert not irreversible, "\n".join(irreversible)
