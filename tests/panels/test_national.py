"""The national generator's panel: synthetic cases with confirmed packages, aggregated and suppressed."""

from __future__ import annotations

import random

from jointly.demo.national import Context
from jointly.panels import figures, national, queries
from jointly.panels.models import Case, FunderShare


def test_generator_makes_a_synthetic_panel_once(world):
    ctx = Context(world.p, 1, 0.1, random.Random(1), {"council": world.council, "icb": world.ccg}, [])
    national.cases(ctx)
    national.cases(ctx)  # idempotent
    assert Case.objects.filter(panel__partnership=world.p).count() == 20
    assert not Case.objects.filter(synthetic=False).exists()
    assert not FunderShare.objects.filter(confirmed_at__isnull=True).exists()
    rows = figures.aggregate_rows("2023/24", queries.package_years(world.p, "2023/24"))
    assert rows[-1][1:3] == ["area", "Total"]
