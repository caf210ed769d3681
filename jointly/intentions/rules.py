"""The rules of intentions and their progress updates, used by both their forms and the API.

Each uniqueness rule is backed by a constraint on the model (``intention_unique_reference``,
``progress_one_per_quarter``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jointly.core.rules import Problems, unique
from jointly.intentions.models import Intention, ProgressUpdate
from jointly.partnerships.models import Partnership

REFERENCE_TAKEN = "Another intention in this partnership has this reference."
REFERENCE_FORM = "Use letters, numbers and hyphens only."
END_BEFORE_START = "The end date must be on or after the start date."
LEAD_AS_PARTNER = "The lead commissioner is not also a partner."


def intention_dates(start: dt.date | None, end: dt.date | None) -> Problems:
    """An intention ends on or after it starts (also a database check)."""
    return {"end_date": END_BEFORE_START} if start and end and end < start else {}


def intention_partners(lead: Any, partners: Any) -> Problems:
    """The lead commissioner is not listed again among the partner commissioners."""
    return {"partner_commissioners": LEAD_AS_PARTNER} if lead and partners and lead in partners else {}


def intention_reference(
    partnership: Partnership | None, reference: str | None, instance: Intention | None
) -> Problems:
    """A reference is unique within the partnership and has no slash (it is part of addresses)."""
    clash = Intention.objects.filter(partnership=partnership, reference=reference)
    problems = unique(clash, instance, "reference", REFERENCE_TAKEN)
    if not reference or "/" in reference:
        problems["reference"] = REFERENCE_FORM
    return problems


def progress_period(
    intention: Intention | None, period: str | None, instance: ProgressUpdate | None
) -> Problems:
    """One progress update per intention and quarter."""
    clash = ProgressUpdate.objects.filter(intention=intention, period=period)
    message = f"There is already an update for {period}. Edit that one instead."
    return unique(clash, instance, "period", message)
