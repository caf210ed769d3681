"""The panels' Django side of the pure arithmetic: adapts model values to :mod:`jointly.panels.money`,
:mod:`jointly.panels.suppression` and :mod:`jointly.panels.checks` (which import no Django), and turns
their errors into the messages forms and the API show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from jointly.panels import checks, money, suppression

AGGREGATE_COLUMNS = list(suppression.AGGREGATE_HEADER)
COMMITMENT_COLUMNS = list(suppression.COMMITMENT_HEADER)
SUPPRESSED = suppression.SUPPRESSED
MAX_ANNUAL_COST = money.ANNUAL_CEILING


def cost(amount: Decimal, basis: str, weeks_per_year: Decimal | int | None) -> money.Cost:
    """A :class:`money.Cost` (raises :class:`money.PanelMoneyError` with a message for people)."""
    weeks = Decimal(weeks_per_year if weeks_per_year is not None else 52)
    if weeks == weeks.to_integral_value():
        weeks = int(weeks)  # type: ignore[assignment]
    return money.Cost(amount, basis, weeks)


def cost_problem(amount: Decimal, basis: str, weeks_per_year: Decimal | None) -> str:
    """Why a cost cannot be used (negative, zero, absurd, a bad basis), or ""."""
    try:
        money.check_cost(cost(amount, basis, weeks_per_year))
    except money.PanelMoneyError as exc:
        return str(exc)
    return ""


def annual_cost(amount: Decimal, basis: str, weeks_per_year: Decimal | None) -> Decimal:
    """The nominal annual cost (weekly × weeks a year, per term × terms, or the yearly amount)."""
    return money.annual_cost(cost(amount, basis, weeks_per_year))


def _shares(specs: Sequence[Any]) -> dict[int, money.Share]:
    return {i: money.Share(percent=s.percent, amount=s.amount) for i, s in enumerate(specs)}


def split_problem(total: Decimal, specs: Sequence[Any]) -> str:
    """Why the funders' shares cannot be used (they do not cover the whole to the penny...), or ""."""
    try:
        money.split(total, _shares(specs))
    except money.PanelMoneyError as exc:
        return str(exc)
    return ""


def split(total: Decimal, specs: Sequence[Any]) -> list[Decimal]:
    """Each funder's pounds a year, in order, adding up to ``total`` exactly."""
    got = money.split(total, _shares(specs))
    return [got[i] for i in range(len(specs))]


def nhs_number_problem(text: str) -> str:
    try:
        checks.clean_nhs_number(text)
    except checks.CheckError as exc:
        return str(exc) + "."
    return ""


def clean_nhs_number(text: str) -> str:
    return checks.clean_nhs_number(text)


def date_of_birth_problem(born: dt.date, on: dt.date, ehc_plan: bool) -> str:
    try:
        checks.check_in_scope(born, on, ehc_plan)
    except checks.CheckError as exc:
        return str(exc) + "."
    return ""


def age_band(born: dt.date, on: dt.date, ehc_plan: bool) -> str:
    """The case's age band code (``"11-15"``) from a date of birth, as at ``on``."""
    return checks.age_band(born, on, ehc_plan)


def commitments_by_year(
    c: money.Cost, weights: dict[Any, Decimal], start: dt.date, end: dt.date
) -> dict[str, dict[Any, Decimal]]:
    return money.commitments_by_year(c, weights, start, end)


def group_statistics(costs: Sequence[Decimal]) -> money.GroupStats | None:
    return money.group_statistics(costs)


def aggregate_rows(financial_year: str, facts: Sequence[Any], threshold: int = 7) -> list[list[Any]]:
    cases = suppression.case_facts_for_year(facts, financial_year)
    return [list(r) for r in suppression.aggregate_rows(cases, financial_year, max(7, threshold))]


def commitment_rows(financial_year: str, facts: Sequence[Any], threshold: int = 7) -> list[list[Any]]:
    cases = suppression.case_facts_for_year(facts, financial_year)
    return [list(r) for r in suppression.commitment_rows(cases, financial_year, max(7, threshold))]


def package_facts(**kw: Any) -> suppression.PackageFacts:
    return suppression.PackageFacts(**kw)


def drift_words(before: Any, after: Any) -> str:
    """How a version's nominal annual cost moved from the one before: ``up £5,200.00 a year``."""
    drift = money.cost_drift(
        cost(before.amount, before.basis, before.weeks_per_year),
        cost(after.amount, after.basis, after.weeks_per_year),
    )
    return drift.words


def group_position(annual: Decimal, costs: Sequence[Decimal]) -> tuple[money.GroupStats, str] | None:
    """The group's median and quartiles and where ``annual`` sits, only for groups of at least 10."""
    stats = money.group_statistics(costs)
    if stats is None:
        return None
    return stats, money.compare_to_group(annual, stats)
