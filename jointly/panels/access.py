"""Who opens a panel's cases: its active members, and nobody else.

Not a partnership role, not a platform administrator (``superuser_bypass`` off): a case outside the
caller's panels is answered exactly like an id that never existed (404 on pages, the API's 404, no
entry in any list or choice). Everything is applied where the queryset is built.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from jointly.panels.models import Case, Panel, PanelMember


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def member_panel_ids(user: Any) -> set[int]:
    """Ids of the panels ``user`` sits on (one query, cached on the user)."""
    if not _active(user):
        return set()
    cached = getattr(user, "_jointly_panel_ids", None)
    if cached is None:
        cached = set(PanelMember.objects.filter(user=user, active=True).values_list("panel_id", flat=True))
        user._jointly_panel_ids = cached
    return cached


def is_panel_member(user: Any) -> bool:
    """A two-factor check (``JOINTLY_TWO_FACTOR_CHECKS``): panel members must use two factors."""
    if not _active(user):
        return False
    cached = getattr(user, "_jointly_panel_ids", None)
    if cached:  # a member earlier in this request; never trust a cached "not a member"
        return True
    return PanelMember.objects.filter(user=user, active=True).exists()


def membership(user: Any, panel: Panel) -> PanelMember | None:
    if panel.pk not in member_panel_ids(user):
        return None
    return PanelMember.objects.filter(user=user, panel=panel, active=True).first()


def cases_for(user: Any, qs: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases ``user`` may open: those of panels they sit on. No superuser bypass."""
    qs = Case.objects.all() if qs is None else qs
    ids = member_panel_ids(user)
    return qs.filter(panel_id__in=sorted(ids)) if ids else qs.none()


def get_case(user: Any, panel: Panel, reference: str) -> Case:
    """The case, or the same 404 as for a reference that never existed."""
    case = (
        cases_for(user)
        .filter(panel=panel, reference=reference)
        .select_related("panel__partnership", "need_band", "area", "referring_organisation")
        .first()
    )
    if case is None:
        raise Http404("No such case.")
    return case


def is_chair(user: Any, panel: Panel) -> bool:
    m = membership(user, panel)
    return m is not None and m.is_chair
