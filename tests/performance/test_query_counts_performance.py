"""Performance pages use a fixed number of queries however many KPIs, returns and notices exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jointly.performance import actions
from jointly.services.models import Service
from tests import factories
from tests.factories import LONG_RUNNING, contract, kpi
from tests.performance.conftest import add_returns

N = 2


def grow(perf, k: int) -> None:
    for i in range(k):
        for c in (perf.contract, contract(perf.w.p, perf.w.provider, **LONG_RUNNING)):
            q = kpi(c, quadrant=["how_much", "how_well", "better_off"][i % 3])
            q.outcomes.add(perf.w.outcome)
            add_returns(q, [90 + (j % 5) for j in range(14)])
            n = actions.raise_notice(c, [q], reason="Low", plan_summary="Fix", by=None)
            n.plan.actions.create(description="Act", owner="Lead", due_date="2030-01-01")
            actions.escalate(n, level="Director", note="x", by=None)
        s = Service.objects.create(
            partnership=perf.w.p,
            name=f"Service {factories.n()}",
            provider=perf.w.provider,
            level_of_need="universal",
        )
        kpi(None, service=s)
    actions.raise_notice(perf.other_contract, [perf.other_kpi], reason="Low", plan_summary="Fix", by=None)


PAGES = [
    lambda p: "/p/alpha/performance/",
    lambda p: "/p/alpha/performance/summary/",
    lambda p: "/p/alpha/performance/exceptions/",
    lambda p: "/p/alpha/performance/late/",
    lambda p: "/p/alpha/performance/pack/",
    lambda p: f"/p/alpha/performance/contracts/{p.contract.pk}/",
    lambda p: f"/p/alpha/performance/contracts/{p.contract.pk}/summary/",
    lambda p: f"/p/alpha/performance/contracts/{p.contract.pk}/scorecard/",
    lambda p: p.w.outcome.get_absolute_url(),
]


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["commissioner", "provider"])
def test_performance_pages_have_constant_query_counts(perf, client_for, role):
    client = client_for(perf.w.users[role])
    grow(perf, N)
    small = {page(perf): count(client, page(perf)) for page in PAGES}
    grow(perf, 9 * N)
    large = {page(perf): count(client, page(perf)) for page in PAGES}
    assert large == small


def test_kpi_list_api_has_constant_query_count(perf, client_for):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(perf.w.users["provider"])
    grow(perf, N)

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/kpis/").status_code == 200
            assert client.get("/api/v1/kpi-returns/").status_code == 200
            assert client.get("/api/v1/performance-notices/").status_code == 200
        return len(ctx.captured_queries)

    measure()  # warm the per-user role cache that force_authenticate keeps between requests
    small = measure()
    grow(perf, 9 * N)
    assert measure() == small
