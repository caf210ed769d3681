"""Service pages and API lists run a fixed number of queries as a partnership's services grow 10×."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f
from tests.factories import service

N = 3


def grow(w, k: int) -> None:
    for _ in range(k):
        area = f.area()
        w.p.areas.add(area)
        org = f.organisation(kind="ccg")
        f.member(w.p, org)
        theme = f.theme(w.p)
        for level in ("universal", "specialist"):
            s = service(w.p, level_of_need=level, provider=w.provider, themes=[theme, w.theme],
                        areas=[area], commissioners=[org, w.council])  # fmt: skip
            s.intentions.add(w.intention)
            s.outcomes.add(w.outcome)


def count(fn) -> int:
    fn()  # warm up: per-person caches (roles) are filled the same way at any size
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def measure(world, client):
    client.force_login(world.users["viewer"])
    api = APIClient()
    api.force_authenticate(world.users["viewer"])
    slug = world.p.slug
    pages = {
        "list": lambda: client.get(reverse("services:list", args=[slug])),
        "list csv": lambda: client.get(reverse("services:list", args=[slug]) + "?format=csv"),
        "map": lambda: client.get(reverse("services:map", args=[slug])),
        "map xlsx": lambda: client.get(reverse("services:map", args=[slug]) + "?format=xlsx"),
        "cell": lambda: client.get(
            reverse("services:map_cell", args=[slug]) + f"?theme={world.theme.pk}&level=universal"
        ),
        "api list": lambda: api.get("/api/v1/services/"),
        "api map": lambda: api.get(f"/api/v1/service-map/?partnership={slug}"),
    }

    def run() -> dict[str, int]:
        return {name: count(fn) for name, fn in pages.items()}

    return run


def test_query_counts_do_not_grow_with_data(world, measure):
    grow(world, N)
    small = measure()
    grow(world, 9 * N)
    large = measure()
    assert large == small, {k: (small[k], large[k]) for k in small if small[k] != large[k]}


def test_provider_list_is_constant(world, client):
    client.force_login(world.users["provider"])
    url = reverse("services:list", args=[world.p.slug])
    grow(world, N)
    small = count(lambda: client.get(url))
    grow(world, 9 * N)
    assert count(lambda: client.get(url)) == small
