"""Context shared by every partnership page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jointly.accounts.permissions import permissions_in
from jointly.partnerships.models import Partnership


def partnership_context(request: HttpRequest, partnership: Partnership, **extra: Any) -> dict[str, Any]:
    perms = permissions_in(request.user, partnership)
    return {"partnership": partnership, "can": {str(p): True for p in perms}, **extra}
