"""Who may do what, declared in one place.

A person's roles come from their memberships: a role held in an organisation
applies in every partnership that organisation is a member of (or in the one
partnership the membership names). Platform admins (superusers) may do
everything. Views and the API both ask :func:`has_permission`; the set of
partnerships a person may see at all is :func:`visible_partnerships`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from jointly.accounts.models import Membership, Role

if TYPE_CHECKING:
    from jointly.partnerships.models import Partnership


class Perm(StrEnum):
    VIEW_PARTNERSHIP = "view_partnership"
    """See the partnership, its members and its outcomes frameworks."""
    VIEW_PLANNING = "view_planning"
    """See intentions, governance (boards, meetings, actions) and agreements."""
    EDIT_INTENTIONS = "edit_intentions"
    """Create and change intentions, milestones and progress updates."""
    EDIT_OUTCOMES = "edit_outcomes"
    """Change outcomes frameworks."""
    EDIT_GOVERNANCE = "edit_governance"
    """Change boards, members, meetings, actions, agreements and partnership details."""
    VIEW_CONTRACTS = "view_contracts"
    """See every contract, service, procurement and the service map of the partnership."""
    VIEW_OWN_CONTRACTS = "view_own_contracts"
    """A provider: see only the contracts (and their KPIs) where its organisation is the provider."""
    EDIT_CONTRACTS = "edit_contracts"
    """Create and change contracts, variations, services and procurement projects."""
    APPROVE_VARIATIONS = "approve_variations"
    """Approve or reject contract variations under change control."""
    SUBMIT_RETURNS = "submit_returns"
    """A provider: submit and resubmit KPI returns for its own contracts, answer queries."""
    REVIEW_RETURNS = "review_returns"
    """Accept or query KPI returns, define KPIs, raise remedial action plans."""
    VIEW_NEEDS = "view_needs"
    """See indicators, benchmarks, area profiles and needs assessments."""
    IMPORT_NEEDS = "import_needs"
    """Import indicator values and keep needs assessments."""


ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.VIEWER: "Reads the partnership's plans, governance and reports.",
    Role.COMMISSIONER: "Keeps intentions, milestones and progress current.",
    Role.ANALYST: "Reads everything; loads and analyses data.",
    Role.FINANCE: "Reads everything; keeps budgets (finance features).",
    Role.PARTNERSHIP_ADMIN: "Runs the partnership: governance, agreements, frameworks, intentions.",
    Role.PROVIDER: "A provider organisation's staff: sees the partnership and its outcomes only.",
}

_READ = {Perm.VIEW_PARTNERSHIP, Perm.VIEW_PLANNING, Perm.VIEW_CONTRACTS, Perm.VIEW_NEEDS}
_COMMISSION = {
    Perm.EDIT_INTENTIONS, Perm.EDIT_CONTRACTS, Perm.APPROVE_VARIATIONS, Perm.REVIEW_RETURNS,
    Perm.IMPORT_NEEDS,
}  # fmt: skip
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.VIEWER: frozenset(_READ),
    Role.ANALYST: frozenset(_READ | {Perm.IMPORT_NEEDS}),
    Role.FINANCE: frozenset(_READ),
    Role.COMMISSIONER: frozenset(_READ | _COMMISSION),
    Role.PARTNERSHIP_ADMIN: frozenset(_READ | _COMMISSION | {Perm.EDIT_OUTCOMES, Perm.EDIT_GOVERNANCE}),
    Role.PROVIDER: frozenset(
        {Perm.VIEW_PARTNERSHIP, Perm.VIEW_OWN_CONTRACTS, Perm.SUBMIT_RETURNS, Perm.VIEW_NEEDS}
    ),
}


def roles_by_partnership(user: Any) -> dict[int, set[str]]:
    """``{partnership id: {role, ...}}`` for the user, in one query, cached on the user."""
    cached = getattr(user, "_jointly_roles", None)
    if cached is not None:
        return cached
    result: dict[int, set[str]] = {}
    if user is not None and user.is_authenticated:
        rows = Membership.objects.filter(user=user).values_list(
            "role",
            "partnership_id",
            "organisation__partnership_memberships__partnership_id",
        )
        for role, only_partnership, partnership_id in rows:
            if partnership_id is None:
                continue
            if only_partnership is not None and only_partnership != partnership_id:
                continue
            result.setdefault(partnership_id, set()).add(role)
    user._jointly_roles = result
    return result


def roles_in(user: Any, partnership: Partnership) -> set[str]:
    return roles_by_partnership(user).get(partnership.pk, set())


def has_permission(user: Any, perm: Perm, partnership: Partnership) -> bool:
    """May ``user`` do ``perm`` in ``partnership``?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(perm in ROLE_PERMISSIONS[role] for role in roles_in(user, partnership))


def permissions_in(user: Any, partnership: Partnership) -> set[Perm]:
    if user.is_superuser:
        return set(Perm)
    perms: set[Perm] = set()
    for role in roles_in(user, partnership):
        perms |= ROLE_PERMISSIONS[role]
    return perms


def visible_partnerships(user: Any) -> QuerySet[Partnership]:
    """The partnerships ``user`` may see at all (the one place this is decided)."""
    from jointly.partnerships.models import Partnership

    if user is None or not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    ids = list(roles_by_partnership(user).keys())
    return Partnership.objects.filter(pk__in=ids)


def partnerships_with(user: Any, perm: Perm) -> QuerySet[Partnership]:
    """Partnerships where ``user`` holds ``perm``."""
    from jointly.partnerships.models import Partnership

    if user is None or not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    ids = [
        pid
        for pid, roles in roles_by_partnership(user).items()
        if any(perm in ROLE_PERMISSIONS[r] for r in roles)
    ]
    return Partnership.objects.filter(pk__in=ids)


def provider_organisation_ids(user: Any, partnership: Partnership) -> set[int]:
    """Organisations through which ``user`` acts as a provider in ``partnership``.

    Used to scope providers to their own contracts and returns. Empty for everyone else.
    """
    if user is None or not user.is_authenticated:
        return set()
    qs = Membership.objects.filter(user=user, role=Role.PROVIDER).filter(
        organisation__partnership_memberships__partnership=partnership
    )
    return {
        org_id
        for org_id, only in qs.values_list("organisation_id", "partnership_id")
        if only is None or only == partnership.pk
    }
