"""The partnership's indicators: found by two semi-joins, so the work does not grow with other
partnerships' links (issue 16: the theme × outcome join with DISTINCT grew quadratically)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jointly.needs.models import Indicator
from jointly.needs.queries import partnership_indicators
from tests import factories as f


def shared_catalogue(partnerships: int, indicators: list[Indicator]):
    """``partnerships`` partnerships each linking every indicator to a theme and an outcome."""
    made = []
    for _ in range(partnerships):
        p = f.partnership()
        theme, fw = f.theme(p), None
        fw = f.framework(p)
        outcome = f.outcome(fw)
        for ind in indicators:
            ind.themes.add(theme)
            ind.outcomes.add(outcome)
        made.append(p)
    return made


@pytest.mark.django_db
def test_each_indicator_once_and_only_the_partnerships_own_links():
    inds = [Indicator.objects.create(code=f"i{k}", name=f"I {k}", value_type="proportion") for k in range(4)]
    p, other = shared_catalogue(2, inds[:3])
    only_outcome = inds[3]
    only_outcome.outcomes.add(f.outcome(f.framework(p)))
    found = list(partnership_indicators(p))
    assert sorted(i.code for i in found) == ["i0", "i1", "i2", "i3"]  # each once, without DISTINCT
    for ind in found:  # the prefetched links are the partnership's own
        assert {t.partnership_id for t in ind.themes.all()} <= {p.pk}
        assert {o.framework.partnership_id for o in ind.outcomes.all()} <= {p.pk}
    assert [i.code for i in partnership_indicators(f.partnership())] == []


@pytest.mark.django_db
def test_the_query_is_two_semi_joins_not_a_join_of_both_link_tables():
    inds = [Indicator.objects.create(code=f"i{k}", name=f"I {k}", value_type="proportion") for k in range(3)]
    p = shared_catalogue(3, inds)[0]
    with CaptureQueriesContext(connection) as ctx:
        list(partnership_indicators(p))
    main = ctx.captured_queries[0]["sql"].upper()
    assert "DISTINCT" not in main
    assert main.count(" IN (SELECT") == 2
    # the outer query reads the indicator table alone: no join that multiplies rows
    outer = main.split(" WHERE ")[0]
    assert " JOIN " not in outer


@pytest.mark.django_db
def test_rows_examined_do_not_grow_with_other_partnerships():
    """SQLite's VM step count (rows examined, roughly) for the query, with 2 and then 12 partnerships
    sharing the indicators: it may grow linearly with the link rows scanned, never with their square."""
    if connection.vendor != "sqlite":
        pytest.skip("measured with SQLite's progress handler")
    inds = [Indicator.objects.create(code=f"i{k}", name=f"I {k}", value_type="proportion") for k in range(10)]
    partnerships = shared_catalogue(2, inds)

    def steps() -> int:
        qs = partnership_indicators(partnerships[0])
        sql, params = qs.query.sql_with_params()
        raw = connection.connection
        counter = [0]

        def tick() -> int:
            counter[0] += 1
            return 0

        raw.set_progress_handler(tick, 1)
        try:
            connection.cursor().execute(sql, params).fetchall()
        finally:
            raw.set_progress_handler(None, 1)
        return counter[0]

    small = steps()
    partnerships += shared_catalogue(10, inds)
    large = steps()
    # links grew 6×; a theme × outcome join would grow the work about 36×
    assert large < small * 8, (small, large)
