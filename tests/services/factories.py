"""Factories for services (kept beside the services tests)."""

from __future__ import annotations

from typing import Any

from jointly.partnerships.models import Partnership
from jointly.services.models import Service
from tests.factories import n


def service(p: Partnership, *, themes=(), areas=(), commissioners=(), **kw: Any) -> Service:
    s = Service.objects.create(
        partnership=p, **{"name": f"Service {n()}", "level_of_need": "universal", **kw}
    )
    if themes:
        s.themes.set(themes)
    if areas:
        s.areas.set(areas)
    if commissioners:
        s.commissioners.set(commissioners)
    return s
