"""People and their memberships (organisation + role)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
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
    REQUIRED_FIELDS: list[str] = []

    objects = JointlyUserManager()

    public_fields = (
        "is_staff", "is_active", "is_superuser", "date_joined", "last_login", "groups", "user_permissions",
    )  # fmt: skip
    personal_fields = ("username", "email", "first_name", "last_name", "password")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def __str__(self) -> str:
        return self.display_name


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
