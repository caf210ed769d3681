"""Money as people read it: ``{{ amount|gbp }}`` → £1,234.56, negatives as −£176.00;
``{{ amount|thousands }}`` → 416,270 (a paper's £'000), negatives in brackets as the paper prints them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def gbp(value: Any) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(value)
    text = f"£{abs(amount):,.2f}"
    return f"−{text}" if amount < 0 else text


@register.filter
def thousands(value: Any, divisor: Any = 1000) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(value) / Decimal(divisor or 1)
    text = f"{abs(amount):,.0f}" if amount == amount.to_integral_value() else f"{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


def _may_see(context: Any, partnership: Any) -> bool:
    from jointly.accounts.permissions import Perm, has_permission

    request = context.get("request")
    return request is not None and has_permission(request.user, Perm.VIEW_FINANCE, partnership)


def _as_at(context: Any) -> Any:
    from jointly.core import asat
    from jointly.finance.queries import AsAt

    request = context.get("request")
    day = asat.requested_as_at(request) if request is not None else None
    return AsAt.of(day) if day else None


@register.inclusion_tag("finance/_partnership_panel.html", takes_context=True)
def finance_for_partnership(context: Any, partnership: Any) -> dict[str, Any]:
    """The partnership page's finance panel: each fund's position (latest year, or the year of
    ``?as_at=``). Nothing for people who may not see finance (providers). A fixed number of queries."""
    if not _may_see(context, partnership):
        return {"show": False}
    from jointly.finance import queries

    as_at = _as_at(context)
    rows = []
    for fund in queries.funds(partnership):
        positions = queries.fund_positions(fund, as_at)
        rows.append((fund, positions[-1] if positions else None))
    return {"show": True, "partnership": partnership, "rows": rows}


@register.inclusion_tag("finance/_contract_panel.html", takes_context=True)
def finance_for_contract(context: Any, contract: Any) -> dict[str, Any]:
    """The contract page's finance panel: the budget lines the contract is paid from (budget,
    actual to date, forecast by year) and the savings schemes it delivers. Three queries."""
    if not _may_see(context, contract.partnership):
        return {"show": False}
    from jointly.finance import calc, queries
    from jointly.finance.models import BudgetLine, SavingsScheme

    lines = BudgetLine.objects.filter(contract=contract).select_related("fund__partnership", "owner")
    rows = []
    for line in lines.prefetch_related("budgets", "monthly"):
        years = sorted(
            {b.financial_year for b in line.budgets.all()} | {m.financial_year for m in line.monthly.all()}
        )
        for year in years:
            f = queries.line_figures(line, year)
            month = max([m.month for m in line.monthly.all() if m.financial_year == year] or [12])
            pos = calc.position([f], month)
            rows.append((line, year, queries.month_label(year, month), pos))
    schemes = list(
        SavingsScheme.objects.filter(contract=contract).select_related("programme__plan__partnership")
    )
    return {"show": True, "contract": contract, "rows": rows, "schemes": schemes}
