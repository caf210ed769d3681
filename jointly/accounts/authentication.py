"""API token authentication against hashed tokens (``Authorization: Token <secret>``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from jointly.accounts.models import ApiToken, hash_token_secret
from jointly.accounts.permissions import roles_by_partnership

# Recording every use would write on every request; once a minute is enough to show "last used".
LAST_USED_RESOLUTION = timedelta(minutes=1)


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's header parsing, our own lookup: by hash, refusing revoked, expired or too long-lived tokens."""

    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token_secret(key)).first()
        if token is not None and token.user.is_active and not token.user.is_superuser:
            # The roles every API view reads for its permissions, read once here (cached on the user):
            # the lifetime check's two-factor rule then needs no membership query of its own.
            roles_by_partnership(token.user)
        # One message for every refusal: a caller learns nothing about which tokens exist.
        if (
            token is None
            or not token.is_active
            or not token.user.is_active
            or not token.within_lifetime_allowed()
        ):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
