"""Pure money rules of joint funding panels (no Django): cost bases, costs over dates, funders' shares,
commitments per financial year, cost drift, group statistics and the checks on absurd figures.

Money is :class:`~decimal.Decimal` pounds and pence throughout, never a float. Exact arithmetic is
done in :class:`~fractions.Fraction` and rounded once, to the penny, half away from zero.

Meanings
========

**Cost basis.** A package's cost is an amount with a basis (:class:`Cost`):

- ``week`` (per week) with ``weeks_per_year`` (1 to 52, to one decimal place; default 52):

  - 52 weeks means *all year round* (a residential or fostering placement): the cost accrues by
    the day at amount / 7, so the cost over any dates is ``weekly x days / 7`` and a part year is
    exact. A full financial year of 365 days is 52 1/7 weeks, of 366 days 52 2/7 weeks.
  - fewer weeks (a school placement priced for 38 weeks) means the year's cost is
    ``weekly x weeks_per_year`` (a 38-week placement at 1,000 a week is 38,000 a year, not 52,000),
    spread evenly by day over each financial year (see *yearly amounts* below). Term dates are not
    modelled.

- ``term`` (per term) with ``terms_per_year`` (1 to 6, default 3): the year's cost is
  ``amount x terms_per_year``, spread by day like a yearly amount.
- ``year`` (per year): the amount is the year's cost, spread by day.

**Yearly amounts over part of a year.** A yearly amount (per year, per term, or a part-year weekly
basis) falls evenly on the days of each financial year (April to March): over the days ``d`` of
a financial year of ``D`` days (365, or 366 when it holds 29 February) it costs
``yearly x d / D``. A whole financial year therefore costs exactly the yearly amount, leap year or
not, and dates spanning two financial years take each year's part at that year's own ``D``.

**Nominal annual cost** (:func:`annual_cost` without a year) is the yearly figure people quote:
``weekly x weeks_per_year`` (so 52 x weekly all year round), ``amount x terms_per_year`` or the
yearly amount. It is what packages are compared on (drift, group statistics, the ceiling). The
cost *in* a financial year (:func:`annual_cost` with a year, :func:`cost_between`) is exact by day,
so an all-year weekly package costs 1/7 of a week more than its nominal annual cost in a 365-day
year, 2/7 more in a 366-day one.

**Funders' shares** (:func:`split`): each share a percentage of the whole or an amount in the same
unit as the whole (the caller's choice: the cost on its basis, or a year's cost). All percentages:
they must add up to exactly 100; each is turned into pounds rounded down to the penny and the pennies
left over go to the largest share (the first named of equal largest), so the pounds add up to the
cost exactly. All amounts: they must add up to the cost to the penny. A mix: the amounts stand, the
percentages are of the whole, together within a penny of it, the pennies left to the largest
percentage share. Negative and zero shares are refused, and so is a percentage over 100.

**Commitments** (:func:`commitments_by_year`): the package's cost in each financial year it
touches, split among the funders in proportion to their shares in the same way (rounded down, the
remainder to the largest), so each year's shares add up to that year's cost. Only the proportions
matter, so the weights may be the pounds from :func:`split` or the percentages.

**Group statistics** (:func:`group_statistics`): median and quartiles by linear interpolation
between the sorted values (position ``(n - 1) x p``, as a spreadsheet's ``QUARTILE.INC``),
given only for groups of at least :data:`MINIMUM_GROUP` packages so that no figure is one child's.

**Absurd figures** (:func:`check_cost`): negative costs are refused, a zero cost unless allowed,
and any cost whose nominal annual cost exceeds :data:`ANNUAL_CEILING` (5 million pounds, about
96,000 a week: well above the dearest placements reported in England, tens of thousands of pounds
a week, yet low enough to catch a yearly figure typed as a weekly one).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from jointly.core.periods import Kind, Period, PeriodError, financial_year_of, parse

K = TypeVar("K", bound=Hashable)

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

ALL_YEAR_WEEKS = 52
"""A weekly basis of 52 weeks means all year round: the cost accrues by the day."""
DEFAULT_TERMS_PER_YEAR = 3
MAX_TERMS_PER_YEAR = 6
ANNUAL_CEILING = Decimal("5000000.00")
"""The largest plausible nominal annual cost of one package (see the module's notes)."""
MINIMUM_GROUP = 10
"""Group statistics are given only for at least this many packages."""


class PanelMoneyError(ValueError):
    """A figure that cannot be used; the message says why in words a panel member can act on."""


class Basis(StrEnum):
    """The basis of a cost; ``per_week`` and the like are read too (``Basis("per_week")``)."""

    PER_WEEK = "week"
    PER_TERM = "term"
    PER_YEAR = "year"

    @classmethod
    def _missing_(cls, value: object) -> Basis | None:
        text = str(value).strip().lower().replace(" ", "_")
        text = text.removeprefix("per_").removeprefix("a_")
        for member in cls:
            if member.value == text:
                return member
        return None

    @property
    def label(self) -> str:
        return f"per {self.value}"


# --- reading amounts ---------------------------------------------------------------------------


def pounds(amount: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``"£1,234.50"`` (for messages)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount).quantize(PENNY):,}"


def to_money(value: object, what: str = "An amount") -> Decimal:
    """``value`` as pounds and pence: refuses text that is not a number, infinities, floats and more
    than two decimal places. Commas are allowed (``"1,234.50"``)."""
    if isinstance(value, float):
        raise PanelMoneyError(f"{what} must be given as a Decimal or text, not a float")
    if isinstance(value, bool):
        raise PanelMoneyError(f"{what} must be a number of pounds")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise PanelMoneyError(f"{what} must be a number of pounds, such as 1250.00") from None
    if not amount.is_finite():
        raise PanelMoneyError(f"{what} must be a finite number of pounds")
    try:
        pounds = amount.quantize(PENNY, rounding=ROUND_DOWN)
    except InvalidOperation:
        # More digits than decimal arithmetic holds (28): far beyond any real cost.
        raise PanelMoneyError(f"{what} is too large a number of pounds") from None
    if amount != pounds:
        raise PanelMoneyError(f"{what} has more than two decimal places: give pounds and pence")
    return pounds


def to_pennies(exact: Fraction) -> Decimal:
    """An exact amount rounded to the penny, halves away from zero."""
    hundredths = exact * 100
    magnitude = math.floor(abs(hundredths) + Fraction(1, 2))
    return (Decimal(magnitude if hundredths >= 0 else -magnitude) / 100).quantize(PENNY)


def _percent(value: object, what: str) -> Fraction:
    """A percentage as an exact fraction: a Decimal, a Fraction (one third is ``Fraction(100, 3)``),
    an int, or text such as ``"33.34"`` or ``"33.34%"``."""
    if isinstance(value, float | bool):
        raise PanelMoneyError(f"{what} must be given as a Decimal or text, not a float")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace("%", "").strip())
    except (InvalidOperation, ValueError):
        raise PanelMoneyError(f"{what} must be a percentage, such as 33.34") from None
    if not number.is_finite():
        raise PanelMoneyError(f"{what} must be a finite percentage")
    return Fraction(number)


def percent_text(value: Fraction | Decimal) -> str:
    """A percentage for a message: exact when it has a short decimal form, else to 4 places."""
    exact = Fraction(value)
    text = f"{Decimal(exact.numerator) / Decimal(exact.denominator):.4f}".rstrip("0").rstrip(".")
    short = Fraction(Decimal(text)) == exact
    return f"{text}%" if short else f"about {text}%"


# --- costs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """A package's cost: an amount on a basis (see the module's notes).

    Built only when well formed: the amount is pounds and pence and not negative, the basis is one of
    :class:`Basis` (``"week"``, ``"term"``, ``"year"``; ``"per_week"`` is read too), ``weeks_per_year``
    1 to 52 (a whole number, or a Decimal to one place such as 38.5) and ``terms_per_year`` a whole
    number from 1 to 6.
    Whether a zero or a very large cost is acceptable is :func:`check_cost`'s question.
    """

    amount: Decimal
    basis: Basis = Basis.PER_WEEK
    weeks_per_year: int | Decimal = ALL_YEAR_WEEKS
    terms_per_year: int = DEFAULT_TERMS_PER_YEAR

    def __post_init__(self) -> None:
        amount = to_money(self.amount, "The cost")
        if amount < 0:
            raise PanelMoneyError(f"The cost cannot be negative ({pounds(amount)})")
        try:
            basis = Basis(self.basis)
        except ValueError:
            raise PanelMoneyError(
                f"'{str(self.basis)[:20]}' is not a cost basis: per week, per term or per year"
            ) from None
        weeks = self.weeks_per_year
        whole_or_decimal = isinstance(weeks, Decimal) or (
            isinstance(weeks, int) and not isinstance(weeks, bool)
        )
        if not whole_or_decimal or not Decimal(weeks).is_finite():
            raise PanelMoneyError("The weeks per year must be a number from 1 to 52")
        if not 1 <= weeks <= ALL_YEAR_WEEKS or Decimal(weeks) != Decimal(weeks).quantize(
            Decimal("0.1"), ROUND_DOWN
        ):
            raise PanelMoneyError(
                "The weeks per year must be from 1 to 52, to at most one decimal place "
                "(52 means all year round, costed by the day; 38 is a school year)"
            )
        terms = self.terms_per_year
        if not isinstance(terms, int) or isinstance(terms, bool) or not 1 <= terms <= MAX_TERMS_PER_YEAR:
            raise PanelMoneyError(f"The terms per year must be a whole number from 1 to {MAX_TERMS_PER_YEAR}")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "basis", basis)

    @property
    def all_year(self) -> bool:
        """Accrues by the day at amount / 7 (a weekly cost all year round)."""
        return self.basis == Basis.PER_WEEK and self.weeks_per_year == ALL_YEAR_WEEKS

    @property
    def yearly(self) -> Decimal:
        """The nominal annual cost (see the module's notes)."""
        if self.basis == Basis.PER_WEEK:
            return self.amount * self.weeks_per_year
        if self.basis == Basis.PER_TERM:
            return self.amount * self.terms_per_year
        return self.amount

    @property
    def description(self) -> str:
        """How a page says it: ``£1,000.00 per week, 38 weeks a year``."""
        text = f"{pounds(self.amount)} {self.basis.label}"
        if self.basis == Basis.PER_WEEK:
            weeks = f"{Decimal(self.weeks_per_year).normalize():f}"
            plural = "week" if weeks == "1" else "weeks"
            return text + (", all year" if self.all_year else f", {weeks} {plural} a year")
        if self.basis == Basis.PER_TERM:
            return text + f", {self.terms_per_year} terms a year"
        return text

    def scaled(self, amount: Decimal) -> Cost:
        """The same basis with another amount (a funder's share of it)."""
        return Cost(amount, self.basis, self.weeks_per_year, self.terms_per_year)


def check_dates(start: dt.date, end: dt.date, what: str = "The package") -> None:
    """Refuses an end before the start (a package of one day starts and ends on the same day)."""
    if end < start:
        raise PanelMoneyError(
            f"{what} ends ({end.day} {end:%B %Y}) before it starts ({start.day} {start:%B %Y})"
        )


def check_cost(cost: Cost, *, allow_zero: bool = False, ceiling: Decimal = ANNUAL_CEILING) -> None:
    """Refuses a zero cost (unless ``allow_zero``) and a cost whose nominal annual cost is above
    ``ceiling``. (A negative or malformed cost cannot be built at all: see :class:`Cost`.)"""
    if cost.amount == 0 and not allow_zero:
        raise PanelMoneyError("The cost is £0.00: give the package's cost")
    if cost.yearly > ceiling:
        raise PanelMoneyError(
            f"{cost.description} is {pounds(cost.yearly)} a year, more than the {pounds(ceiling)} "
            "a year that any one package could plausibly cost: check the amount and its basis "
            "(a yearly cost typed as a weekly one?)"
        )


def financial_year(value: str | Period) -> Period:
    """A financial year from its text (``2025/26``, ``2025-26``, ``FY25/26``) or a period of that kind."""
    if isinstance(value, Period):
        if value.kind != Kind.FINANCIAL_YEAR:
            raise PanelMoneyError(f"{value.text} is not a financial year")
        return value
    try:
        return parse(value, Kind.FINANCIAL_YEAR)
    except PeriodError as exc:
        raise PanelMoneyError(str(exc)) from None


def year_pieces(start: dt.date, end: dt.date) -> list[tuple[Period, dt.date, dt.date]]:
    """The financial years that ``start`` to ``end`` (inclusive) touches, each with the first and
    last day of the dates within it, in order."""
    check_dates(start, end, "The period")
    pieces = []
    year = financial_year_of(start)
    while year.start <= end:
        pieces.append((year, max(start, year.start), min(end, year.end)))
        year = year.next()
    return pieces


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def exact_cost_between(cost: Cost, start: dt.date, end: dt.date) -> Fraction:
    """The exact (unrounded) cost from ``start`` to ``end``, both days included."""
    if cost.all_year:
        check_dates(start, end, "The period")
        return Fraction(cost.amount) * _days(start, end) / 7
    yearly = Fraction(cost.yearly)
    return sum(
        (yearly * _days(a, b) / _days(year.start, year.end) for year, a, b in year_pieces(start, end)),
        Fraction(0),
    )


def cost_between(cost: Cost, start: dt.date, end: dt.date) -> Decimal:
    """The cost from ``start`` to ``end``, both days included, to the penny."""
    return to_pennies(exact_cost_between(cost, start, end))


def annual_cost(cost: Cost, year: str | Period | None = None) -> Decimal:
    """Without ``year``, the nominal annual cost (``weekly x weeks_per_year``, ``per term x terms``, the
    yearly amount); with a financial year, the cost over all of that year's days."""
    if year is None:
        return to_pennies(Fraction(cost.yearly))
    fy = financial_year(year)
    return cost_between(cost, fy.start, fy.end)


def cost_by_year(cost: Cost, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """The package's cost in each financial year it touches (``{"2025/26": ...}``), each to the penny."""
    return {year.text: to_pennies(exact_cost_between(cost, a, b)) for year, a, b in year_pieces(start, end)}


# --- funders' shares ------------------------------------------------------------------------------


def _largest(weights: Mapping[K, Decimal | Fraction]) -> K:
    # max() keeps the first of equal largest, so ties go to the first named.
    return max(weights, key=lambda k: weights[k])


def _ratio(weight: Decimal | Fraction | int) -> tuple[int, int]:
    if isinstance(weight, float | bool):
        raise PanelMoneyError("A share must be given as a Decimal, not a float")
    return Fraction(weight).as_integer_ratio() if isinstance(weight, int) else weight.as_integer_ratio()


def apportion(amount: Decimal, weights: Mapping[K, Decimal | Fraction]) -> dict[K, Decimal]:
    """Split ``amount`` in proportion to ``weights`` (all positive): each part rounded down to the
    penny, the pennies left over to the largest weight (the first named of equal largest). The parts
    add up to ``amount`` exactly."""
    amount = to_money(amount)
    if not weights:
        raise PanelMoneyError("Name at least one funder")
    if any(w <= 0 for w in weights.values()):
        raise PanelMoneyError("Every funder's share must be more than zero")
    # Whole numbers in proportion to the weights, so the arithmetic is exact and quick.
    ratios = {k: _ratio(w) for k, w in weights.items()}
    common = math.lcm(*(d for _, d in ratios.values()))
    scaled = {k: n * (common // d) for k, (n, d) in ratios.items()}
    whole = sum(scaled.values())
    pennies = int(amount.scaleb(2))
    sign = -1 if pennies < 0 else 1
    # Towards zero, so the pennies left over are never against the largest share's sign.
    shares: dict[K, Decimal] = {
        k: (Decimal(sign * (abs(pennies) * w // whole)) / 100).quantize(PENNY) for k, w in scaled.items()
    }
    left = amount - sum(shares.values(), ZERO)
    if left:
        key = _largest(weights)
        shares[key] += left
    return shares


def _name(key: object) -> str:
    return str(key)[:60]


def _read_percents(percents: Mapping[K, object]) -> dict[K, Fraction]:
    read: dict[K, Fraction] = {}
    for key, value in percents.items():
        p = _percent(value, f"{_name(key)}'s share")
        if p < 0:
            raise PanelMoneyError(f"{_name(key)}'s share cannot be negative ({percent_text(p)})")
        if p == 0:
            raise PanelMoneyError(f"{_name(key)}'s share is 0%: remove that funder or give it a share")
        if p > 100:
            raise PanelMoneyError(f"{_name(key)}'s share is more than 100% ({percent_text(p)})")
        read[key] = p
    return read


def _read_amounts(amounts: Mapping[K, object]) -> dict[K, Decimal]:
    read: dict[K, Decimal] = {}
    for key, value in amounts.items():
        amount = to_money(value, f"{_name(key)}'s share")
        if amount < 0:
            raise PanelMoneyError(f"{_name(key)}'s share cannot be negative ({pounds(amount)})")
        if amount == 0:
            raise PanelMoneyError(f"{_name(key)}'s share is £0.00: remove that funder or give it a share")
        read[key] = amount
    return read


def split_by_percent(whole: Decimal, percents: Mapping[K, object]) -> dict[K, Decimal]:
    """Each funder's pounds of ``whole`` from percentages that add up to exactly 100 (see the
    module's notes). Raises :class:`PanelMoneyError` saying what is wrong."""
    whole = to_money(whole, "The cost")
    if not percents:
        raise PanelMoneyError("Name at least one funder and its share")
    read = _read_percents(percents)
    added = sum(read.values(), Fraction(0))
    if added != 100:
        gap = 100 - added
        how = f"{percent_text(gap)} is not covered" if gap > 0 else f"{percent_text(-gap)} too much"
        raise PanelMoneyError(
            f"The percentages add up to {percent_text(added)}, not 100% ({how}): "
            "the funders' shares must cover the whole cost"
        )
    return apportion(whole, read)


def split_by_amount(whole: Decimal, amounts: Mapping[K, object]) -> dict[K, Decimal]:
    """Each funder's pounds given as amounts, which must add up to ``whole`` to the penny."""
    whole = to_money(whole, "The cost")
    if not amounts:
        raise PanelMoneyError("Name at least one funder and its share")
    read = _read_amounts(amounts)
    added = sum(read.values(), ZERO)
    if added < whole:
        raise PanelMoneyError(
            f"The shares add up to {pounds(added)} but the cost is {pounds(whole)}: "
            f"{pounds(whole - added)} is not covered"
        )
    if added > whole:
        raise PanelMoneyError(
            f"The shares add up to {pounds(added)}, {pounds(added - whole)} more than the cost of {pounds(whole)}"
        )
    return read


def split_equally(whole: Decimal, funders: Sequence[K]) -> dict[K, Decimal]:
    """Equal shares of ``whole`` (a third each for three funders), the pennies left to the first."""
    if len(set(funders)) != len(funders):
        raise PanelMoneyError("A funder is named twice")
    return split_by_percent(whole, {k: Fraction(100, len(funders)) for k in funders} if funders else {})


@dataclass(frozen=True)
class Share:
    """One funder's share: a percentage or an amount (on the cost's basis), exactly one of them."""

    percent: Decimal | Fraction | None = None
    amount: Decimal | None = None


def split(whole: Decimal, shares: Mapping[K, Share]) -> dict[K, Decimal]:
    """Each funder's pounds of ``whole`` (in the order given), each share a percentage of the whole
    or an amount in the same unit as ``whole``.

    All percentages: :func:`split_by_percent`. All amounts: :func:`split_by_amount`. A mix (the
    ICB pays 600 a week, the rest is split 60/40): the amounts stand as given, the percentages are of
    the whole, and together they must come within a penny of the whole; the percentage shares are
    rounded down to the penny and the pennies left go to the largest percentage share.
    """
    if not shares:
        raise PanelMoneyError("Name at least one funder and its share")
    for key, share in shares.items():
        if (share.percent is None) == (share.amount is None):
            raise PanelMoneyError(f"Give {_name(key)}'s share as a percentage or as an amount (one of them)")
    percents = {k: s.percent for k, s in shares.items() if s.percent is not None}
    amounts = {k: s.amount for k, s in shares.items() if s.amount is not None}
    if not amounts:
        return split_by_percent(whole, percents)
    if not percents:
        return split_by_amount(whole, amounts)
    whole = to_money(whole, "The cost")
    fixed = _read_amounts(amounts)
    rates = _read_percents(percents)
    exact = Fraction(sum(fixed.values(), ZERO)) + Fraction(whole) * sum(rates.values(), Fraction(0)) / 100
    gap = Fraction(whole) - exact
    if abs(gap) >= Fraction(1, 100):
        covered = to_pennies(exact)
        how = (
            f"{pounds(to_pennies(gap))} is not covered" if gap > 0 else f"{pounds(to_pennies(-gap))} too much"
        )
        raise PanelMoneyError(
            f"The shares come to {pounds(covered)}, not the cost of {pounds(whole)} ({how}): "
            "the funders' shares must cover the whole cost"
        )
    parts = {k: Decimal(math.floor(Fraction(whole) * p)) / 100 for k, p in rates.items()}
    left = whole - sum(fixed.values(), ZERO) - sum(parts.values(), ZERO)
    parts[_largest(rates)] += left
    return {k: (fixed[k] if k in fixed else parts[k]).quantize(PENNY) for k in shares}


def commitments_by_year(
    cost: Cost, weights: Mapping[K, Decimal | Fraction], start: dt.date, end: dt.date
) -> dict[str, dict[K, Decimal]]:
    """Each funder's commitment in each financial year from ``start`` to ``end`` (inclusive):
    ``{"2025/26": {funder: pounds}}``. Only the proportions of ``weights`` matter: the funders' pounds
    from :func:`split` (of the cost on its basis, or of a year's cost) or their percentages. Each
    year's cost is split in proportion, rounded down, the remainder to the largest, so each year's
    commitments add up to that year's cost."""
    return {year: apportion(amount, weights) for year, amount in cost_by_year(cost, start, end).items()}


def add_commitments(
    many: Iterable[Mapping[str, Mapping[K, Decimal]]],
) -> dict[str, dict[K, Decimal]]:
    """Several packages' commitments added up by financial year and funder (years in order)."""
    out: dict[str, dict[K, Decimal]] = {}
    for one in many:
        for year, by_funder in one.items():
            into = out.setdefault(year, {})
            for funder, amount in by_funder.items():
                into[funder] = into.get(funder, ZERO) + amount
    return {year: out[year] for year in sorted(out)}


# --- drift -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """A package's nominal annual cost at two versions (or reviews)."""

    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        """After minus before: positive when the package costs more."""
        return (self.after - self.before).quantize(PENNY)

    @property
    def percent(self) -> Decimal | None:
        """The change as a percentage of the earlier cost, to one decimal place (None from zero)."""
        if self.before == 0:
            return None
        return (self.change * HUNDRED / self.before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def words(self) -> str:
        if self.change > 0:
            return f"up {pounds(self.change)} a year"
        if self.change < 0:
            return f"down {pounds(-self.change)} a year"
        return "no change"


def cost_drift(before: Cost, after: Cost) -> Drift:
    """The drift between two versions of a package's cost, compared as nominal annual costs (so a
    change of basis, say from per term to per week, compares like with like)."""
    return Drift(annual_cost(before), annual_cost(after))


def funder_drift(before: Mapping[K, Decimal], after: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Each funder's change (after minus before), funders added or dropped included, in the order
    first seen; funders with no change are left out."""
    out: dict[K, Decimal] = {}
    for key in [*before, *(k for k in after if k not in before)]:
        change = (after.get(key, ZERO) - before.get(key, ZERO)).quantize(PENNY)
        if change:
            out[key] = change
    return out


# --- group statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupStats:
    count: int
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal

    @property
    def interquartile_range(self) -> Decimal:
        return (self.upper_quartile - self.lower_quartile).quantize(PENNY)


def _quantile(ordered: Sequence[Decimal], p: Fraction) -> Decimal:
    position = (len(ordered) - 1) * p
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    exact = Fraction(ordered[low]) + (Fraction(ordered[high]) - Fraction(ordered[low])) * fraction
    return to_pennies(exact)


def group_statistics(costs: Iterable[Decimal], minimum: int = MINIMUM_GROUP) -> GroupStats | None:
    """Median and quartiles of the annual costs of a group of packages (same type and need band),
    or ``None`` when the group has fewer than ``minimum`` packages. ``minimum`` may be raised above
    :data:`MINIMUM_GROUP`, never lowered."""
    if minimum < MINIMUM_GROUP:
        raise PanelMoneyError(f"Group statistics need at least {MINIMUM_GROUP} packages, not {minimum}")
    ordered = sorted(to_money(c) for c in costs)
    if len(ordered) < minimum:
        return None
    return GroupStats(
        count=len(ordered),
        lower_quartile=_quantile(ordered, Fraction(1, 4)),
        median=_quantile(ordered, Fraction(1, 2)),
        upper_quartile=_quantile(ordered, Fraction(3, 4)),
    )


def compare_to_group(cost: Decimal, stats: GroupStats) -> str:
    """Where a package's annual cost sits in its group: ``below the lower quartile``, ``within the
    middle half`` (the quartiles themselves included) or ``above the upper quartile``."""
    if cost < stats.lower_quartile:
        return "below the lower quartile"
    if cost > stats.upper_quartile:
        return "above the upper quartile"
    return "within the middle half"
