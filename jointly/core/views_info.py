"""The service's own information pages (footer links): accessibility statement, privacy, cookies.

Open to everyone, signed in or not; the cookie list is read from the settings that name the cookies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _context() -> dict[str, Any]:
    return {
        "operator": settings.JOINTLY_OPERATOR,
        "contact_email": settings.JOINTLY_CONTACT_EMAIL,
    }


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "info/accessibility.html", _context())


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "info/privacy.html", _context())


@login_not_required
def cookies(request: HttpRequest) -> HttpResponse:
    cookie_list = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "Keeps you signed in as you move from page to page.",
            "expires": f"After {settings.SESSION_COOKIE_AGE // 3600} hours, or when you sign out"
            + (" or close your browser" if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else ""),
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "Makes sure a form you send was filled in on this site, not on another site "
            "pretending to be you.",
            "expires": f"After {settings.CSRF_COOKIE_AGE // (24 * 3600)} days",
        },
    ]
    return render(request, "info/cookies.html", {**_context(), "cookie_list": cookie_list})
