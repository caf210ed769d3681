"""Needs pages use a fixed number of queries however many values, areas, periods or indicators there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jointly.needs.models import Indicator, IndicatorValue
from jointly.partnerships.models import Area
from tests.needs.conftest import PERIODS, make_value

pytestmark = pytest.mark.django_db


def grow(needs, factor: int = 10) -> None:
    """About ``factor`` times the values: older periods, more neighbours (in the group), more indicators."""
    older = [f"{1990 + i}/{(91 + i) % 100:02d}" for i in range(factor - 1)]
    needs.add_values(periods=older)
    new_areas = [
        Area.objects.create(
            gss_code=f"E1000020{i}", name=f"More {i}", area_type="county", parent=needs.region
        )
        for i in range(factor - 1)
    ]
    needs.group.members.add(*new_areas)
    needs.add_values(areas=new_areas, base=False)
    needs.add_values(periods=older, areas=new_areas, base=False)
    rows = []
    for i in range(3):
        extra = Indicator.objects.create(
            code=f"extra-{i}", name=f"Extra {i}", value_type="proportion", multiplier=100
        )
        extra.themes.add(needs.w.theme)
        for area in [needs.england, needs.region, needs.county, *needs.neighbours, *new_areas]:
            rows += [make_value(extra, area, p, 50, 100) for p in PERIODS]
    IndicatorValue.objects.bulk_create(rows)


def count_queries(client, url: str) -> int:
    client.get(url)  # warm caches that are not per-request (content types, etc.)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    ["profile", "profile-csv", "compare", "gaps", "trend", "funnel", "api-profile", "index"],
)
def test_query_count_constant_as_data_grows_tenfold(needs, client_for, name):
    client = client_for(needs.w.users["viewer"])
    urls = {
        "profile": reverse("needs:profile", args=["alpha"]),
        "profile-csv": reverse("needs:profile", args=["alpha"]) + "?format=csv",
        "compare": reverse("needs:compare", args=["alpha", needs.bf.pk]),
        "gaps": reverse("needs:gaps", args=["alpha"]),
        "trend": reverse("needs:indicator", args=["alpha", needs.asthma.pk]),
        "funnel": reverse("needs:funnel", args=["alpha", needs.bf.pk]),
        "api-profile": "/api/v1/needs-profile/?partnership=alpha",
        "index": reverse("needs:index", args=["alpha"]),
    }
    url = urls[name]
    before_rows = IndicatorValue.objects.count()
    small = count_queries(client, url)
    grow(needs)
    assert IndicatorValue.objects.count() >= 10 * before_rows
    large = count_queries(client, url)
    assert small == large, f"{name}: {small} queries with the small data set, {large} with 10x"
    print(f"{name}: {large} queries")
