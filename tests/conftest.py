"""Shared fixtures: a small partnership world built by factories (see tests/factories.py)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.instances import instance  # noqa: F401 - fixture: a Jointly of its own in child processes

# The one Playwright harness (browser, new_page, sign_in, csp_violations): see tests/browser_harness.py.
pytest_plugins = ["tests.browser_harness"]


@pytest.fixture
def world(db):
    """Two partnerships; one person per role in the first, an outsider with a role only in the second."""
    return factories.World.build()


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the Django test client signed in as ``user`` (or anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


def verify_second_factor(client, user) -> None:
    """Mark ``client``'s session as having passed two-factor sign-in for ``user`` (as django-otp's
    login does after a right code), giving the user a confirmed TOTP device if they have none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test device", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """``force_login`` stands for a complete sign-in: for people who must use two factors, the
    session is verified too (tests of the second factor itself sign in through the pages)."""
    from django.test.client import Client

    from jointly.accounts.models import requires_two_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if requires_two_factor(user):
            verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
