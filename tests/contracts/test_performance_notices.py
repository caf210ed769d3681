"""The contract detail page lists the contract's open performance notices in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jointly.performance import actions
from jointly.performance.models import ActionStatus, NoticeStatus, PlanStatus, RemedialAction
from tests.factories import LONG_RUNNING, contract, kpi

pytestmark = pytest.mark.django_db


def notice(c, by, *, actions_due=1, actions_done=0, **kw):
    k = kpi(c)
    n = actions.raise_notice(c, [k], reason="Below target", plan_summary="Recover", by=by)
    for status, count in ((ActionStatus.IN_PROGRESS, actions_due), (ActionStatus.DONE, actions_done)):
        for _ in range(count):
            RemedialAction.objects.create(
                plan=n.plan,
                description="Train staff",
                owner="Lead",
                due_date=dt.date(2030, 1, 1),
                status=status,
            )
    return n, k


def url(c):
    return reverse("contracts:detail", args=["alpha", c.pk])


def test_open_notices_shown_with_kpis_and_due_actions(world, client_for):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    n, k = notice(c, world.admin, actions_due=2, actions_done=3)
    withdrawn, wk = notice(c, world.admin)
    withdrawn.status = NoticeStatus.WITHDRAWN
    withdrawn.save()
    completed, ck = notice(c, world.admin)
    completed.plan.status = PlanStatus.COMPLETED
    completed.plan.save()
    for role in ("viewer", "commissioner", "provider"):
        response = client_for(world.users[role]).get(url(c))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="performance-notices-table"' in html
        assert reverse("performance:notice", args=["alpha", n.pk]) in html
        assert k.code in html
        assert reverse("performance:notice", args=["alpha", withdrawn.pk]) not in html
        assert reverse("performance:notice", args=["alpha", completed.pk]) not in html
        table = html.split('id="performance-notices-table"')[1].split("</table>")[0]
        assert ">2</td>" in table


def test_no_notices(world, client_for):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    response = client_for(world.users["viewer"]).get(url(c))
    assert "No open performance notices." in response.content.decode()


def test_provider_cannot_see_other_providers_contract_or_notices(world, client_for):
    from tests import factories

    other = factories.organisation(slug="other-trust", name="Other Trust", kind="nhs_trust")
    factories.member(world.p, other, "provider")
    c = contract(world.p, other, **LONG_RUNNING)
    notice(c, world.admin)
    assert client_for(world.users["provider"]).get(url(c)).status_code == 404
    assert client_for(world.outsider).get(url(c)).status_code == 404


def test_detail_query_count_constant_as_notices_grow(world, client_for):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    client = client_for(world.users["commissioner"])
    notice(c, world.admin)
    client.get(url(c))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(c)).status_code == 200
    for _ in range(5):
        notice(c, world.admin, actions_due=3, actions_done=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url(c)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
