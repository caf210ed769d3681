"""The risk register as rows: the page download, ``jointly export risks`` and the importer's layout."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from jointly.risks import scoring
from jointly.risks.models import Risk

HEADERS = [
    "reference", "title", "category", "sub_category", "impact", "likelihood", "rating", "band",
    "current_impact", "current_likelihood", "current_rating", "target_rating", "owner", "status",
    "review_due",
]  # fmt: skip


def _blank(value: Any) -> Any:
    return "" if value is None else value


def rows(risks: Iterable[Risk], matrix: scoring.Matrix) -> Iterator[list[Any]]:
    """One row per risk; ``impact``/``likelihood``/``rating``/``band`` are the inherent score
    (the band of the inherent rating, in the partnership's own names)."""
    for r in risks:
        yield [
            r.reference, r.title, r.category, r.sub_category, _blank(r.inherent_impact),
            _blank(r.inherent_likelihood), _blank(r.inherent_rating), matrix.label(r.inherent_rating),
            _blank(r.current_impact), _blank(r.current_likelihood), _blank(r.current_rating),
            _blank(r.target_rating), r.owner, r.status, r.review_due.isoformat() if r.review_due else "",
        ]  # fmt: skip
