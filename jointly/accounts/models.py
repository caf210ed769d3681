"""People and their memberships (organisation + role)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    COMMISSIONER = "commissioner", "Commissioner"
    ANALYST = "analyst", "Analyst"
    FINANCE = "finance", "Finance officer"
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"
    PROVIDER = "provider", "Provider"


class JointlyUserManager(UserManager):
    def create_user(self, email, password=None, **extra):  # type: ignore[override]
        extra.setdefault("username", email)
        return super().create_user(extra.pop("username"), email, password, **extra)

    def create_superuser(self, email=None, password=None, **extra):  # type: ignore[override]
        extra.setdefault("username", email)
        return super().create_superuser(extra.pop("username"), email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[JointlyUserManager] = JointlyUserManager()

    public_fields = (
        "is_staff", "is_active", "is_superuser", "date_joined", "last_login", "groups", "user_permissions",
    )  # fmt: skip
    personal_fields = ("username", "email", "first_name", "last_name", "password")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``set_password`` leaves the new raw password in ``_password`` until the save; Django's own
        # hash upgrade on sign-in clears it first, so only a real change revokes the tokens.
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self).revoke()


class Membership(models.Model):
    """A person's role in an organisation.

    The role applies in every partnership the organisation belongs to, or only in
    ``partnership`` when that is set.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Leave empty for every partnership the organisation belongs to.",
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    public_fields = ("id", "organisation", "partnership", "role")
    personal_fields = ("user", "job_title")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(partnership__isnull=True),
                name="membership_unique_all_partnerships",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "partnership", "role"],
                name="membership_unique_per_partnership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


def requires_two_factor(user: Any) -> bool:
    """Platform admins, people holding a role in ``JOINTLY_TWO_FACTOR_ROLES`` and people any check in
    ``JOINTLY_TWO_FACTOR_CHECKS`` names (panel members) must use two factors."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = getattr(settings, "JOINTLY_TWO_FACTOR_ROLES", [])
    if roles:
        # Within a request, the roles read for permissions (``roles_by_partnership``, cached on
        # the user, every membership's role included) answer this without another query.
        held = getattr(user, "_jointly_every_role", None)
        if held is not None:
            if held & set(roles):
                return True
        elif Membership.objects.filter(user=user, role__in=roles).exists():
            return True
    # Apps add their own reasons (a panel member, who reads children's records: panels).
    return any(import_string(path)(user) for path in getattr(settings, "JOINTLY_TWO_FACTOR_CHECKS", []))


def token_max_lifetime(user: Any) -> timedelta | None:
    """The longest a token of ``user`` may live: short for people who must use two factors."""
    if requires_two_factor(user):
        return timedelta(hours=settings.JOINTLY_TWO_FACTOR_TOKEN_MAX_HOURS)
    return None


def hash_token_secret(secret: str) -> str:
    """SHA-256 of a token secret, as stored. Secrets are 256-bit random, so a fast hash suffices."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def revoke(self) -> int:
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class ApiTokenManager(models.Manager.from_queryset(ApiTokenQuerySet)):  # type: ignore[misc]
    """``ApiToken.objects``: the queryset's ``active()`` and ``revoke()``, and ``issue()``."""

    def issue(self, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
        """Create a token and return it with its secret, which is never stored and never shown again."""
        secret = secrets.token_urlsafe(32)
        token = self.create(
            user=user, name=name, prefix=secret[: ApiToken.PREFIX_LENGTH], key_hash=hash_token_secret(secret),
            expires_at=expires_at,
        )  # fmt: skip
        return token, secret


class ApiToken(models.Model):
    """A person's API token (``Authorization: Token <secret>``). Only a hash of the secret is kept."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, help_text="The first characters, to recognise it by.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenManager()

    public_fields = ("id", "prefix", "created", "expires_at", "last_used_at", "revoked_at")
    personal_fields = ("user", "name", "key_hash")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    @property
    def is_active(self) -> bool:
        return self.status == "Active"

    def within_lifetime_allowed(self) -> bool:
        """False for a long-lived token of someone who must use two factors (it may not be used)."""
        limit = token_max_lifetime(self.user)
        if limit is None:
            return True
        # A minute's grace: the limit is checked against the creation time, set a moment later.
        return self.expires_at is not None and self.expires_at - self.created <= limit + timedelta(minutes=1)


class SignInAttempt(models.Model):
    """One sign-in with a password: the audit of failures, and what throttling counts.

    The address is kept only as a keyed fingerprint (see ``jointly.accounts.throttle``): enough to
    count attempts from one place, not to find who made them.
    """

    class Outcome(models.TextChoices):
        FAILED = "failed", "Wrong email address or password"
        REFUSED = "refused", "Refused: too many failures"
        SUCCEEDED = "succeeded", "Signed in"

    when = models.DateTimeField(default=timezone.now, db_index=True)
    email = models.CharField(max_length=254, db_index=True, help_text="The email address tried, lower case.")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(
        max_length=16, blank=True, db_index=True, help_text="Keyed fingerprint of the address."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    public_fields = ("id", "when", "outcome")
    personal_fields = ("email", "user", "address")

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name = "sign-in attempt"

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.get_outcome_display()}"
