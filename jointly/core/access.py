"""Access helpers used by every page: non-members get 404, members without the permission 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jointly.accounts.permissions import Perm, Scope, has_permission, scope_for, visible_partnerships
from jointly.partnerships.models import Partnership


def get_partnership(request: HttpRequest, slug: str, perm: Perm = Perm.VIEW_PARTNERSHIP) -> Partnership:
    partnership = get_object_or_404(visible_partnerships(request.user), slug=slug)
    if not has_permission(request.user, perm, partnership):
        raise PermissionDenied("You do not have permission to do that in this partnership.")
    return partnership


def require(request: HttpRequest, perm: Perm, partnership: Partnership) -> None:
    if not has_permission(request.user, perm, partnership):
        raise PermissionDenied("You do not have permission to do that in this partnership.")


def get_scope(
    request: HttpRequest,
    slug: str,
    *,
    every: Perm | None = Perm.VIEW_CONTRACTS,
    own: Perm | None = Perm.VIEW_OWN_CONTRACTS,
    message: str = "You do not have permission to see these records in this partnership.",
) -> tuple[Partnership, Scope]:
    """The partnership and what the person may see of its provider-held records.

    The one page helper over :func:`~jointly.accounts.permissions.scope_for`: people outside the
    partnership get 404, members holding neither ``every`` nor ``own`` 403, providers their own.
    """
    partnership = get_partnership(request, slug, Perm.VIEW_PARTNERSHIP)
    return partnership, scope_for(request.user, partnership, every=every, own=own, message=message)
