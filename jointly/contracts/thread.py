"""The contracts part of an outcome's golden thread (see jointly/outcomes/thread.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q

from jointly.accounts.permissions import Perm, has_permission
from jointly.contracts import planning
from jointly.contracts.models import Contract, Variation
from jointly.intentions.models import Intention
from jointly.outcomes.models import Outcome
from jointly.outcomes.thread import Section
from jointly.partnerships.models import Partnership


def section(outcome: Outcome, partnership: Partnership, user: Any) -> Section | None:
    """Contracts serving ``outcome`` directly or through an intention that serves it.

    None when the user may not see all of the partnership's contracts. Four queries.
    """
    if not has_permission(user, Perm.VIEW_CONTRACTS, partnership):
        return None
    contracts = (
        Contract.objects.filter(partnership=partnership)
        .filter(Q(outcomes=outcome) | Q(intentions__outcomes=outcome))
        .distinct()
        .select_related("provider", "partnership")
        .prefetch_related(
            Prefetch("variations", queryset=Variation.objects.order_by("effective_date", "id")),
            "outcomes",
            Prefetch("intentions", queryset=Intention.objects.filter(outcomes=outcome), to_attr="serving"),
        )
        .order_by("end_date", "reference")
    )
    rows = []
    for contract in contracts:
        current = contract.current_terms()
        row = planning.ContractRow(contract, current, current.end_date, current.end_date)
        direct = any(o.pk == outcome.pk for o in contract.outcomes.all())
        rows.append((row, direct, [i.reference for i in contract.serving]))
    return Section("Contracts", "contracts/_thread.html", {"rows": rows})
