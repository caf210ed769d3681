"""Password reset and change, under Django's own URL names (its views and e-mails reverse them)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from jointly.accounts.forms import GovUKPasswordChangeForm, GovUKPasswordResetForm, GovUKSetPasswordForm

urlpatterns = [
    path(
        "password/reset/",
        login_not_required(auth_views.PasswordResetView.as_view(form_class=GovUKPasswordResetForm)),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view(form_class=GovUKSetPasswordForm)),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=GovUKPasswordChangeForm),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
