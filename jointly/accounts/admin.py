from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from jointly.accounts.models import ApiToken, ApiTokenQuerySet, Membership, SignInAttempt, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JointlyUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    ordering = ["email"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        obj.username = obj.email
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "partnership", "role"]
    list_filter = ["role"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed by name and prefix only; the secret is never stored, its hash never shown."""

    list_display = ["name", "prefix", "user", "created", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__email"]
    fields = ["user", "name", "prefix", "created", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ("user", "name", "prefix", "created", "expires_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a secret is shown once: people create tokens on their "Your API tokens" page

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: ApiTokenQuerySet) -> None:
        count = queryset.revoke()
        self.message_user(request, f"Revoked {count} token(s).")


@admin.register(SignInAttempt)
class SignInAttemptAdmin(admin.ModelAdmin):
    """The audit of password sign-ins: read only."""

    list_display = ["when", "email", "outcome", "address"]
    list_filter = ["outcome"]
    search_fields = ["email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SignInAttempt | None = None) -> bool:
        return False
