"""The risks part of an outcome's golden thread, and the risks shown on the records they threaten."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from jointly.accounts.permissions import Perm, has_permission, scope_for
from jointly.outcomes.models import Outcome
from jointly.outcomes.thread import Section
from jointly.partnerships.models import Partnership
from jointly.risks import queries


def section(outcome: Outcome, partnership: Partnership, user: Any) -> Section | None:
    """Live risks threatening an intention, contract or service that serves ``outcome``, or a fund
    one of whose budget lines does.

    None for people who may not see the whole register (providers). Two queries.
    """
    if not has_permission(user, Perm.VIEW_PLANNING, partnership):
        return None
    serving = (
        Q(intention__outcomes=outcome)
        | Q(contract__outcomes=outcome)
        | Q(contract__intentions__outcomes=outcome)
        | Q(service__outcomes=outcome)
        # a fund, where one of its budget lines serves the outcome (the "Money" section shows the line)
        | Q(fund__lines__intention__outcomes=outcome)
        | Q(fund__lines__contract__outcomes=outcome)
        | Q(fund__lines__contract__intentions__outcomes=outcome)
    )
    risks = list(queries.listing(partnership).filter(serving).exclude(status="closed").distinct())
    matrix = queries.matrix_for(partnership)
    risks.sort(key=lambda r: (-(r.rating or 0), r.reference))
    return Section("Risks", "risks/_thread.html", {"rows": [(r, matrix.band(r.rating)) for r in risks]})


LINK_FIELDS = {"intention", "contract", "procurement", "service", "board", "fund"}
PROPOSABLE_ON = {"contract", "service"}


def _field(record: Any) -> str:
    return type(record).__name__.lower().replace("procurementproject", "procurement")


def propose_url(record: Any, user: Any) -> str | None:
    """Where ``user`` proposes a risk on ``record``: a provider, on its own contract or service. No query."""
    field = _field(record)
    partnership = getattr(record, "partnership", None)
    if field not in PROPOSABLE_ON or partnership is None or user is None:
        return None
    if not has_permission(user, Perm.PROPOSE_RISKS, partnership):
        return None
    try:
        scope = scope_for(user, partnership, every=None, own=Perm.PROPOSE_RISKS)
    except Exception:  # noqa: BLE001 (PermissionDenied)
        return None
    if not scope.allows(record.provider_id):
        return None
    return reverse("risks:propose", args=[partnership.slug]) + f"?{field}={record.pk}"


def risks_on(record: Any, user: Any) -> list[tuple[Any, Any]] | None:
    """The risks linked to ``record`` (an intention, contract, procurement, service, board or fund) that
    ``user`` may see, highest rating first, with their bands; None when they may see none. Two queries."""
    field = _field(record)
    partnership = getattr(record, "partnership", None)
    if field not in LINK_FIELDS or partnership is None:
        return None
    try:
        scope = scope_for(user, partnership, every=Perm.VIEW_PLANNING, own=Perm.VIEW_OWN_CONTRACTS)
    except Exception:  # noqa: BLE001 (PermissionDenied: this person sees no risks here)
        return None
    risks = list(queries.listing(partnership, scope).filter(**{field: record}))
    matrix = queries.matrix_for(partnership)
    risks.sort(key=lambda r: (-(r.rating or 0), r.reference))
    return [(r, matrix.band(r.rating)) for r in risks]
