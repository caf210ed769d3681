"""Helpers for the public pages: their own strict CSP, no session, nothing of signed-in data.

Public pages are rendered without the request (no context processors, so no user, no
partnership menu and no messages reach them), carry a CSP that allows no script at all, and may be
cached by shared caches except where a form needs a CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string

PUBLIC_CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open to everyone; the response gets the public CSP (the site-wide middleware keeps it)."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render_public("directory/public/404.html", {}, status=404, cache=False)
        response.headers["Content-Security-Policy"] = PUBLIC_CSP
        response.headers.setdefault("X-Robots-Tag", "all")
        return response

    return wrapper


def render_public(
    template: str, context: dict[str, Any], status: int = 200, cache: bool = True
) -> HttpResponse:
    """Render without the request: only what the view passes reaches the page."""
    response = HttpResponse(render_to_string(template, context), status=status)
    response.headers["Cache-Control"] = "public, max-age=300" if cache else "private, no-store"
    return response
