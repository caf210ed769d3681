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


_amount = amount  # for functions whose parameter is called ``amount``


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


def fund_change(
    fund: Any,
    kind: str,
    *,
    line: Any = None,
    from_line: Any = None,
    organisation: Any = None,
    amount: Any = None,
    rule: Any = None,
    shares: Any = None,
) -> Problems:
    """What an in-year change must say for its kind (see ``FundChange``)."""
    errors: Problems = {}
    if kind in ("virement", "budget", "contribution"):
        if amount is None or amount == "":
            errors["amount"] = {
                "virement": "Give the amount to move.",
                "budget": "Give the line's new budget for the year.",
                "contribution": "Give the partner's new contribution for the year.",
            }[kind]
        else:
            errors.update(_amount(amount, negative=kind == "budget"))
            if not errors and kind == "virement" and calc.money(amount) <= 0:
                errors["amount"] = "A virement moves a positive amount."
    if kind in ("virement", "budget") and line is None:
        errors["line"] = "Say which line receives the money." if kind == "virement" else "Say which line."
    if kind == "virement":
        if from_line is None:
            errors["from_line"] = "Say which line gives the money."
        elif line is not None and from_line.pk == line.pk:
            errors["from_line"] = "A virement moves money between two different lines."
        elif (
            line is not None and fund is not None and fund.is_aligned and from_line.owner_id != line.owner_id
        ):
            errors["from_line"] = (
                "An aligned budget is not a pool: money cannot move between two partners' lines (that needs a "
                "pooled fund or a Section 256/76 payment)."
            )
    for name, value in (("line", line), ("from_line", from_line)):
        if value is not None and fund is not None and name not in errors:
            errors.update(line_in_fund(value, fund, name))
    if kind == "contribution" and organisation is None:
        errors["organisation"] = "Say whose contribution changes."
    if kind == "risk_share":
        if rule is None:
            errors["rule"] = "Say which fixed-percentage rule changes."
        elif fund is not None and rule.fund_id != fund.pk:
            errors["rule"] = "The rule does not belong to this fund."
        elif rule.method != calc.FIXED:
            errors["rule"] = "Only a fixed-percentage rule has percentages to change."
        if not isinstance(shares, dict) or not shares:
            errors["shares"] = "Give each partner's new percentage."
        else:
            try:
                values = {k: calc.money(v) for k, v in shares.items()}
            except (calc.FinanceError, ArithmeticError):
                errors["shares"] = "Each percentage must be a number with at most two decimals."
            else:
                if any(not 0 <= v <= 100 for v in values.values()):
                    errors["shares"] = "Each percentage must be between 0 and 100."
                else:
                    errors.update(percentages(values))
    return errors


def consultation(
    subject: str, fund_change: Any, contract: Any, consulted_on: Any, responded_on: Any
) -> Problems:
    """A funding change names the change; a sign-off names the contract; no reply before the asking."""
    errors: Problems = {}
    if subject == "funding_change" and fund_change is None:
        errors["fund_change"] = "Say which fund change Public Health was consulted on."
    if subject in ("service_specification", "outcome_measures") and contract is None:
        errors["contract"] = "Say which contract's specification or outcome measures were signed off."
    if consulted_on and responded_on and responded_on < consulted_on:
        errors["responded_on"] = "The response cannot come before the consultation."
    return errors


def known_organisations(shares: Any, field: str = "shares") -> Problems:
    """Every organisation a risk-share change names exists (one query)."""
    from jointly.partnerships.models import Organisation

    slugs = [str(k) for k in (shares or {})]
    unknown = sorted(
        set(slugs) - set(Organisation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    )
    return {field: f"No organisation '{unknown[0][:40]}'."} if unknown else {}
