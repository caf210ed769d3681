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


ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.VIEWER: "Reads the partnership's plans, governance and reports.",
    Role.COMMISSIONER: "Keeps intentions, milestones and progress current.",
    Role.ANALYST: "Reads everything; loads and analyses data.",
    Role.FINANCE: "Reads everything; keeps budgets (finance features).",
    Role.PARTNERSHIP_ADMIN: "Runs the partnership: governance, agreements, frameworks, intentions.",
    Role.PROVIDER: "A provider organisation's staff: sees the partnership and its outcomes only.",
}

_READ = {Perm.VIEW_PARTNERSHIP, Perm.VIEW_PLANNING}
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.VIEWER: frozenset(_READ),
    Role.ANALYST: frozenset(_READ),
    Role.FINANCE: frozenset(_READ),
    Role.COMMISSIONER: frozenset(_READ | {Perm.EDIT_INTENTIONS}),
    Role.PARTNERSHIP_ADMIN: frozenset(
        _READ | {Perm.EDIT_INTENTIONS, Perm.EDIT_OUTCOMES, Perm.EDIT_GOVERNANCE}
    ),
    Role.PROVIDER: frozenset({Perm.VIEW_PARTNERSHIP}),
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
