"""The finance part of an outcome's golden thread: budget lines and savings schemes serving it
through an intention or a contract that serves the outcome (see jointly/outcomes/thread.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jointly.accounts.permissions import Perm, has_permission
from jointly.finance.models import BudgetLine, SavingsScheme
from jointly.outcomes.models import Outcome
from jointly.outcomes.thread import Section
from jointly.partnerships.models import Partnership


def section(outcome: Outcome, partnership: Partnership, user: Any) -> Section | None:
    """None for people who may not see finance (providers). Two queries."""
    if not has_permission(user, Perm.VIEW_FINANCE, partnership):
        return None
    serving = (
        Q(intention__outcomes=outcome)
        | Q(contract__outcomes=outcome)
        | Q(contract__intentions__outcomes=outcome)
    )
    lines = list(
        BudgetLine.objects.filter(serving, fund__partnership=partnership)
        .select_related("fund", "fund__partnership", "owner")
        .distinct()
        .order_by("fund__name", "code")
    )
    schemes = list(
        SavingsScheme.objects.filter(serving, programme__plan__partnership=partnership)
        .select_related("programme__plan__partnership")
        .distinct()
        .order_by("programme__plan__name", "name")
    )
    if not lines and not schemes:
        return None
    return Section("Money", "finance/_thread.html", {"lines": lines, "schemes": schemes})
