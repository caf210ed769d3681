"""Idempotent loading of reference records (demo data, shipped catalogues).

Records are matched on natural keys and written only when a value differs, so a second load
changes nothing and adds no audit history. Domain apps' loaders use these instead of reaching
into the demo app (the import contract in ``pyproject.toml`` forbids that).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import models


class SeedDataError(Exception):
    """The data to load is inconsistent; ``problems`` lists every one, nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Stats(Counter):
    """Counts of records created and updated, by model."""


def upsert(model: type[models.Model], stats: Stats, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """Create or update, writing only when a value differs."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        stats[f"{model.__name__} created"] += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        if hasattr(obj, "version"):
            obj.version += 1
        obj.save()
        stats[f"{model.__name__} updated"] += 1
    return obj


def set_m2m(manager: Any, objs: list[Any]) -> None:
    """Set a many-to-many relation only when its members differ."""
    wanted = {o.pk for o in objs}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(objs)
