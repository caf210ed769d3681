"""Regulation 56 summary: comments received in a year, by commenter category and theme, with small
counts suppressed (pure Python over plain rows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from jointly.directory.facts import suppress


def counts(rows: Iterable[tuple[str, str]], labels: dict[str, str]) -> list[tuple[str, str]]:
    """``rows`` of (key, _) -> [(label, published count)], every label listed, small counts hidden."""
    found = Counter(key for key, _ in rows)
    return [(label, suppress(found.get(key, 0))) for key, label in labels.items()]


def total(n: int) -> str:
    return suppress(n)
