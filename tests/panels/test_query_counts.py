"""The panel pages, the aggregates and the API read in a number of queries that does not grow with cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jointly.panels import actions
from tests.panels.conftest import TODAY, build, decided, terms, three_way


def _more_cases(pw, n: int) -> None:
    for _ in range(n):
        case = actions.refer(
            pw.panel, {"age_band": "5-10", "need_band": pw.band, "primary_need": "Autism", "referred_on": TODAY,
                       "referring_organisation": pw.w.council, "reason": "Needs"}, {}, by=None, today=TODAY,
        )  # fmt: skip
        actions.decide(case, meeting=pw.meeting, outcome="approved", reasons="Yes", terms=terms(),
                       shares=three_way(pw), by=pw.members["proposer"].user)  # fmt: skip


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["", "jap/", "jap/oversight/", "api-cases", "api-aggregates"])
def test_queries_do_not_grow_with_cases(client, world, page):
    pw = build(world)
    decided(pw)
    client.force_login(pw.members["chair"].user)
    url = {
        "api-cases": "/api/v1/panel-cases/",
        "api-aggregates": f"/api/v1/panel-aggregates/?partnership={pw.w.p.slug}&financial_year=2024/25",
    }.get(page, f"/p/{pw.w.p.slug}/panels/{page}?financial_year=2024/25")
    _count(client, url)  # warm caches (sessions, content types)
    few = _count(client, url)
    _more_cases(pw, 6)
    assert _count(client, url) <= few, url


def test_case_page_queries_do_not_grow_with_versions(client, world):
    pw = build(world)
    decided(pw)
    client.force_login(pw.members["chair"].user)
    url = pw.case.get_absolute_url()
    _count(client, url)
    few = _count(client, url)
    package = pw.case.packages.get()
    for amount in (3600, 3700, 3800):
        actions.revise(
            package, terms(amount=amount), three_way(pw), reason="Change", by=pw.members["proposer"].user
        )
    assert _count(client, url) <= few
