"""Forms for a person's own account: API tokens, sign-in, two factors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import timezone

from jointly.accounts.models import User, token_max_lifetime
from jointly.accounts.throttle import was_refused
from jointly.core.forms import GovUKFormMixin

EXPIRY_CHOICES = [
    ("7", "In 7 days"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
    ("never", "Never"),
]


class TokenForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, label="Name", help_text="What the token is for, e.g. 'Monthly returns upload'."
    )
    expires = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, initial="90")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        self.limit = token_max_lifetime(user)
        super().__init__(*args, **kwargs)
        if self.limit is not None:
            hours = f"{self.limit.total_seconds() / 3600:g}"
            expires = self.fields["expires"]
            assert isinstance(expires, forms.ChoiceField)
            expires.choices = [("short", f"In {hours} hours"), *EXPIRY_CHOICES]
            self.fields["expires"].initial = "short"
            self.fields[
                "expires"
            ].help_text = f"You must use two-factor sign-in, so your tokens can last at most {hours} hours."

    def clean_expires(self) -> datetime | None:
        value = self.cleaned_data["expires"]
        now = timezone.now()
        if value == "short" and self.limit is not None:
            return now + self.limit
        expires_at = None if value == "never" else now + timedelta(days=int(value))
        if self.limit is not None and (expires_at is None or expires_at - now > self.limit):
            hours = f"{self.limit.total_seconds() / 3600:g}"
            raise forms.ValidationError(
                f"You must use two-factor sign-in, so you cannot have a long-lived token. "
                f"Choose a token that expires in {hours} hours."
            )
        return expires_at


LOCKED_MESSAGE = (
    "There have been too many failed attempts to sign in with this email address or from this place. "
    "Wait {minutes} minutes and try again, or reset your password."
)


class SignInForm(AuthenticationForm):
    """Django's sign-in form; while throttled it says so, in words that do not reveal whether the
    address has an account."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct email address and password.",
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if was_refused(self.request):
                raise forms.ValidationError(
                    LOCKED_MESSAGE.format(minutes=settings.JOINTLY_SIGNIN_WINDOW_MINUTES), code="locked"
                ) from None
            raise


class GovUKPasswordResetForm(GovUKFormMixin, PasswordResetForm):
    pass


class GovUKSetPasswordForm(GovUKFormMixin, SetPasswordForm):
    pass


class GovUKPasswordChangeForm(GovUKFormMixin, PasswordChangeForm):
    pass


class CodeForm(GovUKFormMixin, forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Code from your authenticator app",
        help_text="The 6 digits your app shows now.",
        error_messages={"invalid": "Enter the 6-digit code (numbers only)."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-5",
            }
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
