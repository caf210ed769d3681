"""Nothing lost: a delete that would remove records other people depend on is refused.

Foreign keys to records that others submitted or decided (KPI returns, return revisions and
comments, progress updates, milestones, variations, performance notices, declarations of
interest) use ``on_delete=PROTECT``, so Django refuses to delete their parent. This module
turns that refusal into one message naming what depends on the record, counted by kind;
pages show it as an error and the API answers 409 with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError


class DeleteRefused(Exception):
    """Deleting the record would remove records that depend on it; nothing was deleted."""

    def __init__(self, instance: models.Model, dependents: Iterable[models.Model]) -> None:
        self.instance = instance
        self.counts = count_by_kind(dependents)
        super().__init__(refusal_message(instance, self.counts))


def count_by_kind(objs: Iterable[models.Model]) -> dict[str, int]:
    """``{"KPI returns": 12, "variation": 1}``: counts keyed by the singular or plural model name."""
    tally: Counter[type[models.Model]] = Counter(type(o) for o in objs)
    result: dict[str, int] = {}
    for model, n in sorted(tally.items(), key=lambda item: str(item[0]._meta.verbose_name)):
        name = model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural
        result[str(name)] = n
    return result


def refusal_message(instance: models.Model, counts: dict[str, int]) -> str:
    what = str(instance._meta.verbose_name)
    listed = ", ".join(f"{n} {name}" for name, n in counts.items())
    return (
        f"This {what} cannot be deleted because other records depend on it: {listed}. "
        "They record what people submitted or decided and are kept. Nothing was deleted."
    )


def delete_or_refuse(instance: models.Model) -> Any:
    """Delete ``instance`` in one transaction, or raise :class:`DeleteRefused` and delete nothing."""
    try:
        with transaction.atomic():
            return instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        dependents = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        raise DeleteRefused(instance, dependents) from None
