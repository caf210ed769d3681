"""The partnership page's panel figures: jointly funded packages by type for the financial year of
the page's as-at date, as counts and sums with small numbers suppressed (``c``), exactly as the Panels
page and export show them. Nothing about any one child; partnership staff who may see planning only."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("panels/_partnership_panel.html", takes_context=True)
def panels_for_partnership(context: Any, partnership: Any) -> dict[str, Any]:
    from jointly.accounts.permissions import Perm, has_permission
    from jointly.core import asat, periods
    from jointly.panels import figures, queries

    request = context.get("request")
    if request is None or not has_permission(request.user, Perm.VIEW_PLANNING, partnership):
        return {"show": False}
    panels = list(queries.panels_of(partnership))
    if not panels:
        return {"show": False}
    day = asat.requested_as_at(request) or asat.today_for(partnership)
    year = periods.financial_year_of(day).text
    threshold = max(p.suppression_threshold for p in panels)
    rows = [
        r
        for r in figures.aggregate_rows(year, queries.package_years(partnership, year), threshold)
        if r[1] == "package_type"
    ]
    return {"show": True, "partnership": partnership, "year": year, "rows": rows, "panels": panels}
