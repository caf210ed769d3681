"""Finance imports (CSV or XLSX, whole file or nothing, problems by row and column).

- ``actuals``: ``fund,line,financial_year,month,actual_gbp,forecast_outturn_gbp`` (fund by slug,
  line by code; either amount may be blank; a row replaces that line's month);
- ``budget-model``: the export's columns ``model,section,line,financial_year,amount_gbp`` (a model
  not yet known is created, named as given);
- ``savings``: ``plan,programme,scheme,financial_year,planned_gbp`` with optional ``month`` and
  ``delivered_gbp`` (the plan must exist; programmes and schemes are created as needed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.utils.text import slugify

from jointly.core import imports, periods
from jointly.core.imports import Problem, Row
from jointly.core.models import save_versioned
from jointly.finance import calc, rules
from jointly.finance.models import (
    BudgetModel,
    BudgetModelAmount,
    BudgetModelLine,
    BudgetSection,
    Fund,
    MonthlyFigure,
    PlannedSaving,
    SavingDelivery,
    SavingsPlan,
    SavingsProgramme,
    SavingsScheme,
    Units,
)

REQUIRED = {
    "actuals": ["fund", "line", "financial_year", "month", "actual_gbp", "forecast_outturn_gbp"],
    "budget-model": ["model", "section", "line", "financial_year", "amount_gbp"],
    "savings": ["plan", "programme", "scheme", "financial_year", "planned_gbp"],
}
WHATS = tuple(REQUIRED)


def _fy(value: Any) -> str:
    return periods.parse(str(value), periods.Kind.FINANCIAL_YEAR).text


def _money(value: Any) -> Any:
    return None if value is None or value == "" else calc.money(value)


def _cell(row: Row, name: str) -> Any:
    value = row.cells.get(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else value


def _check(row: Row, problems: list[Problem], found: dict[str, str]) -> bool:
    for column, message in found.items():
        problems.append(Problem(row.number, column, message))
    return not found


def _read(content: bytes | IO[bytes], filename: str, what: str) -> list[Row]:
    table = imports.read_table(content, filename, lower_header=True)
    missing = [c for c in REQUIRED[what] if c not in table.header]
    if missing:
        raise imports.refuse(f"Missing column(s): {', '.join(missing)}.", kind=imports.COLUMN, row=1)
    return imports.read_all(table)


def _actuals(partnership: Any, rows: list[Row], by: Any) -> tuple[list[Problem], Callable[[], int]]:
    funds = {f.slug: f for f in Fund.objects.filter(partnership=partnership).prefetch_related("lines")}
    problems: list[Problem] = []
    todo: list[tuple[Any, str, int, Any, Any]] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        fund = funds.get(str(_cell(row, "fund")))
        if fund is None:
            problems.append(
                Problem(row.number, "fund", f"No fund '{str(_cell(row, 'fund'))[:40]}' in this partnership.")
            )
            continue
        lines = {line.code: line for line in fund.lines.all()}
        line = lines.get(str(_cell(row, "line")))
        found: dict[str, str] = {}
        if line is None:
            found["line"] = f"Line '{str(_cell(row, 'line'))[:40]}' does not belong to the fund {fund.name}."
        found.update(rules.financial_year(_cell(row, "financial_year")))
        found.update(rules.month(_cell(row, "month")))
        found.update(rules.amount(_cell(row, "actual_gbp"), "actual_gbp"))
        found.update(rules.amount(_cell(row, "forecast_outturn_gbp"), "forecast_outturn_gbp"))
        if not _check(row, problems, found):
            continue
        key = (line.pk, _fy(_cell(row, "financial_year")), int(_cell(row, "month")))
        if key in seen:
            problems.append(Problem(row.number, "month", f"The same line and month as row {seen[key]}.",
                                    imports.DUPLICATE))  # fmt: skip
            continue
        seen[key] = row.number
        todo.append((line, key[1], key[2], _money(_cell(row, "actual_gbp")),
                     _money(_cell(row, "forecast_outturn_gbp"))))  # fmt: skip

    def write() -> int:
        for line, year, month, actual, forecast in todo:
            figure = MonthlyFigure.objects.filter(line=line, financial_year=year, month=month).first()
            if figure is None:
                figure = MonthlyFigure(line=line, financial_year=year, month=month)
            figure.actual, figure.forecast_outturn = actual, forecast
            save_versioned(figure, expected_version=figure.version if figure.pk else None, by=by)
        return len(todo)

    return problems, write


def _budget_model(partnership: Any, rows: list[Row], by: Any) -> tuple[list[Problem], Callable[[], int]]:
    problems: list[Problem] = []
    todo = []
    seen: dict[tuple, int] = {}
    for row in rows:
        found: dict[str, str] = {}
        for column in ("model", "section", "line"):
            if not str(_cell(row, column)).strip():
                found[column] = f"Give the {column}'s name."
        found.update(rules.financial_year(_cell(row, "financial_year")))
        if _cell(row, "amount_gbp") == "":
            found["amount_gbp"] = "Give the amount in pounds (negative allowed)."
        found.update(rules.amount(_cell(row, "amount_gbp"), "amount_gbp"))
        if not _check(row, problems, found):
            continue
        key = (str(_cell(row, "model")), str(_cell(row, "section")), str(_cell(row, "line")),
               _fy(_cell(row, "financial_year")))  # fmt: skip
        if key in seen:
            problems.append(Problem(row.number, "line", f"The same line and year as row {seen[key]}.",
                                    imports.DUPLICATE))  # fmt: skip
            continue
        seen[key] = row.number
        todo.append((*key, calc.money(_cell(row, "amount_gbp"))))

    def write() -> int:
        for model_name, section_name, line_name, year, amount in todo:
            model = BudgetModel.objects.filter(partnership=partnership, name=model_name).first()
            if model is None:
                model = save_versioned(BudgetModel(partnership=partnership, name=model_name,
                                                   slug=slugify(model_name)[:80], units=Units.POUNDS),
                                       expected_version=None, by=by)  # fmt: skip
            section, _ = BudgetSection.objects.get_or_create(model=model, name=section_name)
            line, _ = BudgetModelLine.objects.get_or_create(section=section, name=line_name)
            row_amount = BudgetModelAmount.objects.filter(line=line, financial_year=year).first()
            if row_amount is None:
                row_amount = BudgetModelAmount(line=line, financial_year=year)
            row_amount.amount = amount
            save_versioned(row_amount, expected_version=row_amount.version if row_amount.pk else None, by=by)
        return len(todo)

    return problems, write


def _savings(partnership: Any, rows: list[Row], by: Any) -> tuple[list[Problem], Callable[[], int]]:
    plans = {p.name: p for p in SavingsPlan.objects.filter(partnership=partnership)}
    problems: list[Problem] = []
    todo = []
    for row in rows:
        found: dict[str, str] = {}
        plan = plans.get(str(_cell(row, "plan")))
        if plan is None:
            found["plan"] = f"No savings plan '{str(_cell(row, 'plan'))[:40]}' in this partnership."
        for column in ("programme", "scheme"):
            if not str(_cell(row, column)).strip():
                found[column] = f"Give the {column}'s name."
        found.update(rules.financial_year(_cell(row, "financial_year")))
        found.update(rules.amount(_cell(row, "planned_gbp"), "planned_gbp"))
        delivered = _cell(row, "delivered_gbp")
        found.update(rules.amount(delivered, "delivered_gbp"))
        month = _cell(row, "month")
        if month != "":
            found.update(rules.month(month))
        elif delivered not in ("", None) and not found.get("delivered_gbp") and calc.money(delivered) != 0:
            found["month"] = "Say which month (1 = April) the saving was delivered in."
        if not _check(row, problems, found):
            continue
        todo.append((plan, str(_cell(row, "programme")), str(_cell(row, "scheme")), _fy(_cell(row, "financial_year")),
                     _money(_cell(row, "planned_gbp")), int(month) if month != "" else None,
                     _money(delivered)))  # fmt: skip

    def write() -> int:
        for plan, programme_name, scheme_name, year, planned, month, delivered in todo:
            programme, _ = SavingsProgramme.objects.get_or_create(plan=plan, name=programme_name)
            scheme = SavingsScheme.objects.filter(programme=programme, name=scheme_name).first()
            if scheme is None:
                scheme = save_versioned(SavingsScheme(programme=programme, name=scheme_name), expected_version=None,
                                        by=by)  # fmt: skip
            if planned is not None:
                item = PlannedSaving.objects.filter(scheme=scheme, financial_year=year).first() or PlannedSaving(
                    scheme=scheme, financial_year=year)  # fmt: skip
                item.amount = planned
                save_versioned(item, expected_version=item.version if item.pk else None, by=by)
            if month is not None and delivered is not None:
                d = SavingDelivery.objects.filter(scheme=scheme, financial_year=year, month=month).first() or (
                    SavingDelivery(scheme=scheme, financial_year=year, month=month))  # fmt: skip
                d.amount = delivered
                save_versioned(d, expected_version=d.version if d.pk else None, by=by)
        return len(todo)

    return problems, write


CHECKERS = {"actuals": _actuals, "budget-model": _budget_model, "savings": _savings}


def check(what: str, partnership: Any, content: bytes | IO[bytes], filename: str, *, by: Any) -> tuple[
        list[Problem], Callable[[], int]]:  # fmt: skip
    rows = _read(content, filename, what)
    return CHECKERS[what](partnership, rows, by)


def run(what: str, partnership: Any, content: bytes | IO[bytes], filename: str, *, by: Any) -> int:
    """Load the file whole or not at all; raises :class:`ImportRefused` listing every problem."""
    problems, write = check(what, partnership, content, filename, by=by)
    if problems:
        raise imports.ImportRefused(problems)
    return imports.write_whole(write)
