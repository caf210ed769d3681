"""Pure finance calculations: totals, variance, risk-share splits, caps and reconciliation.

No Django import (the import-linter contract says so), so these are easy to test by hand and to
benchmark. Money is :class:`~decimal.Decimal` pounds throughout, never a float.

Meanings (RESOLUTIONS item 20):

- variance = forecast outturn - budget: positive is an overspend, negative an underspend;
- a fund's variance is shared under the rules for its sign (overspend and underspend are stated
  separately), taken in order: each rule takes the variance up to its cap (an amount, or a
  percentage of the fund's budget) and the next rule takes the rest; the last rule (or a rule
  without a cap) takes everything left;
- shares are rounded to the penny and the pennies left over go to the host (or, with no host among
  the sharers, the largest contributor), so the shares add up exactly to the variance;
- an aligned budget is not a pool: each partner bears its own lines' variance.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

# Methods of sharing a variance.
OWN = "own"
"""Each partner bears its own lines' variance (aligned budgets)."""
PROPORTIONAL = "proportional"
"""In proportion to the partners' contributions for the year."""
FIXED = "fixed"
"""Fixed percentages agreed in the agreement (adding up to 100)."""
HOST = "host"
"""The host partner bears it all."""
METHODS = (OWN, PROPORTIONAL, FIXED, HOST)

OVERSPEND = "overspend"
UNDERSPEND = "underspend"


class FinanceError(ValueError):
    """A figure or a rule that cannot be used; the message says why in the user's words."""


def money(value: object) -> Decimal:
    """``value`` as pounds and pence: refuses text that is not a number, infinities, more than two
    decimals and amounts too large for the arithmetic (27 digits or more before the point)."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise FinanceError(f"'{str(value)[:40]}' is not an amount of money") from None
    if not amount.is_finite():
        raise FinanceError("An amount must be a finite number")
    try:
        rounded = amount.quantize(PENNY)
    except InvalidOperation:  # more digits than the arithmetic holds (27 or more before the point)
        raise FinanceError(f"'{str(value)[:40]}' is too large an amount of money") from None
    if amount != rounded:
        raise FinanceError(f"{amount} has more than two decimal places: give pounds and pence")
    return rounded


def total(amounts: Iterable[Decimal | None]) -> Decimal:
    """The exact sum of the amounts given (``None`` counts as nothing)."""
    result = ZERO
    for amount in amounts:
        if amount is not None:
            result += amount
    return result.quantize(PENNY)


def variance(budget: Decimal, forecast: Decimal) -> Decimal:
    """Forecast outturn minus budget: positive is an overspend."""
    return (forecast - budget).quantize(PENNY)


def variance_words(amount: Decimal) -> str:
    """How a page says a variance: "overspend", "underspend" or "on budget"."""
    if amount > 0:
        return OVERSPEND
    if amount < 0:
        return UNDERSPEND
    return "on budget"


def check_percentages(percentages: Mapping[Hashable, Decimal]) -> None:
    """Fixed shares must be non-negative and add up to exactly 100."""
    if not percentages:
        raise FinanceError("A fixed-percentage rule needs each partner's percentage")
    if any(p < 0 for p in percentages.values()):
        raise FinanceError("A percentage cannot be negative")
    added = sum(percentages.values(), Decimal(0))
    if added != HUNDRED:
        raise FinanceError(f"The percentages add up to {added.normalize():f}, not 100")


def _winner(weights: Mapping[Hashable, Decimal], host: Hashable | None) -> Hashable:
    if host is not None and host in weights:
        return host
    # The largest weight; ties go to the first named, so the answer never depends on dict order luck.
    return max(weights, key=lambda k: weights[k])


def apportion(amount: Decimal, weights: Mapping[Hashable, Decimal], host: Hashable | None = None) -> dict:
    """Split ``amount`` in proportion to ``weights``, each share rounded towards zero to the penny,
    the pennies left over to the host (or the largest weight). The shares add up to ``amount``."""
    amount = amount.quantize(PENNY)
    positive = {k: w for k, w in weights.items() if w > 0}
    if not positive:
        if host is None:
            raise FinanceError("Nobody to share the variance with: no contributions and no host")
        return {host: amount}
    whole = sum(positive.values())
    shares = {k: (amount * w / whole).quantize(PENNY, rounding=ROUND_DOWN) for k, w in positive.items()}
    left = amount - sum(shares.values())
    if left:
        key = _winner(positive, host)
        shares[key] = shares[key] + left
    return shares


@dataclass(frozen=True)
class Rule:
    """One step of a risk-share agreement for one sign of variance.

    ``percentages`` only for :data:`FIXED`; ``cap_amount`` (pounds) or ``cap_percent`` (of the
    fund's budget) limits how much of the variance this rule takes before the next one applies.
    """

    method: str
    percentages: Mapping[Hashable, Decimal] = field(default_factory=dict)
    cap_amount: Decimal | None = None
    cap_percent: Decimal | None = None

    def cap(self, budget: Decimal) -> Decimal | None:
        if self.cap_amount is not None:
            return self.cap_amount
        if self.cap_percent is not None:
            return (budget * self.cap_percent / HUNDRED).quantize(PENNY, ROUND_HALF_UP)
        return None


def check_rule(rule: Rule) -> None:
    if rule.method not in METHODS:
        raise FinanceError(f"Unknown risk-share method '{rule.method}'")
    if rule.method == FIXED:
        check_percentages(rule.percentages)
    if rule.cap_amount is not None and rule.cap_percent is not None:
        raise FinanceError("Give a cap as an amount or as a percentage, not both")
    if rule.cap_amount is not None and rule.cap_amount < 0:
        raise FinanceError("A cap cannot be negative")
    if rule.cap_percent is not None and not (0 <= rule.cap_percent <= HUNDRED):
        raise FinanceError("A cap percentage must be between 0 and 100")


def _add(into: dict, part: Mapping) -> None:
    for key, amount in part.items():
        into[key] = into.get(key, ZERO) + amount


def _share_by(
    rule: Rule, amount: Decimal, contributions: Mapping[Hashable, Decimal], host: Hashable | None
) -> dict:
    if rule.method == HOST:
        if host is None:
            raise FinanceError("The rule says the host bears the variance, but the fund has no host")
        return {host: amount.quantize(PENNY)}
    if rule.method == FIXED:
        return apportion(amount, rule.percentages, host)
    return apportion(amount, contributions, host)


def share_variance(
    total_variance: Decimal,
    rules: Sequence[Rule],
    *,
    budget: Decimal,
    contributions: Mapping[Hashable, Decimal],
    host: Hashable | None = None,
    own_variances: Mapping[Hashable, Decimal] | None = None,
) -> dict:
    """Each partner's share of ``total_variance`` under ``rules`` (those for its sign, in order).

    With no rules, or a first rule of :data:`OWN`, each partner bears its own lines' variance
    (``own_variances``, which must add up to the total). Otherwise the rules are taken in order,
    each up to its cap. The shares add up exactly to ``total_variance``; partners with a zero
    share are left out.
    """
    total_variance = total_variance.quantize(PENNY)
    if total_variance == 0:
        return {}
    for index, rule in enumerate(rules):
        check_rule(rule)
        if index and rule.method == OWN:
            raise FinanceError("'Each bears its own' can only be the first rule")
    if not rules or rules[0].method == OWN:
        own = dict(own_variances or {})
        if total(own.values()) != total_variance:
            raise FinanceError("The partners' own variances do not add up to the fund's variance")
        return {k: v.quantize(PENNY) for k, v in own.items() if v}
    sign = Decimal(1).copy_sign(total_variance)  # never zero here
    left = abs(total_variance)
    shares: dict = {}
    for index, rule in enumerate(rules):
        cap = rule.cap(budget)
        last = index == len(rules) - 1
        portion = left if (cap is None or last) else min(left, cap)
        if portion > 0:  # a rule the variance does not reach is not applied
            _add(shares, _share_by(rule, sign * portion, contributions, host))
        left -= portion
    return {k: v for k, v in shares.items() if v}


# --- positions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFigures:
    """One budget line's figures for a financial year, as at a month (1 = April)."""

    budget: Decimal
    actuals: Mapping[int, Decimal]
    """Actual spend by financial month."""
    forecasts: Mapping[int, Decimal]
    """Full-year forecast outturn made at each month."""
    owner: Hashable | None = None


def actual_to_date(line: LineFigures, month: int) -> Decimal:
    return total(a for m, a in line.actuals.items() if m <= month)


def forecast_outturn(line: LineFigures, month: int) -> Decimal:
    """The latest full-year forecast made at or before ``month``; the budget when none was made."""
    made = [m for m in line.forecasts if m <= month]
    return line.forecasts[max(made)] if made else line.budget


@dataclass(frozen=True)
class Position:
    budget: Decimal
    actual_to_date: Decimal
    forecast_outturn: Decimal

    @property
    def variance(self) -> Decimal:
        return variance(self.budget, self.forecast_outturn)

    @property
    def overspend(self) -> bool:
        return self.variance > 0


def position(lines: Iterable[LineFigures], month: int) -> Position:
    lines = list(lines)
    return Position(
        budget=total(line.budget for line in lines),
        actual_to_date=total(actual_to_date(line, month) for line in lines),
        forecast_outturn=total(forecast_outturn(line, month) for line in lines),
    )


def own_variances(lines: Iterable[LineFigures], month: int) -> dict:
    """Each owner's own lines' variance (lines without an owner are left out)."""
    result: dict = {}
    for line in lines:
        if line.owner is not None:
            _add(result, {line.owner: variance(line.budget, forecast_outturn(line, month))})
    return result


def check_month(month: int) -> None:
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise FinanceError(f"Month {month!r} is not a financial month: 1 (April) to 12 (March)")


# --- reconciliation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    computed: Decimal
    stated: Decimal

    @property
    def difference(self) -> Decimal:
        """Stated minus computed: what the paper says beyond (or short of) its own lines."""
        return (self.stated - self.computed).quantize(PENNY)

    @property
    def agrees(self) -> bool:
        return self.difference == 0


def reconcile(computed: Decimal, stated: Decimal) -> Reconciliation:
    return Reconciliation(computed.quantize(PENNY), stated.quantize(PENNY))


# --- budget model projection ------------------------------------------------------------------


def project(amount: Decimal, rates_percent: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` carried forward one year per rate (an uplift of 2.5 means x 1.025), to the penny."""
    out = []
    current = amount
    for rate in rates_percent:
        current = (current * (HUNDRED + rate) / HUNDRED).quantize(PENNY, ROUND_HALF_UP)
        out.append(current)
    return out


def part_year(annual: Decimal, months: int) -> Decimal:
    """``months`` twelfths of ``annual``, to the penny (a saving on a contract ending in the year)."""
    if not 0 <= months <= 12:
        raise FinanceError("A part year is 0 to 12 months")
    return (annual * months / 12).quantize(PENNY, ROUND_HALF_UP)


def rate_of(amount: Decimal, percent: Decimal) -> Decimal:
    return (amount * percent / HUNDRED).quantize(PENNY, ROUND_HALF_UP)
