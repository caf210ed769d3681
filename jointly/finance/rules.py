"""The finance rules, in one place for the forms, the serializers and the imports.

Each function returns problems as ``{field: message}`` (empty when all is well).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from jointly.core import periods
from jointly.finance import calc

Problems = dict[str, str]


def amount(value: Any, field: str = "amount", *, negative: bool = True) -> Problems:
    """A money amount: a number with at most two decimals (and not negative unless allowed)."""
    if value is None or value == "":
        return {}
    try:
        money = calc.money(value)
    except calc.FinanceError as exc:
        return {field: f"{exc}."}
    if not negative and money < 0:
        return {field: "A contribution cannot be negative."}
    return {}


def financial_year(value: Any, field: str = "financial_year") -> Problems:
    if value is None or value == "":
        return {field: "Give the financial year, like 2014/15."}
    try:
        periods.parse(str(value), periods.Kind.FINANCIAL_YEAR)
    except periods.PeriodError:
        return {field: f"'{str(value)[:20]}' is not a financial year: write it like 2014/15."}
    return {}


def month(value: Any, field: str = "month") -> Problems:
    try:
        number = int(str(value).strip())
        ok = str(number) == str(value).strip() and 1 <= number <= 12
    except (TypeError, ValueError):
        ok = False
    if not ok:
        return {field: f"'{str(value)[:20]}' is not a financial month: give 1 (April) to 12 (March)."}
    return {}


def line_in_fund(line: Any, fund: Any, field: str = "line") -> Problems:
    if line is not None and fund is not None and line.fund_id != fund.pk:
        return {field: f"Line {line.code} does not belong to the fund {fund.name}."}
    return {}


def line_owner(fund: Any, owner: Any, field: str = "owner") -> Problems:
    """An aligned budget's line must name the partner whose budget it is."""
    if fund is not None and fund.is_aligned and owner is None:
        return {field: "In an aligned budget every line belongs to a partner: say whose budget it is."}
    return {}


def percentages(values: Mapping[Any, Decimal] | Iterable[Decimal], field: str = "shares") -> Problems:
    items = dict(values) if isinstance(values, Mapping) else dict(enumerate(values))
    try:
        calc.check_percentages(items)
    except calc.FinanceError as exc:
        return {field: f"{exc}."}
    return {}


def cap(cap_amount: Any, cap_percent: Any) -> Problems:
    if cap_amount is not None and cap_percent is not None:
        return {"cap_percent": "Give a cap as an amount or as a percentage, not both."}
    return {}


def pooled_only(fund: Any, method: str) -> Problems:
    """Sharing rules make sense for a pool; an aligned budget's partners each bear their own."""
    if fund is not None and fund.is_aligned and method != calc.OWN:
        return {"method": "An aligned budget is not a pool: each partner bears its own lines' variance."}
    return {}
