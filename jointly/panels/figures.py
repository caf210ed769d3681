"""The panels' Django side of the pure arithmetic: adapts models to :mod:`jointly.panels.money`,
:mod:`jointly.panels.suppression` and :mod:`jointly.panels.checks` (which import no Django).

TEMPORARY: until the pure modules land (branch h-panelsmoney), a minimal stand-in lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

PENNY = Decimal("0.01")


def annual_cost(amount: Decimal, basis: str, weeks_per_year: Decimal | None) -> Decimal:
    weeks = Decimal(weeks_per_year or 52)
    if basis == "week":
        value = amount * weeks
    elif basis == "term":
        value = amount * 3
    else:
        value = amount
    return value.quantize(PENNY, ROUND_HALF_UP)


def _raw(total: Decimal, specs: Sequence[Any]) -> list[Decimal]:
    return [
        (total * s.percent / 100).quantize(PENNY, ROUND_HALF_UP) if s.percent is not None else s.amount
        for s in specs
    ]


def split_problem(total: Decimal, specs: Sequence[Any]) -> str:
    pct = sum((s.percent for s in specs if s.percent is not None), Decimal(0))
    amt = sum((s.amount for s in specs if s.amount is not None), Decimal(0))
    covered = amt + total * pct / 100
    if abs(covered - total) >= PENNY:
        return f"The funders' shares come to £{covered:,.2f} of £{total:,.2f} a year: together they must cover the whole cost."
    return ""


def split(total: Decimal, specs: Sequence[Any]) -> list[Decimal]:
    pounds = _raw(total, specs)
    diff = total - sum(pounds, Decimal(0))
    if diff:
        i = max(range(len(pounds)), key=lambda k: pounds[k])
        pounds[i] += diff
    return pounds


def nhs_number_problem(text: str) -> str:
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return "Enter the NHS number as 10 digits, like 485 777 3456."
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        return "This is not a valid NHS number: its check digit does not match. Check it and enter it again."
    return ""


def cost_between(
    amount: Decimal, basis: str, weeks_per_year: Decimal, annual: Decimal, start: Any, end: Any
) -> Decimal:
    days = (end - start).days + 1
    if basis == "week" and Decimal(weeks_per_year) >= 52:
        return (amount * days / 7).quantize(PENNY, ROUND_HALF_UP)
    return (annual * days / 365).quantize(PENNY, ROUND_HALF_UP)


def split_by_annual(cost: Decimal, annual_amounts: Sequence[Decimal]) -> list[Decimal]:
    whole = sum(annual_amounts, Decimal(0))
    if not whole:
        return [Decimal(0) for _ in annual_amounts]
    parts = [(cost * a / whole).quantize(PENNY, ROUND_HALF_UP) for a in annual_amounts]
    diff = cost - sum(parts, Decimal(0))
    if diff and parts:
        i = max(range(len(parts)), key=lambda k: parts[k])
        parts[i] += diff
    return parts


AGGREGATE_COLUMNS = ["financial_year", "dimension", "group", "cases", "annual_cost_gbp"]
COMMITMENT_COLUMNS = ["financial_year", "funder", "packages", "committed_gbp"]
DIMENSIONS = ("package_type", "funder", "need_band", "area")
SUPPRESSED = "c"


def _cells(groups: dict[str, list[tuple[int, Decimal]]], threshold: int) -> list[tuple[str, Any, Any]]:
    out = []
    for name, items in groups.items():
        count = len({cid for cid, _ in items})
        cost = sum((c for _, c in items), Decimal(0))
        hidden = 1 <= count <= threshold
        dominant = bool(items) and cost > 0 and max(c for _, c in items) > cost * Decimal("0.8")
        out.append((name, SUPPRESSED if hidden else count, SUPPRESSED if hidden or dominant else cost))
    hidden_rows = [i for i, (_, n, _) in enumerate(out) if n == SUPPRESSED]
    if len(hidden_rows) == 1:
        rest = sorted(
            (i for i, (_, n, _) in enumerate(out) if n != SUPPRESSED and n != 0), key=lambda i: out[i][1]
        )
        if rest:
            name, _n, _c = out[rest[0]]
            out[rest[0]] = (name, SUPPRESSED, SUPPRESSED)
    return out


def aggregate_rows(financial_year: str, years: Sequence[Any], threshold: int = 7) -> list[list[Any]]:
    threshold = max(7, threshold)
    rows: list[list[Any]] = []
    for dim in DIMENSIONS:
        groups: dict[str, list[tuple[int, Decimal]]] = {}
        for y in years:
            if dim == "funder":
                for org, _stream, pounds in y.funders:
                    groups.setdefault(org, []).append((y.case_id, pounds))
            else:
                key = {"package_type": y.package_type, "need_band": y.need_band, "area": y.area}[dim]
                groups.setdefault(key, []).append((y.case_id, y.cost))
        total = {"Total": [(y.case_id, y.cost) for y in years]}
        for name, count, cost in sorted(_cells(groups, threshold)) + _cells(total, threshold):
            rows.append([financial_year, dim, name, count, cost])
    return rows


def commitment_rows(financial_year: str, years: Sequence[Any], threshold: int = 7) -> list[list[Any]]:
    groups: dict[str, list[tuple[int, Decimal]]] = {}
    for y in years:
        for org, stream, pounds in y.funders:
            groups.setdefault(f"{org} ({stream})", []).append((y.case_id, pounds))
    return [[financial_year, name, n, c] for name, n, c in sorted(_cells(groups, max(7, threshold)))]
