"""Register, expiry, timeline and pipeline pages run a constant number of queries as data grows 10×."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jointly.contracts.models import ProcurementStage
from tests import factories
from tests.factories import contract, project, variation

pytestmark = pytest.mark.django_db


def grow(w, n):
    from jointly.services.models import Service

    for _ in range(n):
        c = contract(w.p, w.provider, w.council, end_date=dt.date.today() + dt.timedelta(days=100))
        variation(c, status="approved")
        service = Service.objects.create(partnership=w.p, name=f"S{factories.n()}", level_of_need="universal")
        service.themes.add(w.theme)
        c.services.add(service)
        c.intentions.add(w.intention)
        p = project(w.p, w.ccg)
        p.intentions.add(w.intention)
        ProcurementStage.objects.create(project=p, stage="tender", planned_date=dt.date(2014, 1, 1))


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["register", "expiry", "timeline", "pipeline"])
def test_constant_queries(world, client_for, page):
    client = client_for(world.users["viewer"])
    url = reverse(f"contracts:{page}", args=["alpha"]) + ("?months=24&window=12" if page == "expiry" else "")
    grow(world, 2)
    small = count(client, url)
    grow(world, 18)
    assert count(client, url) == small
