"""The date a page, export or command computes "missed", "late" and "overdue" as at.

Nothing in Jointly computes a status from the clock directly: a partnership may carry a
``reference_date`` (the demo partnerships do: the date of their paper), which stands in for
"today" when browsing it; a report defaults to the end of the period it reports
(:func:`periods.default_as_at`); and every page and command can be told a date with
``?as_at=YYYY-MM-DD`` or ``--as-at YYYY-MM-DD`` (``YYYY-MM`` means that month's last day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from jointly.core import periods
from jointly.core.query_params import BadQueryParameter


def today_for(partnership: Any = None) -> dt.date:
    """ "Today" for a partnership: its reference date when it has one, else the real date."""
    reference = getattr(partnership, "reference_date", None)
    return reference or timezone.localdate()


def requested_as_at(request: HttpRequest) -> dt.date | None:
    """The ``?as_at=`` date of a request, or None; a bad date is a 400 with the message (a form
    error on the error page, :mod:`jointly.core.query_params`)."""
    text = (request.GET.get("as_at") or "").strip()
    if not text:
        return None
    try:
        return periods.parse_as_at(text)
    except periods.PeriodError as exc:
        raise BadQueryParameter("as_at", str(exc)) from exc


def as_at_for(request: HttpRequest, partnership: Any, period: periods.Period | None = None) -> dt.date:
    """``?as_at=`` if given; else the end of ``period`` (today while it runs); else today.

    "Today" is :func:`today_for` the partnership."""
    asked = requested_as_at(request)
    if asked is not None:
        return asked
    today = today_for(partnership)
    return periods.default_as_at(period, today) if period is not None else today


def for_serializer(context: dict[str, Any], partnership: Any) -> dt.date:
    """The as-at date of an API answer: the request's ``?as_at=``, else the partnership's today."""
    request = context.get("request")
    asked = requested_as_at(request) if request is not None else None
    return asked or today_for(partnership)
