"""Directory and engagement pages and ORUK lists use a fixed number of queries however many
services, locations, comments and responses there are (measured at N, then at 4N)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f


def grow(w, offer, area, k: int) -> None:
    for _ in range(k):
        s = f.service(w.p, provider=w.provider, published=True, areas=[area], age_min=0, age_max=10)
        e = f.directory_entry(s, send_needs="communication", languages="English, Urdu")
        f.location(e, latitude=51.889, longitude=0.904)
        f.location(e, confidential=True)
        f.schedule(e)
        f.schedule(e, byday="SA")
        f.change_proposal(e)
        theme = f.feedback_theme(offer)
        f.feedback(offer, theme=theme, entry=e)
        r = f.response(offer, theme=theme, published=True, published_on="2026-01-01")
        r.intentions.add(w.intention)
        r.services.add(s)
        a = f.engagement_activity(w.p)
        a.intentions.add(w.intention)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


URLS = [
    ("anonymous", "/local-offer/alpha/"),
    ("anonymous", "/local-offer/alpha/?q=Service&age=4&postcode=CO1&send=communication&day=MO"),
    ("anonymous", "/local-offer/alpha/print/"),
    ("anonymous", "/local-offer/alpha/you-said-we-did/"),
    ("anonymous", "/local-offer/alpha/oruk/services?per_page=100"),
    ("anonymous", "/local-offer/alpha/oruk/service_at_locations?per_page=100"),
    ("anonymous", "/local-offer/alpha/oruk/service_at_locations?postcode=CO1&proximity=5000"),
    ("commissioner", "/p/alpha/directory/"),
    ("provider", "/p/alpha/directory/"),
    ("commissioner", "/p/alpha/directory/?format=csv"),
    ("provider", "/p/alpha/directory/?format=xlsx"),
    ("commissioner", "/p/alpha/engagement/"),
]


@pytest.mark.parametrize("actor, url", URLS)
def test_constant_queries(client, world, actor, url):
    area = f.area(gss_code="E07000961", name="Area", area_type="district")
    offer = f.local_offer(world.p, world.council, slug="alpha", areas=[area])
    if actor != "anonymous":
        client.force_login(world.users[actor])
    grow(world, offer, area, 3)
    small = count(client, url)
    grow(world, offer, area, 9)
    assert count(client, url) == small


def test_service_detail_queries_do_not_grow_with_its_locations(client, world):
    area = f.area(gss_code="E07000962", name="Area", area_type="district")
    f.local_offer(world.p, world.council, slug="alpha", areas=[area])
    e = f.directory_entry(f.service(world.p, provider=world.provider, published=True, areas=[area]))
    f.location(e)
    urls = [f"/local-offer/alpha/services/{e.uuid}/", f"/local-offer/alpha/oruk/services/{e.uuid}"]
    small = [count(client, u) for u in urls]
    for _ in range(5):
        f.location(e)
        f.schedule(e)
    assert [count(client, u) for u in urls] == small
