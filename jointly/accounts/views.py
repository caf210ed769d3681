"""A person's own account: API tokens (sign-in, password and two-factor views are added below)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from jointly.accounts.forms import CodeForm, SignInForm, TokenForm
from jointly.accounts.models import ApiToken, requires_two_factor
from jointly.accounts.twofactor import qr_svg


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm


def account(request: HttpRequest) -> HttpResponse:
    context = {
        "two_factor_on": user_has_device(request.user, confirmed=True),
        "two_factor_required": requires_two_factor(request.user),
    }
    return render(request, "accounts/account.html", context)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code to confirm."""
    if user_has_device(request.user, confirmed=True):
        messages.info(request, "Two-factor sign-in is already set up.")
        return redirect("accounts:account")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            messages.success(
                request, "Two-factor sign-in is set up. You will be asked for a code each time you sign in."
            )
            return redirect(_next_url(request))
        form.add_error("code", "That code is not right. Enter the 6-digit code your app shows now.")
    context = {
        "form": form,
        "qr": qr_svg(device),
        "secret": b32encode(device.bin_key).decode(),
        "required": requires_two_factor(request.user),
        "next": _next_url(request),
        "submit_label": "Confirm",
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if form.errors else 200)


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the person's authenticator app."""
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", "That code is not right. Enter the 6-digit code your app shows now.")
    context = {"form": form, "next": _next_url(request), "submit_label": "Continue"}
    return render(request, "accounts/two_factor_verify.html", context, status=400 if form.errors else 200)


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off: only for people who need not use it, from a verified session."""
    if requires_two_factor(request.user):
        messages.error(request, "Your role needs two-factor sign-in, so it cannot be turned off.")
        return redirect("accounts:account")
    user: Any = request.user  # the OTP middleware adds is_verified()
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect("accounts:two_factor_verify")
    TOTPDevice.objects.filter(user=request.user).delete()
    messages.success(request, "Two-factor sign-in is turned off.")
    return redirect("accounts:account")


@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    """List the person's tokens and create one; a new token's secret is shown on this answer only."""
    user: Any = request.user  # signed in (LoginRequiredMiddleware)
    form = TokenForm(request.POST or None, user=user)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = ApiToken.objects.issue(
            user, form.cleaned_data["name"], expires_at=form.cleaned_data["expires"]
        )
        form = TokenForm(user=user)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=user),
        "created": created,
        "secret": secret,
        "submit_label": "Create token",
    }
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if ApiToken.objects.filter(pk=token.pk).revoke():
        messages.success(request, f"Token “{token.name}” revoked. It no longer works.")
    return redirect("accounts:tokens")
