"""Sign-in throttling: failures counted in the database per email address tried and per address.

Limits come from settings (``JOINTLY_SIGNIN_*``). Counting by the email address *tried* (not by
account) means an address that has no account locks exactly like one that has, so the lock-out
reveals nothing. Only failures count: successful sign-ins never lock anyone out.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from jointly.accounts.models import SignInAttempt

REFUSED_FLAG = "_jointly_signin_refused"


def normalise(email: Any) -> str:
    return str(email or "").strip().lower()[:254]


def address_fingerprint(request: HttpRequest | None) -> str:
    """A keyed hash of the client's address (HMAC with the secret key): countable, not reversible
    by trying every IPv4 address without the key. Empty when there is no request or address."""
    address = (request.META.get("REMOTE_ADDR") or "") if request is not None else ""
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:16]


def is_locked(email: str, address: str) -> bool:
    since = timezone.now() - timedelta(minutes=settings.JOINTLY_SIGNIN_WINDOW_MINUTES)
    failures = SignInAttempt.objects.filter(when__gte=since, outcome=SignInAttempt.Outcome.FAILED)
    last_success = (
        SignInAttempt.objects.filter(email=email, when__gte=since, outcome=SignInAttempt.Outcome.SUCCEEDED)
        .values_list("when", flat=True)
        .first()
    )
    by_account = failures.filter(email=email)
    if last_success is not None:
        by_account = by_account.filter(when__gt=last_success)
    if by_account.count() >= settings.JOINTLY_SIGNIN_ACCOUNT_LIMIT:
        return True
    return bool(address) and failures.filter(address=address).count() >= settings.JOINTLY_SIGNIN_ADDRESS_LIMIT


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing (before checking the password) while the email or address is locked."""

    def authenticate(
        self, request: HttpRequest | None, username: Any = None, password: Any = None, **kwargs: Any
    ) -> Any:
        email = normalise(username if username is not None else kwargs.get("email"))
        if request is not None and email and is_locked(email, address_fingerprint(request)):
            setattr(request, REFUSED_FLAG, True)
            raise PermissionDenied("Too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)


def was_refused(request: HttpRequest | None) -> bool:
    return bool(getattr(request, REFUSED_FLAG, False))


@receiver(user_login_failed, dispatch_uid="jointly-signin-failed")
def record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = normalise(credentials.get("username") or credentials.get("email"))
    if not email:
        return
    outcome = SignInAttempt.Outcome.REFUSED if was_refused(request) else SignInAttempt.Outcome.FAILED
    SignInAttempt.objects.create(email=email, address=address_fingerprint(request), outcome=outcome)


@receiver(user_logged_in, dispatch_uid="jointly-signin-succeeded")
def record_success(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Only a password sign-in is recorded (not a test's force_login or a session made another way).
    if (
        request is None
        or request.method != "POST"
        or not getattr(user, "backend", "").endswith("ThrottledModelBackend")
    ):
        return
    SignInAttempt.objects.create(
        email=normalise(user.email),
        user=user,
        address=address_fingerprint(request),
        outcome=SignInAttempt.Outcome.SUCCEEDED,
    )
