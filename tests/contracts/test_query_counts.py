"""Register, expiry, timeline and pipeline pages run a constant number of queries as data grows 10×."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


def other_partnerships(n):
    """``n`` partnerships besides the world's, each with a contract (a variation, a service, an
    intention, an outcome): what a platform admin's cross-partnership list pages through."""
    for _ in range(n):
        p = factories.partnership()
        org = factories.organisation(kind="nhs_trust")
        factories.member(p, org)
        c = contract(p, org, org, end_date=dt.date(2018, 3, 31))
        variation(c, status="approved", kind="term", value_change=None, new_end_date=dt.date(2019, 3, 31))
        from jointly.services.models import Service

        service = Service.objects.create(partnership=p, name=f"S{factories.n()}", level_of_need="universal")
        c.services.add(service)
        c.intentions.add(factories.intention(p, org))
        c.outcomes.add(factories.outcome(factories.framework(p)))


def test_contracts_api_for_a_platform_admin_is_constant_in_other_partnerships(world, client_for):
    """``/api/v1/contracts/`` read as the platform admin (every partnership's contracts): the same
    queries for 2 and 12 other partnerships, with or without a page limit below the rows held."""
    client = client_for(world.admin)
    other_partnerships(2)
    small = count(client, "/api/v1/contracts/")
    other_partnerships(10)
    assert count(client, "/api/v1/contracts/") == small
    assert count(client, "/api/v1/contracts/?limit=5") == small


def test_contracts_api_works_out_each_rows_terms_once(world, client_for, monkeypatch):
    """The current value, end date and value by year share one reading of a row's terms (the value
    schedule is the dearest part of a row), and the answer is what the terms say."""
    from jointly.contracts.models import Contract

    other_partnerships(3)
    calls = []
    original = Contract.current_terms

    def counting(self):
        calls.append(self.pk)
        return original(self)

    monkeypatch.setattr(Contract, "current_terms", counting)
    body = client_for(world.admin).get("/api/v1/contracts/").json()
    rows = body["results"]
    assert len(rows) == body["count"] >= 3
    assert sorted(calls) == sorted(r["id"] for r in rows)
    varied = [r for r in rows if r["current_end_date"] == "2019-03-31"]
    assert len(varied) == 3
    for r in varied:  # a year's extension at the contract's annual rate
        assert r["end_date"] == "2018-03-31"
        assert Decimal(r["current_value"]) == sum(Decimal(v) for v in r["value_by_year"].values())
        assert set(r["value_by_year"]) >= {"2013/14", "2018/19"}
