"""The finance exports: budget model, savings, reconciliation and fund position, one row per item,
amounts in pounds with two decimals (the columns are fixed by issue 11)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jointly.finance import calc, queries

COLUMNS: dict[str, list[str]] = {
    "budget-model": ["model", "section", "line", "financial_year", "amount_gbp"],
    "savings": ["plan", "programme", "scheme", "financial_year", "planned_gbp", "delivered_gbp"],
    "reconciliation": [
        "kind", "container", "name", "financial_year", "computed_total_gbp", "stated_total_gbp", "difference_gbp",
    ],
    "fund-position": [
        "fund", "partner", "financial_year", "contribution_gbp", "budget_gbp", "actual_to_date_gbp",
        "forecast_outturn_gbp", "variance_gbp", "share_of_variance_gbp",
    ],
}  # fmt: skip
WHATS = tuple(COLUMNS)


def gbp(amount: Decimal | None) -> Decimal:
    """Pounds with two decimals, as a number (so a negative amount is never mistaken for a formula)."""
    return (amount or calc.ZERO).quantize(calc.PENNY)


def budget_model_rows(partnership: Any) -> Iterator[list[Any]]:
    for model in queries.budget_models(partnership):
        for section in model.sections.all():
            for line in section.lines.all():
                for amount in sorted(line.amounts.all(), key=lambda a: a.financial_year):
                    yield [model.name, section.name, line.name, amount.financial_year, gbp(amount.amount)]


def savings_rows(partnership: Any) -> Iterator[list[Any]]:
    for plan in queries.savings_plans(partnership):
        for programme in plan.programmes.all():
            for scheme in programme.schemes.all():
                for planned in sorted(scheme.planned.all(), key=lambda p: p.financial_year):
                    year = planned.financial_year
                    yield [plan.name, programme.name, scheme.name, year, gbp(planned.amount),
                           gbp(queries.scheme_delivered(scheme, year))]  # fmt: skip


def reconciliation_rows(partnership: Any) -> Iterator[list[Any]]:
    for row in queries.reconciliation(partnership):
        yield [row.kind, row.container, row.name, row.financial_year, gbp(row.computed), gbp(row.stated),
               gbp(row.difference)]  # fmt: skip


def fund_position_rows(partnership: Any, as_at: queries.AsAt | None = None) -> Iterator[list[Any]]:
    for fund in queries.funds(partnership):
        for fy in queries.fund_positions(fund, as_at):
            pos = fy.position
            for partner in fy.partners:
                yield [fund.name, partner.organisation.name if partner.organisation else "", fy.financial_year,
                       gbp(partner.contribution), gbp(pos.budget), gbp(pos.actual_to_date),
                       gbp(pos.forecast_outturn), gbp(pos.variance), gbp(partner.share)]  # fmt: skip


def rows(what: str, partnership: Any, as_at: queries.AsAt | None = None) -> Iterator[list[Any]]:
    if what == "budget-model":
        return budget_model_rows(partnership)
    if what == "savings":
        return savings_rows(partnership)
    if what == "reconciliation":
        return reconciliation_rows(partnership)
    if what == "fund-position":
        return fund_position_rows(partnership, as_at)
    raise ValueError(f"Unknown export {what!r}")
