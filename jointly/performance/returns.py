"""One validation for KPI returns, whichever way they arrive (web form, CSV/XLSX upload, API).

Plain functions on plain data: no Django import. A caller describes the KPIs a submitter may
return (:class:`KpiSpec`, keyed by the code people write in a file) and hands over the rows as
mappings of column name to cell (strings or numbers, as read). :func:`validate_returns` checks
every row and returns the clean rows *and* every problem found, each with its row and column, so
that a caller can refuse the whole submission when there is any problem and list them all.

Periods are those of :mod:`jointly.core.periods`: a calendar month ``2024-03`` (monthly), a
financial quarter ``2023/24 Q4`` (quarterly; Q1 = April to June) or a financial year ``2023/24``
(annual). Monthly returns stay by calendar month; the quarter and year they roll up into are
financial. The old calendar-quarter form ``2024-Q1`` is refused with the financial quarter it means.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from jointly.core import imports, periods

MONTHLY, QUARTERLY, ANNUAL = "monthly", "quarterly", "annual"
COUNT, PERCENTAGE, RATIO = "count", "percentage", "ratio"

COLUMNS: tuple[str, ...] = ("kpi", "period", "numerator", "denominator", "reason")
"""The columns of a returns file, in template order (``reason`` only for a revision)."""

_KINDS = {
    MONTHLY: periods.Kind.MONTH,
    QUARTERLY: periods.Kind.FINANCIAL_QUARTER,
    ANNUAL: periods.Kind.FINANCIAL_YEAR,
}
PERIOD_HINTS = {
    MONTHLY: "YYYY-MM, e.g. 2024-03",
    QUARTERLY: "a financial quarter, e.g. 2023/24 Q4",
    ANNUAL: "a financial year, e.g. 2023/24",
}


@dataclass(frozen=True)
class Period:
    """A reporting period: its label (the canonical text) and first and last days."""

    label: str
    start: dt.date
    end: dt.date
    frequency: str


@dataclass(frozen=True)
class KpiSpec:
    """What validation needs to know about one KPI.

    ``measure``: ``count`` (the value is the numerator; no denominator), ``percentage`` (value =
    100 x numerator / denominator; the numerator may not exceed the denominator) or ``ratio``
    (value = numerator / denominator, e.g. total minutes / patients). ``valid_from`` / ``valid_to``
    bound the periods that may be returned: the later of the contract and KPI start dates and the
    earlier of their end dates (``None`` = open).
    """

    code: str
    frequency: str = MONTHLY
    measure: str = PERCENTAGE
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @property
    def needs_denominator(self) -> bool:
        return self.measure in (PERCENTAGE, RATIO)


@dataclass(frozen=True)
class Problem(imports.Problem):
    """The kernel's problem, worded as returns always were (``row 3, column kpi: ...``; row 0 = file)."""

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = imports.excerpt(self.column)
        return f"{where}, column {column}: {self.message}" if self.column else f"{where}: {self.message}"


def _own(problem: imports.Problem) -> Problem:
    return Problem(problem.row or 0, problem.column, problem.message, problem.kind)


@dataclass(frozen=True)
class CleanReturn:
    row: int
    kpi: str
    period: Period
    numerator: Decimal
    denominator: Decimal | None
    value: float
    reason: str
    is_revision: bool


class ReturnsInvalid(ValueError):
    """Raised by callers that refuse a submission; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _of(period: periods.Period, frequency: str) -> Period:
    return Period(period.text, period.start, period.end, frequency)


def parse_period(text: Any, frequency: str) -> Period:
    """``'2024-03'`` (monthly), ``'2023/24 Q4'`` (quarterly) or ``'2023/24'`` (annual). Raises ValueError."""
    if frequency not in _KINDS:
        raise ValueError(f"unknown frequency {frequency!r}")
    label = str(text if text is not None else "").strip()
    try:
        return _of(periods.parse(label, _KINDS[frequency]), frequency)
    except periods.PeriodError as exc:
        hint = ""
        if frequency == QUARTERLY and "calendar quarter" in str(exc):
            # periods' calendar-quarter message has one "; ": any split of it gives the same hint
            hint = f"; {str(exc).rsplit('; ', 1)[-1]}"  # pragma: no mutate
        article = "an" if frequency == ANNUAL else "a"
        raise ValueError(
            f"'{imports.excerpt(label)}' is not {article} {frequency} period ({PERIOD_HINTS[frequency]}){hint}"
        ) from exc


def period_of(day: dt.date, frequency: str) -> Period:
    """The period of ``frequency`` that contains ``day`` (quarters and years financial)."""
    if frequency == MONTHLY:
        return _of(periods.month_of(day), MONTHLY)
    if frequency == QUARTERLY:
        return _of(periods.financial_quarter_of(day), QUARTERLY)
    if frequency == ANNUAL:
        return _of(periods.financial_year_of(day), ANNUAL)
    raise ValueError(f"unknown frequency {frequency!r}")


def next_period(period: Period) -> Period:
    # one day after the end (two would do as well: every period is longer than a day)
    return period_of(period.end + dt.timedelta(days=1), period.frequency)  # pragma: no mutate


def periods_between(first: dt.date, last: dt.date, frequency: str) -> list[Period]:
    """Every period of ``frequency`` lying wholly within ``first``..``last`` (inclusive)."""
    out: list[Period] = []
    p = period_of(first, frequency)
    if p.start < first:
        p = next_period(p)
    while p.end <= last:
        out.append(p)
        p = next_period(p)
    return out


def offered_periods(
    spans: Iterable[tuple[dt.date | None, dt.date | None]], frequency: str, as_at: dt.date
) -> list[Period]:
    """The periods a return can be made for on ``as_at``: ended by then and lying wholly inside
    at least one KPI's span (its contract's and its own dates, :meth:`Kpi.valid_span`)."""
    found: dict[str, Period] = {}
    for start, end in spans:
        if start is None:
            continue
        last = min(end, as_at) if end is not None else as_at
        for p in periods_between(start, last, frequency):
            found.setdefault(p.label, p)
    return sorted(found.values(), key=lambda p: p.start)


def first_to_return(offered: list[Period], returned: Collection[str]) -> Period | None:
    """The first offered period not yet returned for every KPI (``returned``: the labels of the
    periods every KPI has returned), else the latest offered; None when nothing is offered."""
    for p in offered:
        if p.label not in returned:
            return p
    return offered[-1] if offered else None


def due_date(period: Period, due_days: int) -> dt.date:
    """A return is due ``due_days`` days after the end of its period."""
    return period.end + dt.timedelta(days=due_days)


def _number(cell: Any) -> Decimal | None:
    """Parse a cell as a finite number; ``None`` for empty; raises ValueError otherwise."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, (int, Decimal)):
        return Decimal(cell)
    if isinstance(cell, float):
        if math.isnan(cell):
            return None
        if math.isinf(cell):
            raise ValueError
        return Decimal(repr(cell))
    text = str(cell).strip().replace(",", "")
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not value.is_finite():
        raise ValueError
    return value


def _shown(cell: Any) -> str:
    return imports.shown(str(cell).strip())


def compute_value(measure: str, numerator: Decimal, denominator: Decimal | None) -> float:
    if measure == COUNT or denominator is None:
        return float(numerator)
    ratio = float(numerator) / float(denominator)
    return round(ratio * 100, 6) if measure == PERCENTAGE else round(ratio, 6)


def validate_returns(
    rows: Iterable[Mapping[str, Any]],
    kpis: Mapping[str, KpiSpec],
    *,
    existing: Collection[tuple[str, str]] = (),
    today: dt.date | None = None,
    first_row: int = 2,
) -> tuple[list[CleanReturn], list[Problem]]:
    """Check every row; return ``(clean rows, problems)``.

    ``kpis`` maps the KPI code (as written in the ``kpi`` column) to its spec: a code not in it is
    an unknown KPI (including KPIs of other contracts, so nothing leaks). ``existing`` holds
    ``(kpi code, period label)`` pairs already returned: a row for one of them is a revision and
    needs a ``reason``. ``today``, when given, refuses periods that have not ended yet.
    ``first_row`` is the number of the first row (2 for a file with a header; 1 for a form or
    API list). Problems come in row order, then column order; a submission with any problem
    should be refused whole.
    """
    problems: list[Problem] = []
    clean: list[CleanReturn] = []
    seen: dict[tuple[str, str], int] = {}
    existing_set = set(existing)
    lookup = {code.strip().lower(): spec for code, spec in kpis.items()}
    for offset, raw in enumerate(rows):
        row = first_row + offset
        found: list[Problem] = []
        code = str(raw.get("kpi") if raw.get("kpi") is not None else "").strip()
        spec = lookup.get(code.lower())
        if not code:
            found.append(Problem(row, "kpi", "enter the KPI code"))
        elif spec is None:
            found.append(Problem(row, "kpi", f"{_shown(code)} is not a KPI you can return here"))

        period: Period | None = None
        period_text = raw.get("period")
        if period_text is None or str(period_text).strip() == "":
            found.append(Problem(row, "period", "enter the period"))
        elif spec is not None:
            try:
                period = parse_period(period_text, spec.frequency)
            except ValueError as exc:
                found.append(Problem(row, "period", str(exc)))
            if period is not None:
                if (spec.valid_from and period.start < spec.valid_from) or (
                    spec.valid_to and period.end > spec.valid_to
                ):
                    span = f"{spec.valid_from or 'open'} to {spec.valid_to or 'open'}"
                    found.append(
                        Problem(
                            row, "period", f"{period.label} is outside the contract and KPI dates ({span})"
                        )
                    )
                    period = None
                elif today is not None and period.end >= today:
                    found.append(Problem(row, "period", f"{period.label} has not ended yet"))
                    period = None

        numbers: dict[str, Decimal | None] = {}
        for column in ("numerator", "denominator"):
            cell = raw.get(column)
            try:
                numbers[column] = _number(cell)
            except ValueError:
                found.append(Problem(row, column, f"{_shown(cell)} is not a number"))
                numbers[column] = None  # pragma: no mutate (never read: the row is refused)
                continue
            if numbers[column] is not None and numbers[column] < 0:  # type: ignore[operator]
                found.append(Problem(row, column, f"{numbers[column]} is negative; counts cannot be"))
        num, den = numbers["numerator"], numbers["denominator"]
        bad_number = any(p.column in ("numerator", "denominator") for p in found)
        if raw.get("numerator") is None or str(raw.get("numerator")).strip() == "":
            found.append(Problem(row, "numerator", "enter the numerator"))
        if spec is not None and not bad_number:
            if spec.needs_denominator:
                if den is None:
                    found.append(Problem(row, "denominator", "enter the denominator"))
                elif den == 0:
                    found.append(Problem(row, "denominator", "the denominator cannot be 0"))
                elif num is not None and spec.measure == PERCENTAGE and num > den:
                    found.append(
                        Problem(row, "numerator", f"{num} is above the denominator {den} for a proportion")
                    )
            elif den is not None:
                found.append(Problem(row, "denominator", "leave empty: this KPI is a count"))

        reason = str(raw.get("reason") or "").strip()
        if spec is not None and period is not None:
            key = (spec.code, period.label)
            if key in seen:
                found.append(
                    Problem(
                        row,
                        "period",
                        f"duplicate: row {seen[key]} already has {spec.code} for {period.label}",
                        imports.DUPLICATE,
                    )
                )
            else:
                seen[key] = row
            if key in existing_set and not reason:
                found.append(
                    Problem(row, "reason", f"{spec.code} {period.label} was already returned: give a reason")
                )

        if found:
            problems.extend(sorted(found, key=lambda p: COLUMNS.index(p.column)))
            continue
        assert spec is not None and period is not None and num is not None  # pragma: no mutate (types only)
        clean.append(
            CleanReturn(
                row=row,
                kpi=spec.code,
                period=period,
                numerator=num,
                denominator=den,  # a count with a denominator was refused above
                value=compute_value(spec.measure, num, den),
                reason=reason,
                is_revision=(spec.code, period.label) in existing_set,
            )
        )
    return clean, problems


def read_table(
    content: bytes | IO[bytes],
    filename: str,
    *,
    limits: imports.Limits = imports.DEFAULT_LIMITS,
    warnings: list[imports.Problem] | None = None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as dicts keyed by lower-case header.

    Returns ``(rows, problems)``; problems are file-level (unreadable file, missing columns,
    unknown columns, cells too long). Blank lines are skipped but keep their row numbers: each
    row dict carries ``_row`` (the spreadsheet row number). Formula-looking cells are loaded as
    text and reported in ``warnings`` when a list is given. Reading is :mod:`jointly.core.imports`.
    """
    try:
        table = imports.read_table(content, filename, limits=limits, lower_header=True)
    except imports.ImportRefused as exc:
        return [], [_own(p) for p in exc.problems]
    header = table.header
    problems = [
        Problem(1, h, "missing required column", imports.COLUMN)
        for h in ("kpi", "period", "numerator")
        if h not in header
    ]
    unknown = [h for h in header if h and h not in COLUMNS]
    problems += [
        Problem(1, h, "unknown column (use kpi, period, numerator, denominator, reason)", imports.COLUMN)
        for h in unknown
    ]
    if problems:
        return [], problems
    rows: list[dict[str, Any]] = []
    try:
        for row in table.rows:
            rows.append(row.cells | {"_row": row.number})
    except imports.ImportRefused as exc:
        return [], [_own(p) for p in exc.problems]
    if table.problems:
        return [], [_own(p) for p in table.problems]
    if warnings is not None:
        warnings.extend(table.warnings)
    if not rows:
        problems.append(Problem(0, "", "the file has no data rows", imports.FILE))
    return rows, problems


def validate_table(
    rows: list[dict[str, Any]],
    kpis: Mapping[str, KpiSpec],
    *,
    existing: Collection[tuple[str, str]] = (),
    today: dt.date | None = None,
) -> tuple[list[CleanReturn], list[Problem]]:
    """:func:`validate_returns` for rows from :func:`read_table`, keeping their spreadsheet rows."""
    clean: list[CleanReturn] = []
    problems: list[Problem] = []
    # Validate together (duplicates span rows), then renumber to the sheet's own row numbers.
    c, p = validate_returns(rows, kpis, existing=existing, today=today, first_row=0)
    numbers = [r.get("_row", i + 2) for i, r in enumerate(rows)]
    for item in c:
        clean.append(_renumber(item, numbers[item.row]))
    for item in p:
        message = item.message
        if message.startswith("duplicate: row "):
            before, _, rest = message[len("duplicate: row ") :].partition(" ")
            message = f"duplicate: row {numbers[int(before)]} {rest}"
        problems.append(Problem(numbers[item.row], item.column, message, item.kind))
    return clean, problems


def _renumber(item: CleanReturn, row: int) -> CleanReturn:
    from dataclasses import replace

    return replace(item, row=row)
