"""What needs attention: the home page's list and ``/api/v1/attention/``, from a registry of sources.

A *source* is a function ``source(contexts) -> Iterable[Item]`` named in the setting
``JOINTLY_ATTENTION_SOURCES`` (like ``JOINTLY_THREAD_SECTIONS``): each app says what of its own
records needs attention (intentions off track, milestones missed, returns late, contracts reaching
their notice date…), and a later app (finance overspends, escalated risks) adds a line there.

Each :class:`Context` is one partnership the person may see, with what their roles allow there
(``perms``), the provider scope of its contract records (``scope``, None without contract access)
and its as-at date (the request's ``?as_at=``, else the partnership's "today", see
:mod:`jointly.core.asat`): every status is computed as at that date, never the clock.

A source must cost a fixed number of queries whatever the number of partnerships and records:
one query across every context's partnership, then grouping in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.module_loading import import_string

from jointly.accounts.permissions import Perm, Scope, permissions_in, scope_for, visible_partnerships
from jointly.core.asat import today_for

OVERDUE, DUE = 2, 1
"""Severities: something missed or overdue (2), something coming up or to look at (1)."""


@dataclass(frozen=True)
class Context:
    partnership: Any
    as_at: dt.date
    perms: frozenset[Perm]
    scope: Scope | None  # the contract records this person sees here; None: no contract access

    def may(self, perm: Perm) -> bool:
        return perm in self.perms


@dataclass(frozen=True)
class Item:
    """One line: what, about which record (``title``, linked by ``url``), and why (``detail``)."""

    partnership: Any
    as_at: dt.date
    kind: str  # a stable key, e.g. "milestone_missed"
    label: str  # the kind in words, e.g. "Milestone missed"
    title: str
    detail: str
    url: str
    severity: int = DUE
    date: dt.date | None = None  # the date that matters (due, notice by…), when there is one


Source = Callable[[Sequence[Context]], Iterable[Item]]


def sources() -> list[Source]:
    return [import_string(path) for path in getattr(settings, "JOINTLY_ATTENTION_SOURCES", [])]


def contexts(user: Any, as_at: dt.date | None = None, partnership_slug: str | None = None) -> list[Context]:
    """A context per partnership ``user`` may see (two queries whatever their number), or only
    the one named by ``partnership_slug``."""
    out = []
    visible = visible_partnerships(user)
    if partnership_slug is not None:
        visible = visible.filter(slug=partnership_slug)
    for partnership in visible.order_by("name"):
        try:
            scope: Scope | None = scope_for(user, partnership)
        except PermissionDenied:
            scope = None
        out.append(
            Context(
                partnership,
                as_at or today_for(partnership),
                frozenset(permissions_in(user, partnership)),
                scope,
            )
        )
    return out


def collect(user: Any, as_at: dt.date | None = None, partnership_slug: str | None = None) -> list[Item]:
    """Every source's lines for ``user`` (in one partnership with ``partnership_slug``): by
    partnership, the most serious first, then by date."""
    found = contexts(user, as_at, partnership_slug)
    items: list[Item] = []
    if found:
        for source in sources():
            items.extend(source(found))
    order = {c.partnership.pk: i for i, c in enumerate(found)}
    far = dt.date.max
    items.sort(key=lambda i: (order[i.partnership.pk], -i.severity, i.date or far, i.label, i.title))
    return items


def grouped(items: Iterable[Item]) -> list[tuple[Any, dt.date, list[Item]]]:
    """``(partnership, as-at date, its items)`` in order, for the page."""
    out: list[tuple[Any, dt.date, list[Item]]] = []
    for item in items:
        if not out or out[-1][0].pk != item.partnership.pk:
            out.append((item.partnership, item.as_at, []))
        out[-1][2].append(item)
    return out


# --- helpers for sources -----------------------------------------------------------------------


def with_perm(found: Sequence[Context], perm: Perm) -> dict[int, Context]:
    """``{partnership id: context}`` of the contexts holding ``perm``."""
    return {c.partnership.pk: c for c in found if c.may(perm)}


def with_contracts(found: Sequence[Context]) -> dict[int, Context]:
    """``{partnership id: context}`` where the person sees contract records (all, or their own)."""
    return {c.partnership.pk: c for c in found if c.scope is not None}


def scoped(found: dict[int, Context], partnership_path: str, *provider_paths: str) -> Q:
    """One filter over every context's contract records: all of a partnership's, or a provider's own."""
    q = Q(pk__in=[])
    for c in found.values():
        assert c.scope is not None
        q |= c.scope.q(*provider_paths, partnership_path=partnership_path)
    return q


def due_soon(day: dt.date, as_at: dt.date) -> bool:
    """On or after ``as_at`` and within ``JOINTLY_DUE_SOON_DAYS`` of it."""
    return as_at <= day <= as_at + dt.timedelta(days=settings.JOINTLY_DUE_SOON_DAYS)
