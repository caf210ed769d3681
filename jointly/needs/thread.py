"""The needs part of an outcome's golden thread: its indicators with their latest benchmark."""

from __future__ import annotations

from typing import Any

from jointly.accounts.permissions import Perm, has_permission
from jointly.needs import benchmarking, queries
from jointly.outcomes.thread import Section


def section(outcome: Any, partnership: Any, user: Any) -> Section | None:
    """Indicators serving ``outcome``, benchmarked against England in each partnership area.

    None for people without VIEW_NEEDS. A fixed number of queries per partnership area.
    """
    if not has_permission(user, Perm.VIEW_NEEDS, partnership):
        return None
    indicators = list(outcome.indicators.prefetch_related("themes").order_by("name"))
    rows: list[benchmarking.ProfileRow] = []
    if indicators:
        england = queries.england()
        for area in queries.partnership_areas(partnership):
            rows.extend(
                r
                for r in benchmarking.build_profile(indicators, area, england=england, with_spread=False)
                if r.latest is not None
            )
    return Section(
        title="Population indicators (needs)",
        template="needs/_thread.html",
        context={"partnership": partnership, "indicators": indicators, "rows": rows},
    )
