"""Presenting audit history (django-simple-history records) to people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
HIDDEN_FIELDS = {"version", "modified_on", "modified_by", "created_on", "created_by"}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()
    except Exception:  # noqa: BLE001 - a field removed since the change was recorded
        return name


def _display(record: Any, name: str) -> str:
    value = getattr(record, name, None)
    try:
        f = record.instance_type._meta.get_field(name)
    except Exception:  # noqa: BLE001
        f = None
    if f is not None and getattr(f, "choices", None):
        return str(dict(f.choices).get(value, value))
    return "" if value is None else str(value)


def history_for(instance: Any, limit: int = 50) -> list[HistoryEntry]:
    """Newest first: who changed what and when. Two queries whatever the length.

    Many-to-many changes are shown where the model tracks them.
    """
    records = list(instance.history.select_related("history_user").order_by("-history_date")[: limit + 1])
    model = type(instance)
    m2m = [f.name for f in getattr(model.history.model, "_history_m2m_fields", [])]
    entries: list[HistoryEntry] = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        who = record.history_user.display_name if record.history_user else "system"
        entry = HistoryEntry(record.history_date, who, ACTIONS.get(record.history_type, "?"))
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS | set(m2m))
            for change in delta.changes:
                entry.changes.append(
                    Change(
                        _label(model, change.field),
                        _display(previous, change.field),
                        _display(record, change.field),
                    )
                )
        entries.append(entry)
    return entries
