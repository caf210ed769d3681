"""The needs area profile's computed rows, kept in the shared cache.

Building a profile reads every period of every indicator in the area and its comparators, and
the latest value of every area of the same type in England (the spread, which grows with the
number of areas held: issue 16), then runs the statistics. The result depends only on:

* the indicator values: :func:`values_token` changes whenever a value is added (a higher id) or
  rewritten (only a successful import rewrites values), and when an area is deleted (its values
  go with it: :func:`forget_values`);
* each indicator's definition: its ``version`` and ``modified_on`` (changed by every save) are in
  the key, and the fresh indicator objects replace the cached ones, so names and links are current;
* the area, the confidence level and the comparator group (its ``version``, ``modified_on`` and
  members).

So a cached profile is never stale, only unused. The cache is ``django.core.cache`` (Redis when
configured, else the database cache: shared by every process, never per-process memory,
RESOLUTIONS 2). Entries expire after :data:`TIMEOUT` seconds.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.db.models.signals import post_delete
from django.dispatch import receiver

from jointly.needs import benchmarking
from jointly.needs.models import ComparatorGroup, ImportLog, ImportStatus, Indicator, IndicatorValue
from jointly.partnerships.models import Area

TIMEOUT = 6 * 3600
PREFIX = "jointly:needs:profile:"
GENERATION_KEY = "jointly:needs:values-generation"


def _generation() -> str:
    """A token replaced when values disappear without a new write (an area deleted)."""
    value = cache.get(GENERATION_KEY)
    if value is None:  # never set, or evicted: a fresh one (old entries are simply unused)
        value = uuid.uuid4().hex
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return str(value)


def forget_values() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


@receiver(post_delete, sender=Area, dispatch_uid="needs-profile-cache-area-deleted")
def _area_deleted(**kwargs: Any) -> None:
    forget_values()


def values_token() -> str:
    """Changes whenever indicator values change: a new value has a higher id, a rewritten one
    comes with a newer successful import (the value table's primary key and the small import-log
    table: ``import_log`` itself is not indexed, to keep loads fast), and one cache read."""
    top = IndicatorValue.objects.aggregate(Max("id"))["id__max"]
    log = ImportLog.objects.filter(status=ImportStatus.DONE).aggregate(Max("id"))["id__max"]
    return f"{top}.{log}.{_generation()}"


def key_for(
    indicators: Sequence[Indicator], area: Area, level: str, group: ComparatorGroup | None, token: str
) -> str:
    members = sorted(m.pk for m in group.members.all()) if group is not None else []
    parts = [
        token, area.pk, area.area_type, area.parent_id, level,
        sorted((i.pk, i.version, str(i.modified_on)) for i in indicators),
        (group.pk, group.version, str(group.modified_on), members) if group is not None else None,
    ]  # fmt: skip
    return PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def build_profile(
    indicators: Sequence[Indicator], area: Area, *, level: str, group: ComparatorGroup | None
) -> list[benchmarking.ProfileRow]:
    """:func:`jointly.needs.benchmarking.build_profile`, from the shared cache when it holds it."""
    indicators = list(indicators)
    if not indicators:
        return []
    level = benchmarking.clean_level(level)
    key = key_for(indicators, area, level, group, values_token())
    rows = cache.get(key)
    if rows is None:
        rows = benchmarking.build_profile(indicators, area, level=level, group=group)
        cache.set(key, rows, TIMEOUT)
    fresh = {i.pk: i for i in indicators}
    for row in rows:  # the caller's objects (with their prefetched themes and outcomes)
        row.indicator = fresh[row.indicator.pk]
        row.area = area
    return rows
