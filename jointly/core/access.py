"""Access helpers used by every page: non-members get 404, members without the permission 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.partnerships.models import Partnership


def get_partnership(request: HttpRequest, slug: str, perm: Perm = Perm.VIEW_PARTNERSHIP) -> Partnership:
    partnership = get_object_or_404(visible_partnerships(request.user), slug=slug)
    if not has_permission(request.user, perm, partnership):
        raise PermissionDenied("You do not have permission to do that in this partnership.")
    return partnership


def require(request: HttpRequest, perm: Perm, partnership: Partnership) -> None:
    if not has_permission(request.user, perm, partnership):
        raise PermissionDenied("You do not have permission to do that in this partnership.")
