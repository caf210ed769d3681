"""The paper registry: the kinds of paper Jointly generates for a board pack from live data.

A *paper kind* is a :class:`PaperKind` named by a dotted path in the setting ``JOINTLY_PACK_PAPERS``
(like ``JOINTLY_ATTENTION_SOURCES``): its ``build(context) -> Paper`` reads the partnership's records
as at ``context.as_at`` and returns the paper in the board's report conventions (summary,
recommendations, implications, supporting information). A later app adds a kind by appending its
path there (panels: "panel aggregates"); nothing here needs editing.

A paper's ``snapshot`` is a flat ``{label: value}`` of what it printed, kept with the pack so a
reissue can say what changed (:func:`changes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Block:
    """One part of a paper's supporting information: text, a table and/or a vector chart."""

    heading: str
    text: list[str] = field(default_factory=list)
    table: Table | None = None
    svg: str = ""  # SVG markup built by Jointly (escaped values only)
    svg_label: str = ""


@dataclass
class Paper:
    title: str
    summary: list[str]
    recommendations: list[str] = field(default_factory=list)
    implications: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    illustrative: bool = False
    snapshot: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a paper is built for: a meeting of a board, as at a date."""

    meeting: Any
    board: Any
    partnership: Any
    as_at: dt.date
    since: dt.date | None = None  # the board's previous meeting, if any


@dataclass(frozen=True)
class PaperKind:
    key: str
    title: str
    description: str
    build: Callable[[Context], Paper]


def kinds() -> dict[str, PaperKind]:
    """Every registered kind, by key, in the setting's order."""
    found: dict[str, PaperKind] = {}
    for path in getattr(settings, "JOINTLY_PACK_PAPERS", []):
        kind = import_string(path)
        found[kind.key] = kind
    return found


def choices() -> list[tuple[str, str]]:
    return [(k.key, k.title) for k in kinds().values()]


def changes(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """What changed between two packs' snapshots (``{paper title: {label: value}}``), in words."""
    out: list[str] = []
    for title in after:
        if title not in before:
            out.append(f"Added: {title}.")
    for title in before:
        if title not in after:
            out.append(f"Removed: {title}.")
    for title, figures in after.items():
        old = before.get(title)
        if old is None:
            continue
        for label, value in figures.items():
            if label not in old:
                out.append(f"{title}: {label} is new ({value}).")
            elif old[label] != value:
                out.append(f"{title}: {label} changed from {old[label]} to {value}.")
        for label in old:
            if label not in figures:
                out.append(f"{title}: {label} no longer shown (was {old[label]}).")
    return out
