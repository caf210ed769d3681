"""Shared fixtures: a small partnership world built by factories (see tests/factories.py)."""

from __future__ import annotations

import pytest

from tests import factories


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
