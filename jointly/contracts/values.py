"""A contract's value in each financial year, derived from its terms (pure Python, no Django).

The value is *held per financial year*: the original value is spread over the original term
(by months: a whole month counts one twelfth of a year, part of a month by its days), unless
values per year were recorded, and approved variations then change it in order of effective date:

* a **value** change applies to the financial year of its effective date;
* a **term extension** with no value stated continues the contract at the annual rate of its
  last year (five more months of a £1.4m-a-year contract add 5/12 × £1.4m): an extension never
  reduces the value. With a value stated, that value is spread over the added months;
* a **term reduction** with no value stated removes the months cut off at their years' rates.

The current value is the sum of the years; the annual value is one year's value. Funding shares
(what each commissioner pays in a year) are compared year by year: ``reconcile``.

Financial years come from :mod:`jointly.core.periods` (``2014/15``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jointly.core import periods

PENNY = Decimal("0.01")
ZERO = Decimal("0")


@functools.lru_cache(maxsize=4096)
def _months(first: dt.date, last: dt.date) -> Decimal:
    """Months from ``first`` to ``last`` inclusive; a part month counts its share of days.

    Remembered (a pure function of two dates, answering an immutable Decimal): an API page of
    contracts asks for the same financial years' spans again and again."""
    if last < first:
        return ZERO
    total = ZERO
    day = first
    while day <= last:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        month_end = dt.date(day.year, day.month, days_in_month)
        end = min(month_end, last)
        total += Decimal((end - day).days + 1) / Decimal(days_in_month)
        day = end + dt.timedelta(days=1)
    return total


def _year_spans(first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The financial years from ``first`` to ``last`` with the part of each that is covered."""
    spans = []
    year = periods.financial_year_of(first)
    while year.start <= last:
        spans.append((year.text, max(first, year.start), min(last, year.end)))
        year = year.next()
    return spans


def _spread(amount: Decimal, first: dt.date, last: dt.date) -> dict[str, Decimal]:
    """``amount`` shared over the financial years by months, to the penny, adding up exactly."""
    spans = _year_spans(first, last)
    months = [_months(a, b) for _, a, b in spans]
    whole = sum(months, ZERO)
    if whole == 0:
        return {}
    out: dict[str, Decimal] = {}
    given = ZERO
    for (year, _, _), m in zip(spans[:-1], months[:-1], strict=True):
        out[year] = (amount * m / whole).quantize(PENNY, ROUND_HALF_UP)
        given += out[year]
    out[spans[-1][0]] = amount - given  # the remainder to the last year: the parts add up
    return out


def _annual_rate(schedule: Mapping[str, Decimal], start: dt.date, end: dt.date) -> Decimal:
    """The yearly rate of the contract's last year (its value over the months it runs × 12)."""
    year = periods.financial_year_of(end)
    months = _months(max(start, year.start), end)
    if months == 0:
        return ZERO
    return schedule.get(year.text, ZERO) * 12 / months


@dataclass
class Schedule:
    """Value by financial year (``2014/15`` → £) and the end date after variations."""

    years: dict[str, Decimal]
    end_date: dt.date

    @property
    def total(self) -> Decimal:
        return sum(self.years.values(), ZERO)

    def annual_value(self, day: dt.date) -> Decimal | None:
        """The value in the financial year holding ``day`` (None outside the contract's years)."""
        return self.years.get(periods.financial_year_of(day).text)


def _add(schedule: dict[str, Decimal], part: Mapping[str, Decimal], sign: int = 1) -> None:
    for year, amount in part.items():
        schedule[year] = schedule.get(year, ZERO) + sign * amount


def schedule(
    start: dt.date,
    end: dt.date,
    value: Decimal | None,
    variations: Iterable[Any] = (),
    year_values: Mapping[str, Decimal] | None = None,
) -> Schedule | None:
    """The contract's value by financial year after approved variations (None without a value).

    ``variations`` need ``status``, ``value_change``, ``new_end_date``, ``effective_date`` and
    ``pk``; only approved ones count, oldest effective date first. ``year_values``, when given,
    are the values recorded per year and replace the even spread of ``value``.
    """
    if value is None and not year_values:
        return None
    years: dict[str, Decimal] = {}
    if year_values:
        years.update({y: Decimal(v) for y, v in year_values.items()})
    elif value is not None:
        years.update(_spread(value, start, end))
    current_end = end
    approved = sorted(
        (v for v in variations if v.status == "approved"), key=lambda v: (v.effective_date, v.pk or 0)
    )
    for v in approved:
        new_end = v.new_end_date
        if new_end is not None and new_end != current_end:
            if new_end > current_end:
                added_from = current_end + dt.timedelta(days=1)
                if v.value_change is None:
                    rate = _annual_rate(years, start, current_end)
                    _add(years, _spread(rate * _months(added_from, new_end) / 12, added_from, new_end))
                else:
                    _add(years, _spread(v.value_change, added_from, new_end))
            else:
                cut_from = new_end + dt.timedelta(days=1)
                if v.value_change is None:
                    for year, a, b in _year_spans(cut_from, current_end):
                        held = _months(max(start, periods.parse(year, periods.Kind.FINANCIAL_YEAR).start), b)
                        share = years.get(year, ZERO) * _months(a, b) / held if held else ZERO
                        years[year] = years.get(year, ZERO) - share.quantize(PENNY, ROUND_HALF_UP)
                else:
                    _add(years, {periods.financial_year_of(v.effective_date).text: v.value_change})
            current_end = new_end
        elif v.value_change is not None:
            day = min(max(v.effective_date, start), current_end)
            _add(years, {periods.financial_year_of(day).text: v.value_change})
    ordered = {y: years[y].quantize(PENNY, ROUND_HALF_UP) for y in sorted(years)}
    return Schedule({y: a for y, a in ordered.items() if a != 0 or y in (year_values or {})}, current_end)


@dataclass
class YearCheck:
    year: str
    contract_value: Decimal | None
    funded: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """Funding minus the contract's value in the year (None when either is missing)."""
        if self.contract_value is None or self.funded is None:
            return None
        return self.funded - self.contract_value


def reconcile(
    value_by_year: Mapping[str, Decimal], funding: Iterable[tuple[str, Decimal]]
) -> list[YearCheck]:
    """Each financial year's contract value beside the funding shares recorded for it."""
    funded: dict[str, Decimal] = {}
    for year, amount in funding:
        funded[year] = funded.get(year, ZERO) + amount
    years = sorted(set(value_by_year) | set(funded))
    return [YearCheck(y, value_by_year.get(y), funded.get(y)) for y in years]
