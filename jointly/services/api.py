"""API for the services app (routes registered by :func:`register`)."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the v1 router."""
