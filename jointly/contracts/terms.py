"""Contract terms derived from change control, and date arithmetic. No Django import.

A contract's *current* value and end date are never typed in: they are the
original value and end date with every **approved** variation applied in order
of effective date. Proposed and rejected variations change nothing. Given the
start date, the value is held per financial year (:mod:`jointly.contracts.values`):
a term extension with no value stated continues the contract at its annual rate.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from jointly.contracts import values
from jointly.core import periods

APPROVED = "approved"


class VariationLike(Protocol):
    status: str
    value_change: Decimal | None
    new_end_date: dt.date | None
    effective_date: dt.date
    pk: Any


@dataclass
class Step:
    """One approved variation and the terms after it."""

    variation: Any
    value: Decimal | None
    end_date: dt.date


@dataclass
class Terms:
    value: Decimal | None
    end_date: dt.date
    original_value: Decimal | None
    original_end_date: dt.date
    steps: list[Step] = field(default_factory=list)
    by_year: dict[str, Decimal] = field(default_factory=dict)  # value per financial year (given a start)

    @property
    def varied(self) -> bool:
        return bool(self.steps)


def current_terms(
    value: Decimal | None,
    end_date: dt.date,
    variations: Iterable[VariationLike],
    start: dt.date | None = None,
    year_values: dict[str, Decimal] | None = None,
) -> Terms:
    """Apply approved variations, oldest effective date first (ties by id).

    Without ``start`` the value is the original plus every value change. With it, the value
    comes from the per-year schedule (:func:`values.schedule`), so an extension with no value
    stated adds the months at the contract's annual rate instead of leaving the value flat.
    """
    approved = sorted(
        (v for v in variations if v.status == APPROVED),
        key=lambda v: (v.effective_date, v.pk or 0),
    )
    steps: list[Step] = []
    current_value, current_end = value, end_date
    for i, v in enumerate(approved):
        if start is not None:
            step = values.schedule(start, end_date, value, approved[: i + 1], year_values)
            current_value = step.total if step is not None else None
        elif v.value_change is not None:
            current_value = (current_value or Decimal("0")) + v.value_change
        if v.new_end_date is not None:
            current_end = v.new_end_date
        steps.append(Step(v, current_value, current_end))
    by_year: dict[str, Decimal] = {}
    original_value = value
    if start is not None:
        full = values.schedule(start, end_date, value, approved, year_values)
        if full is not None:
            by_year = full.years
            current_value = full.total
            if value is None:  # then yearly values are given, never empty: summing from 0 or Decimal 0 alike
                original_value = sum(full.years.values(), Decimal("0"))  # pragma: no mutate
    return Terms(current_value, current_end, original_value, end_date, steps, by_year)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_by(end_date: dt.date, notice_months: int) -> dt.date:
    """The last day on which notice can be given for the contract to end on ``end_date``."""
    return add_months(end_date, -notice_months)


def latest_possible_end(end_date: dt.date, extension_count: int, extension_months: int) -> dt.date:
    return add_months(end_date, extension_count * extension_months)


def financial_year(day: dt.date) -> str:
    """'2014/15' for any day from 1 April 2014 to 31 March 2015."""
    return periods.financial_year_of(day).text


def quarter_label(day: dt.date) -> str:
    """The financial quarter holding ``day``, e.g. '2014/15 Q1' for any day of April to June 2014."""
    return periods.financial_quarter_of(day).text


# --- status as at a date (issue 10.3) --------------------------------------------------------------

NOT_STARTED, LIVE, IN_NOTICE, EXTENDED, EXPIRED, TERMINATED = (
    "not_started", "live", "in_notice", "extended", "expired", "terminated",
)  # fmt: skip
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    LIVE: "Live",
    IN_NOTICE: "In notice",
    EXTENDED: "Extended",
    EXPIRED: "Expired",
    TERMINATED: "Terminated",
}
OPEN = (NOT_STARTED, LIVE, IN_NOTICE, EXTENDED)  # still to run or running on the date
# Recorded statuses that close a contract whatever its dates say: ended early or decommissioned.
RECORDED_CLOSED = ("ended", "decommissioned")


def end_as_at(end_date: dt.date, variations: Iterable[VariationLike], as_at: dt.date) -> dt.date:
    """The end date in force on ``as_at``: approved variations that have taken effect by then."""
    approved = sorted(
        (v for v in variations if v.status == APPROVED and v.effective_date <= as_at),
        key=lambda v: (v.effective_date, v.pk or 0),
    )
    for v in approved:
        if v.new_end_date is not None:
            end_date = v.new_end_date
    return end_date


def status_as_at(
    as_at: dt.date,
    start: dt.date,
    end_date: dt.date,
    notice_months: int,
    variations: Iterable[VariationLike],
    recorded: str = "",  # pragma: no mutate (any text but 'ended'/'decommissioned' means the same)
) -> str:
    """A contract's status on ``as_at``, from its dates and the approved variations in force then.

    Not started before its start; expired after the end date in force; terminated when it was
    recorded as ended or decommissioned before that end; in notice from the last day notice can
    be given up to its end; extended while it runs on an approved extension; live otherwise.
    """
    if as_at < start:
        return NOT_STARTED
    end = end_as_at(end_date, variations, as_at)
    if as_at > end:
        return EXPIRED
    if recorded in RECORDED_CLOSED:
        return TERMINATED
    if as_at >= notice_by(end, notice_months):
        return IN_NOTICE
    return EXTENDED if end > end_date else LIVE
