"""Security headers not covered by Django's SecurityMiddleware (Content Security Policy).

The policy is the same on every response: pages, ``/api/`` (the API docs are Swagger UI from the
drf-spectacular-sidecar package, loaded by the split view without inline script) and ``/admin/``
(Django 5.2's admin needs no inline script or style). htmx's own indicator styles are switched off
in ``base.html`` so that it injects no inline ``<style>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def static_file_headers(headers: Any, path: str, url: str) -> None:
    """WhiteNoise answers static files before any later middleware runs: give them the CSP too."""
    headers["Content-Security-Policy"] = CSP
    headers["Referrer-Policy"] = "same-origin"
