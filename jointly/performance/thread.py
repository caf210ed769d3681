"""The performance part of an outcome's golden thread: the KPIs serving it, with their icons."""

from __future__ import annotations

from typing import Any

from jointly.accounts.permissions import Perm, has_permission
from jointly.outcomes.thread import Section
from jointly.performance import analysis, queries


def section(outcome: Any, partnership: Any, user: Any) -> Section | None:
    """KPIs serving ``outcome`` (icons and RAG); ``None`` for people who may not see contracts."""
    if not has_permission(user, Perm.VIEW_CONTRACTS, partnership):
        return None
    kpi_qs = queries.kpis(partnership).filter(outcomes=outcome)
    statuses = analysis.worst_first(analysis.statuses(list(kpi_qs), queries.return_rows(kpi_qs)))
    return Section(
        title="KPIs measuring this outcome",
        template="performance/_thread.html",
        context={"statuses": statuses},
    )
