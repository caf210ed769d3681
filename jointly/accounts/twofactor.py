"""Two-factor sign-in (TOTP, with django-otp): who must use it, and the check on every request.

People who must (see ``requires_two_factor``) and people who have set it up anyway are sent, after
the password step, to enter a code (or to set up an authenticator app if they must and have none).
Until then pages redirect and the API answers 403. Tokens are not affected here: people who must use
two factors only get short-lived tokens, created from a verified session.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from jointly.accounts.models import requires_two_factor
from jointly.accounts.permissions import roles_by_partnership

# Reachable before the second factor: signing in and out, the two-factor pages themselves, assets,
# and the service's information pages (accessibility statement, privacy, cookies).
EXEMPT_PREFIXES = (
    "/login/", "/logout/", "/account/two-factor/", "/static/", "/healthz",
    "/accessibility/", "/privacy/", "/cookies/",
)  # fmt: skip


def needs_second_factor(request: HttpRequest) -> bool:
    """True when the signed-in person must still give a code (or set up an app) in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    if not user.is_superuser:
        # The partnership roles every page reads for its permissions, read here once (cached on the
        # user for the request): the two-factor rule needs no query of its own for the roles.
        roles_by_partnership(user)
    return requires_two_factor(user) or user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """After django-otp's middleware: refuse pages and the API to a session lacking its second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(EXEMPT_PREFIXES) or not needs_second_factor(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Two-factor sign-in is required: enter your code at /account/two-factor/verify/."},
                status=403,
            )
        has_device = user_has_device(request.user, confirmed=True)
        target = reverse("accounts:two_factor_verify" if has_device else "accounts:two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (made here: no CDN, no script)."""
    svg = segno.make(device.config_url, micro=False).svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")
    labelled = svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)
    return mark_safe(labelled)  # noqa: S308 - made by segno from our own data
