"""Shared fixtures: a small partnership world built by factories (see tests/factories.py)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.fresh_database import fresh_db  # noqa: F401 - fixture: a database with no migration applied
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


# --- CI time (ADR 0033) ---------------------------------------------------------------------------

DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
        "instance",  # a Jointly of its own on the engine under test (tests/instances.py)
        "fresh_db",  # a database of its own on the engine under test (tests/fresh_database.py)
    }
)
"""Fixtures that reach a database of the engine under test."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="deselect the tests that use no database (CI's second leg: they ran on the first; ADR 0033)",
    )


def uses_a_database(item: pytest.Item) -> bool:
    """Whether the test reaches a database of the engine under test, or says it depends on the engine.

    A test without the ``django_db`` marker or a database fixture cannot use Django's test database:
    pytest-django refuses the query, and the test fails on every engine.
    """
    if item.get_closest_marker("django_db") or item.get_closest_marker("both_engines"):
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    return bool(cls is not None and getattr(cls, "databases", None))  # a Django TestCase with databases


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database-tests-only"):
        kept = [item for item in items if uses_a_database(item)]
        dropped = [item for item in items if not uses_a_database(item)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
    # The longest tests first, so the xdist workers finish together instead of one waiting for the
    # other's last long test (stable: everything else keeps its order).
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
