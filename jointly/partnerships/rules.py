"""The rules of boards and agreements, used by both their forms and the API.

The database backs each uniqueness rule with a constraint on the model (``board_unique_slug``,
``agreement_unique_slug``); these functions say it in words before a write is tried.
"""

from __future__ import annotations

from jointly.core.rules import Problems, unique
from jointly.partnerships.models import Agreement, Board, Partnership

BOARD_SLUG_TAKEN = "Another board in this partnership already uses this slug."
AGREEMENT_SLUG_TAKEN = "Another agreement in this partnership already uses this slug."


def board_slug(partnership: Partnership | None, slug: str | None, instance: Board | None) -> Problems:
    """A board's slug is unique within its partnership."""
    return unique(
        Board.objects.filter(partnership=partnership, slug=slug), instance, "slug", BOARD_SLUG_TAKEN
    )


def agreement_slug(partnership: Partnership | None, slug: str | None, instance: Agreement | None) -> Problems:
    """An agreement's slug is unique within its partnership."""
    clash = Agreement.objects.filter(partnership=partnership, slug=slug)
    return unique(clash, instance, "slug", AGREEMENT_SLUG_TAKEN)
