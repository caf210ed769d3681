from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jointly.accounts.permissions import visible_partnerships


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Partnerships for the header menu (lazy: evaluated only if the template uses it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_partnerships": visible_partnerships(user).only("slug", "name")}
