"""Fixtures for the cross-app browser journeys (the harness itself is tests/browser_harness.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(transactional_db):
    """The real demo data (five partnerships, demo sign-ins with password ``jointly-demo``)."""
    from jointly.demo import loader

    loader.load(with_users=True)
    return loader
