"""The golden thread shows the money serving an outcome, to people who may see finance."""

from __future__ import annotations

from django.urls import reverse

from tests import factories


def test_outcome_page_shows_lines_and_schemes_serving_it(world, client_for):
    fw = factories.finance_world(world.p, world.council, world.ccg)
    fw["line"].intention = world.intention
    fw["line"].save()
    fw["scheme"].intention = world.intention
    fw["scheme"].save()
    url = reverse("outcomes:outcome", args=["alpha", world.outcome.pk])
    html = client_for(world.users["viewer"]).get(url).content.decode()
    assert "Budget lines" in html and fw["line"].name in html and "Pathology" in html
    provider = client_for(world.users["provider"]).get(url)
    assert provider.status_code == 200 and fw["line"].name not in provider.content.decode()
