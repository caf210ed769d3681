"""Issue 10.10: the home page (and /api/v1/attention/) says what needs attention, by role and
scope, as at each partnership's date, in a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jointly.performance import actions
from jointly.performance.models import KpiReturn
from tests import factories
from tests.factories import contract, kpi

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2014, 2, 15)


def _setup(world):
    """Alpha as at 15 Feb 2014, with one thing of each kind needing attention."""
    world.p.reference_date = AS_AT
    world.p.save()
    world.agreement.review_date = dt.date(2014, 3, 1)
    world.agreement.save()
    c = contract(world.p, world.provider, reference="C-NOTICE", end_date=dt.date(2014, 6, 30))
    k = kpi(c, code="K-LATE")
    when = dt.datetime(2013, 6, 10, 10, tzinfo=dt.UTC)
    KpiReturn.objects.create(
        kpi=k, period="2013-05", period_start=dt.date(2013, 5, 1), period_end=dt.date(2013, 5, 31),
        due_date=dt.date(2013, 6, 15), numerator=9, denominator=10, value=90.0, status="queried",
        first_submitted_on=when, last_submitted_on=when,
    )  # fmt: skip
    notice = actions.raise_notice(c, [k], reason="Below", by=world.users["commissioner"])
    notice.issued_on = dt.date(2014, 1, 10)
    notice.save()
    other = factories.organisation(slug="rival-trust", name="Rival Trust", kind="nhs_trust")
    factories.member(world.p, other, "provider")
    contract(world.p, other, reference="C-RIVAL", end_date=dt.date(2014, 5, 31))
    return c, k, notice


def _kinds(html: str) -> set[str]:
    return {part.split('"')[0] for part in html.split('data-kind="')[1:]}


def test_commissioner_sees_every_kind_linked_to_its_record(world, client_for):
    c, k, notice = _setup(world)
    response = client_for(world.users["commissioner"]).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "as at 15 February 2014" in html
    assert _kinds(html) == {
        "milestone_missed", "intention_no_update", "action_overdue", "review_due", "contract_notice_due",
        "return_late", "return_queried", "plan_awaited",
    }  # fmt: skip
    for url in (
        reverse("intentions:detail", args=["alpha", "ALP-01"]),
        reverse("contracts:detail", args=["alpha", c.pk]),
        reverse("performance:kpi", args=["alpha", k.code]),
        reverse("performance:return", args=["alpha", KpiReturn.objects.get(kpi=k).pk]),
        notice.get_absolute_url(),
        world.agreement.get_absolute_url(),
        reverse("partnerships:board", args=["alpha", world.board.slug]),
    ):
        assert f'href="{url}' in html, url
    assert "C-RIVAL" in html  # a commissioner sees every provider's contracts


def test_statuses_are_as_at_the_partnerships_date_not_the_clock(world, client_for):
    _setup(world)
    world.p.reference_date = dt.date(2013, 7, 1)
    world.p.save()
    html = client_for(world.users["commissioner"]).get("/").content.decode()
    kinds = _kinds(html)
    assert "milestone_due" in kinds and "milestone_missed" not in kinds  # due 1 Aug 2013
    assert "action_overdue" not in kinds  # due 1 Jan 2014
    assert "plan_awaited" not in kinds  # the notice was issued in 2014
    # ?as_at= moves every partnership's date
    html = client_for(world.users["commissioner"]).get("/?as_at=2014-02-15").content.decode()
    assert "milestone_missed" in _kinds(html)


def test_provider_sees_only_its_own_contracts_lines(world, client_for):
    _setup(world)
    html = client_for(world.users["provider"]).get("/").content.decode()
    assert _kinds(html) == {"contract_notice_due", "return_late", "return_queried", "plan_awaited"}
    assert "C-RIVAL" not in html and "ALP-01" not in html


def test_viewer_reads_but_an_outsider_sees_nothing_of_alpha(world, client_for):
    _setup(world)
    html = client_for(world.users["viewer"]).get("/").content.decode()
    assert "milestone_missed" in _kinds(html) and "plan_to_agree" not in _kinds(html)
    html = client_for(world.outsider).get("/").content.decode()
    assert "Alpha" not in html and "Nothing needs your attention" in html
    assert client_for(None).get("/").status_code == 302


def test_api_gives_the_same_lines_scoped(world, client_for):
    _setup(world)
    api = client_for(world.users["provider"])
    r = api.get("/api/v1/attention/")
    assert r.status_code == 200
    body = r.json()
    assert {i["kind"] for i in body} == {
        "contract_notice_due",
        "return_late",
        "return_queried",
        "plan_awaited",
    }
    assert all(i["partnership"] == "alpha" and i["as_at"] == "2014-02-15" for i in body)
    assert all(i["url"].startswith("/p/alpha/") for i in body)
    full = client_for(world.users["commissioner"]).get("/api/v1/attention/").json()
    assert len(full) > len(body)
    assert client_for(None).get("/api/v1/attention/").status_code in (401, 403)
    assert client_for(world.users["commissioner"]).get("/api/v1/attention/?as_at=nonsense").status_code == 400
    schema = client_for(world.users["commissioner"]).get("/api/v1/openapi.json").json()
    assert "/api/v1/attention/" in schema["paths"]


def _more(world, i):
    """More of everything: the query count must not grow with it."""
    intent = factories.intention(world.p, world.council, reference=f"MORE-{i}")
    factories.milestone(intent)
    factories.progress(intent, rag="red")
    factories.action(world.board, description=f"More {i}")
    factories.agreement(world.p, world.council, review_date=dt.date(2014, 1, 1))
    c = contract(world.p, world.provider, end_date=dt.date(2014, 5, 31))
    k = kpi(c)
    n = actions.raise_notice(c, [k], reason="Below", plan_summary="Plan", by=world.users["provider"])
    n.issued_on = dt.date(2014, 1, 5)
    n.save()
    n.plan.actions.create(description="Train", owner="Lead", due_date=dt.date(2014, 1, 1))


@pytest.mark.parametrize("url", ["/", "/api/v1/attention/"])
def test_query_count_does_not_grow_with_data(world, client_for, url, django_assert_max_num_queries):
    _setup(world)
    _more(world, 99)  # one of everything, so that every prefetch runs in both measurements
    client = client_for(world.users["commissioner"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(4):
        _more(world, i)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "remedial_action_overdue" in text and "intention_off_track" in text


def _extra_source(found):
    from jointly.core.attention import OVERDUE, Item

    for c in found:
        yield Item(c.partnership, c.as_at, "fund_overspend", "Fund overspend", "Pooled fund",
                   "Forecast £10,000 over budget", c.partnership.get_absolute_url(), OVERDUE)  # fmt: skip


def test_sources_are_a_registry_other_apps_extend(world, client_for, settings):
    settings.JOINTLY_ATTENTION_SOURCES = [*settings.JOINTLY_ATTENTION_SOURCES, f"{__name__}._extra_source"]
    _setup(world)
    html = client_for(world.users["viewer"]).get("/").content.decode()
    assert "fund_overspend" in _kinds(html) and "Forecast £10,000 over budget" in html


def test_the_api_list_is_capped_and_narrows_to_one_partnership(world, client_for):
    """RESOLUTIONS 13: every list caps its size; ``partnership`` narrows it (documented)."""
    _setup(world)
    api = client_for(world.users["commissioner"])
    full = api.get("/api/v1/attention/").json()
    assert len(full) > 2
    assert api.get("/api/v1/attention/?limit=2").json() == full[:2]
    for bad in ("0", "-3", "many", ""):
        assert api.get(f"/api/v1/attention/?limit={bad}").json() == full  # the default (the cap)
    assert api.get("/api/v1/attention/?limit=100000").json() == full
    assert api.get("/api/v1/attention/?partnership=alpha").json() == full
    assert api.get(f"/api/v1/attention/?partnership={world.other.slug}").json() == []  # not theirs
    assert api.get("/api/v1/attention/?partnership=no-such-slug").json() == []
    schema = api.get("/api/v1/openapi.json").json()["paths"]["/api/v1/attention/"]["get"]
    assert {"partnership", "limit"} <= {p["name"] for p in schema["parameters"]}
    assert "At most 500" in schema["description"]
