"""A person's own account: API tokens (sign-in, password and two-factor views are added below)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jointly.accounts.forms import SignInForm, TokenForm
from jointly.accounts.models import ApiToken


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm


def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")


@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    """List the person's tokens and create one; a new token's secret is shown on this answer only."""
    form = TokenForm(request.POST or None, user=request.user)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = ApiToken.objects.issue(
            request.user, form.cleaned_data["name"], expires_at=form.cleaned_data["expires"]
        )
        form = TokenForm(user=request.user)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
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
