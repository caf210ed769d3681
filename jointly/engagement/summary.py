"""Regulation 56 summary: comments received in a year, by commenter category and theme, with small
counts suppressed (pure Python over plain rows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from jointly.directory.facts import suppress, suppress_table


def counts(rows: Iterable[tuple[str, str]], labels: dict[str, str]) -> list[tuple[str, str]]:
    """``rows`` of (key, _) -> [(label, published count)], every label listed, small counts hidden
    (and, beside the published total, any count from which a hidden one could be worked out)."""
    found = Counter(key for key, _ in rows)
    shown = suppress_table([found.get(key, 0) for key in labels])
    return list(zip(labels.values(), shown, strict=True))


def total(n: int) -> str:
    return suppress(n)


def table(counts: list[int]) -> list[str]:
    """Counts adding up to the published total, as published (:func:`suppress_table`)."""
    return suppress_table(counts)
