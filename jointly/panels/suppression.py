"""Small-number suppression for everything about panel cases that leaves the panel (pure Python, no
Django): counts and costs by package type, funder, need band and area, the commitments export, and
two-way tables for board packs.

The rules
=========

1. **Primary suppression.** A count from 1 to the threshold (default 7, the NHS England disclosure
   convention; a partnership may choose a higher threshold, never a lower one) is shown as ``c``, and
   so is its cost. A true zero is shown as ``0`` (and a cost of ``0.00``): nothing can be learnt
   from it. Totals are cells like any other: a Total of 1 to 7 is ``c`` too.
2. **Dominance.** A cost cell is shown as ``c`` when one package is most of it: the largest single
   package's cost is *more than half* (strictly: 50% exactly is not dominance) of the cell's cost.
   The count stays visible; only the money could tell someone what one child's package costs. A
   cost cell of 0.00 is never dominated.
3. **Secondary suppression.** Every count shown as ``c`` has its cost shown as ``c`` as well. Then,
   counts and costs each on their own: in any line (a one-way table with its Total; each row and
   each column of a two-way table with its total) where exactly one value is ``c``, it could be
   worked out as the total minus the rest, so one more value is suppressed: the smallest non-zero
   value still shown among the line's ordinary cells (the first of equal smallest), or, when there
   is none, the line's total. Two-way tables are then checked as a whole: a suppressed cell that is
   on no cycle of suppressed cells (a *bridge* between the rows and columns; the totals row and
   column count as a row and a column) can still be solved from the margins, so a further cell is
   suppressed that closes a cycle through it (the smallest such), until none is left.

What this does not do (say so when a partnership asks): it stops a suppressed figure being
*calculated exactly* from the same table; it does not hide the range a figure must lie in (a ``c``
beside a total of 9 is 1 to 7), and the four one-way tables of an export are protected each on its
own, not against differences between them. A higher threshold reduces both risks. In the ``funder``
dimension a case paid for by two funders is counted under each, so the counts there do not add up to
the Total (which counts each case once); the same rule is applied to them anyway, which errs on the
side of hiding.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVar

from jointly.core.periods import Kind, PeriodError, parse
from jointly.panels.money import Cost, commitments_by_year

DEFAULT_THRESHOLD = 7
"""Counts from 1 to this are suppressed (NHS England's convention); a partnership may raise it."""
SUPPRESSED = "c"
TOTAL = "Total"
NOT_RECORDED = "Not recorded"
PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

PACKAGE_TYPE = "package_type"
FUNDER = "funder"
NEED_BAND = "need_band"
AREA = "area"
DIMENSIONS: tuple[str, ...] = (PACKAGE_TYPE, FUNDER, NEED_BAND, AREA)

AGGREGATE_HEADER: tuple[str, ...] = ("financial_year", "dimension", "group", "cases", "annual_cost_gbp")
COMMITMENT_HEADER: tuple[str, ...] = ("financial_year", "funder", "packages", "committed_gbp")

V = TypeVar("V", int, Decimal)
Count = int | str
Money = Decimal | str


class SuppressionError(ValueError):
    """A threshold or an input that cannot be used; the message says why."""


# --- single cells ---------------------------------------------------------------------------------


def check_threshold(threshold: int) -> int:
    """The threshold to use: a whole number of at least :data:`DEFAULT_THRESHOLD`."""
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise SuppressionError("The suppression threshold must be a whole number")
    if threshold < DEFAULT_THRESHOLD:
        raise SuppressionError(
            f"The suppression threshold cannot be lower than {DEFAULT_THRESHOLD} "
            f"(NHS England's convention); {threshold} was asked for"
        )
    return threshold


def is_small(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A count that must be hidden: 1 to ``threshold``. Zero is not small: it is shown."""
    if count < 0:
        raise SuppressionError("A count cannot be negative")
    return 1 <= count <= check_threshold(threshold)


def is_dominated(amounts: Iterable[Decimal]) -> bool:
    """Whether one package is more than half (strictly) of the cost made of ``amounts``
    (one amount per package). A cost of zero or less is never dominated."""
    values = list(amounts)
    whole = sum(values, Decimal(0))
    if whole <= 0:
        return False
    return max(values) * 2 > whole


@dataclass(frozen=True)
class Cell:
    """What a cell is made of: how many cases it counts and each package's cost in it.

    ``count`` is usually ``len(amounts)``; a Total of the funder dimension counts each case once
    while its amounts are each case's whole cost.
    """

    count: int
    amounts: tuple[Decimal, ...] = ()

    @classmethod
    def of(cls, amounts: Iterable[Decimal]) -> Cell:
        values = tuple(amounts)
        return cls(len(values), values)

    @property
    def cost(self) -> Decimal:
        return sum(self.amounts, ZERO).quantize(PENNY)


@dataclass(frozen=True)
class Shown:
    """A cell as published: numbers, or ``c`` where suppressed."""

    count: Count
    cost: Money

    @property
    def count_suppressed(self) -> bool:
        return self.count == SUPPRESSED

    @property
    def cost_suppressed(self) -> bool:
        return self.cost == SUPPRESSED


def _show(cell: Cell, count_hidden: bool, cost_hidden: bool) -> Shown:
    return Shown(SUPPRESSED if count_hidden else cell.count, SUPPRESSED if cost_hidden else cell.cost)


# --- one-way tables -------------------------------------------------------------------------------


def _smallest(candidates: Iterable[tuple[int, V]]) -> int | None:
    best: tuple[int, V] | None = None
    for index, value in candidates:
        if best is None or value < best[1]:
            best = (index, value)
    return None if best is None else best[0]


def secondary_one_way(
    values: Sequence[V], total: V, hidden: Sequence[bool], total_hidden: bool
) -> tuple[list[bool], bool]:
    """Secondary suppression of one line: ``values`` with their ``total``. When exactly one of them
    (the total included) is hidden, hide the smallest non-zero value still shown, else the total.
    Returns the new flags (the inputs are not changed)."""
    flags = list(hidden)
    if len(flags) != len(values):
        raise SuppressionError("Each value needs its own flag")
    if sum(flags) + total_hidden != 1:
        return flags, total_hidden
    pick = _smallest((i, v) for i, v in enumerate(values) if not flags[i] and v != 0)
    if pick is not None:
        flags[pick] = True
        return flags, total_hidden
    if not total_hidden and total != 0:
        return flags, True
    return flags, total_hidden  # pragma: no cover - a lone non-zero hidden value always has a partner


def protect_one_way(
    cells: Sequence[Cell], total: Cell, threshold: int = DEFAULT_THRESHOLD
) -> tuple[list[Shown], Shown]:
    """A one-way table (groups and their Total) as published, under all the rules."""
    check_threshold(threshold)
    count_hidden = [is_small(c.count, threshold) for c in cells]
    total_count_hidden = is_small(total.count, threshold)
    count_hidden, total_count_hidden = secondary_one_way(
        [c.count for c in cells], total.count, count_hidden, total_count_hidden
    )
    cost_hidden = [h or is_dominated(c.amounts) for h, c in zip(count_hidden, cells, strict=True)]
    total_cost_hidden = total_count_hidden or is_dominated(total.amounts)
    cost_hidden, total_cost_hidden = secondary_one_way(
        [c.cost for c in cells], total.cost, cost_hidden, total_cost_hidden
    )
    shown = [_show(c, h, k) for c, h, k in zip(cells, count_hidden, cost_hidden, strict=True)]
    return shown, _show(total, total_count_hidden, total_cost_hidden)


# --- two-way tables -------------------------------------------------------------------------------

Grid = list[list[bool]]


def _line_pass(values: Sequence[Sequence[V]], hidden: Grid) -> bool:
    """One pass of the line rule over every row and column; True when something was hidden."""
    rows, cols = len(values), len(values[0])
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    changed = False
    for line in lines:
        if sum(hidden[i][j] for i, j in line) != 1:
            continue
        inner = [
            (k, values[i][j]) for k, (i, j) in enumerate(line[:-1]) if not hidden[i][j] and values[i][j] != 0
        ]
        pick = _smallest(inner)
        if pick is None:
            i, j = line[-1]
            if hidden[i][j] or values[i][j] == 0:
                continue  # pragma: no cover - a lone non-zero hidden value always has a partner
            hidden[i][j] = True
        else:
            i, j = line[pick]
            hidden[i][j] = True
        changed = True
    return changed


def _reach(start: tuple[str, int], edges: set[tuple[int, int]]) -> set[tuple[str, int]]:
    """The row and column nodes joined to ``start`` by hidden cells (``edges``)."""
    links: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for i, j in edges:
        links.setdefault(("r", i), []).append(("c", j))
        links.setdefault(("c", j), []).append(("r", i))
    seen = {start}
    queue = deque([start])
    while queue:
        for other in links.get(queue.popleft(), ()):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


def _bridge_pass(values: Sequence[Sequence[V]], hidden: Grid) -> bool:
    """Find a hidden cell that could be solved (a bridge) and hide one more cell to close a cycle
    through it; True when something was hidden."""
    rows, cols = len(values), len(values[0])
    edges = {(i, j) for i in range(rows) for j in range(cols) if hidden[i][j]}
    for i, j in sorted(edges):
        rest = edges - {(i, j)}
        side_a = _reach(("r", i), rest)
        if ("c", j) in side_a:
            continue  # on a cycle: safe
        side_b = _reach(("c", j), rest)
        candidates = []
        for a, b in ((side_a, side_b), (side_b, side_a)):
            for r in (n for s, n in a if s == "r"):
                for c in (n for s, n in b if s == "c"):
                    if not hidden[r][c] and values[r][c] != 0:
                        total = r == rows - 1 or c == cols - 1
                        candidates.append((total, values[r][c], r, c))
        if not candidates:
            continue  # pragma: no cover - the line rule leaves no such bridge in practice
        _, _, r, c = min(candidates)
        hidden[r][c] = True
        return True
    return False


def secondary_two_way(values: Sequence[Sequence[V]], hidden: Sequence[Sequence[bool]]) -> Grid:
    """Secondary suppression of a two-way table whose last row and last column are its totals
    (the corner is the grand total): the line rule, then the cycle rule, until nothing changes.
    Returns new flags (the inputs are not changed)."""
    if not values or not values[0]:
        raise SuppressionError("A table needs at least one row and one column")
    if any(len(row) != len(values[0]) for row in values) or len(hidden) != len(values):
        raise SuppressionError("Every row of the table must have the same columns")
    flags = [list(row) for row in hidden]
    while _line_pass(values, flags) or _bridge_pass(values, flags):
        pass
    return flags


@dataclass(frozen=True)
class TwoWay:
    """A two-way table as published: ``counts`` and ``costs`` have one more row and one more column
    than the cells given, holding the totals (the corner is the grand total)."""

    counts: list[list[Count]]
    costs: list[list[Money]]


def protect_two_way(
    cells: Sequence[Sequence[Iterable[Decimal]]], threshold: int = DEFAULT_THRESHOLD
) -> TwoWay:
    """A two-way table of packages as published: ``cells[row][column]`` lists each package's cost in
    that cell (each package in one cell). Totals are added and everything is protected."""
    check_threshold(threshold)
    inner = [[Cell.of(c) for c in row] for row in cells]
    if not inner or not inner[0] or any(len(row) != len(inner[0]) for row in inner):
        raise SuppressionError(
            "A table needs at least one row and one column, and every row the same columns"
        )
    full: list[list[Cell]] = [[*row, Cell.of(a for c in row for a in c.amounts)] for row in inner]
    columns = list(zip(*full, strict=True))
    full.append([Cell.of(a for c in column for a in c.amounts) for column in columns])
    counts = [[c.count for c in row] for row in full]
    costs = [[c.cost for c in row] for row in full]
    count_hidden = secondary_two_way(counts, [[is_small(c.count, threshold) for c in row] for row in full])
    cost_hidden = [
        [h or is_dominated(c.amounts) for h, c in zip(hrow, row, strict=True)]
        for hrow, row in zip(count_hidden, full, strict=True)
    ]
    cost_hidden = secondary_two_way(costs, cost_hidden)
    return TwoWay(
        counts=[
            [SUPPRESSED if h else v for h, v in zip(hr, vr, strict=True)]
            for hr, vr in zip(count_hidden, counts, strict=True)
        ],
        costs=[
            [SUPPRESSED if h else v for h, v in zip(hr, vr, strict=True)]
            for hr, vr in zip(cost_hidden, costs, strict=True)
        ],
    )


def protect_counts_two_way(
    counts: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD
) -> list[list[Count]]:
    """A two-way table of counts alone as published (totals added as the last row and column)."""
    table = protect_two_way([[[ZERO] * n for n in row] for row in counts], threshold)
    return table.counts


# --- the panel exports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What an aggregate needs to know about one case in one financial year, nothing identifying.

    ``reference`` is the pseudonymous case reference (used only to count a case once, never
    written out). ``annual_cost_by_funder`` is the case's cost *in that financial year* by funder
    label (from :func:`jointly.panels.money.commitments_by_year`): a funder appears when it pays
    something. ``confirmed`` is False while any share is unconfirmed (the package is agreed in
    principle and commits nothing): such a case is left out of the commitments and, by default, of
    the aggregates too, so that the two exports cannot be subtracted to reveal a few unconfirmed
    packages. Blank bands and areas are reported as "Not recorded".

    Built from one query of the year's packages with their case and funders; several rows for one
    case (two packages in a year) are added together by :func:`merge_cases`, the last row's
    type, band and area winning.
    """

    reference: str
    package_type: str
    need_band: str
    area: str
    annual_cost_by_funder: Mapping[str, Decimal] = field(default_factory=dict)
    confirmed: bool = True

    @property
    def cost(self) -> Decimal:
        return sum(self.annual_cost_by_funder.values(), ZERO).quantize(PENNY)

    def group(self, dimension: str) -> str:
        value = {PACKAGE_TYPE: self.package_type, NEED_BAND: self.need_band, AREA: self.area}[dimension]
        return value.strip() or NOT_RECORDED


def merge_cases(cases: Iterable[CaseFacts]) -> list[CaseFacts]:
    """One fact per case reference: amounts added by funder, the later row's other facts kept, and
    confirmed only when every row is. Negative amounts are refused."""
    merged: dict[str, CaseFacts] = {}
    for case in cases:
        for funder, amount in case.annual_cost_by_funder.items():
            if amount < 0:
                raise SuppressionError(f"A funder's cost cannot be negative (funder {funder[:60]})")
        before = merged.get(case.reference)
        if before is None:
            merged[case.reference] = case
            continue
        amounts = dict(before.annual_cost_by_funder)
        for funder, amount in case.annual_cost_by_funder.items():
            amounts[funder] = amounts.get(funder, ZERO) + amount
        merged[case.reference] = CaseFacts(
            case.reference,
            case.package_type,
            case.need_band,
            case.area,
            amounts,
            before.confirmed and case.confirmed,
        )
    return list(merged.values())


def _year_text(year: str) -> str:
    try:
        return parse(year, Kind.FINANCIAL_YEAR).text
    except PeriodError as exc:
        raise SuppressionError(str(exc)) from None


@dataclass(frozen=True)
class PackageFacts:
    """One package version as the aggregates need it: its cost, the dates that version applies
    (from its start or the date a change at review took effect, to the day before the next version
    took effect or the package's end), the funders' shares as weights (pounds from
    :func:`jointly.panels.money.split`, a year's pounds or percentages: only proportions matter),
    and whether every share is confirmed. ``reference`` is the case's reference."""

    reference: str
    package_type: str
    need_band: str
    area: str
    cost: Cost
    start: date
    end: date
    shares: Mapping[str, Decimal]
    confirmed: bool = True


def case_facts_for_year(packages: Iterable[PackageFacts], year: str) -> list[CaseFacts]:
    """The :class:`CaseFacts` of ``year`` from package versions (one row each, as one query of
    versions with their case and funders gives them): each version's commitments in that year by
    funder, versions outside the year left out, several versions of a case added together."""
    period = parse(_year_text(year), Kind.FINANCIAL_YEAR)
    facts = []
    for package in packages:
        start, end = max(package.start, period.start), min(package.end, period.end)
        if end < start:
            continue
        by_funder = commitments_by_year(package.cost, package.shares, start, end).get(period.text, {})
        facts.append(
            CaseFacts(
                package.reference,
                package.package_type,
                package.need_band,
                package.area,
                by_funder,
                package.confirmed,
            )
        )
    return merge_cases(facts)


def _ordered(found: Iterable[str], given: Sequence[str] | None) -> list[str]:
    first = list(dict.fromkeys(given or ()))
    rest = sorted({g for g in found if g not in first}, key=lambda g: (g.casefold(), g))
    return first + rest


def _dimension_cells(
    cases: Sequence[CaseFacts], dimension: str, given: Sequence[str] | None
) -> tuple[list[str], list[Cell], Cell]:
    total = Cell.of(c.cost for c in cases)
    if dimension == FUNDER:
        paying = [c for c in cases if any(a > 0 for a in c.annual_cost_by_funder.values())]
        total = Cell(len(paying), tuple(c.cost for c in paying))
        by: dict[str, list[Decimal]] = {}
        for case in paying:
            for funder, amount in case.annual_cost_by_funder.items():
                if amount > 0:
                    by.setdefault(funder, []).append(amount)
    else:
        by = {}
        for case in cases:
            by.setdefault(case.group(dimension), []).append(case.cost)
    names = _ordered(by, given)
    return names, [Cell.of(by.get(name, ())) for name in names], total


def aggregate_rows(
    cases: Iterable[CaseFacts],
    financial_year: str,
    threshold: int = DEFAULT_THRESHOLD,
    groups: Mapping[str, Sequence[str]] | None = None,
    include_unconfirmed: bool = False,
) -> list[tuple[str, str, str, Count, Money]]:
    """The aggregates export: rows of :data:`AGGREGATE_HEADER` for each dimension in
    :data:`DIMENSIONS` order, each dimension's groups (those named in ``groups[dimension]`` first,
    in that order, so that groups with no cases show as 0; then the others alphabetically) and a
    ``Total`` row; suppressed values are ``c``. ``cases`` are the facts for ``financial_year``;
    cases not yet confirmed are left out unless ``include_unconfirmed`` (see :class:`CaseFacts`)."""
    check_threshold(threshold)
    year = _year_text(financial_year)
    facts = [c for c in merge_cases(cases) if include_unconfirmed or c.confirmed]
    rows: list[tuple[str, str, str, Count, Money]] = []
    for dimension in DIMENSIONS:
        names, cells, total = _dimension_cells(facts, dimension, (groups or {}).get(dimension))
        shown, shown_total = protect_one_way(cells, total, threshold)
        for name, cell in zip(names, shown, strict=True):
            rows.append((year, dimension, name, cell.count, cell.cost))
        rows.append((year, dimension, TOTAL, shown_total.count, shown_total.cost))
    return rows


def commitment_rows(
    cases: Iterable[CaseFacts],
    financial_year: str,
    threshold: int = DEFAULT_THRESHOLD,
    funders: Sequence[str] | None = None,
) -> list[tuple[str, str, Count, Money]]:
    """The commitments export: rows of :data:`COMMITMENT_HEADER`, one per funder (``funders`` first,
    in that order, then the others alphabetically) and a ``Total`` row counting each package once,
    from confirmed cases only, under the same suppression."""
    check_threshold(threshold)
    year = _year_text(financial_year)
    facts = [c for c in merge_cases(cases) if c.confirmed]
    names, cells, total = _dimension_cells(facts, FUNDER, funders)
    shown, shown_total = protect_one_way(cells, total, threshold)
    rows: list[tuple[str, str, Count, Money]] = [
        (year, name, cell.count, cell.cost) for name, cell in zip(names, shown, strict=True)
    ]
    rows.append((year, TOTAL, shown_total.count, shown_total.cost))
    return rows


def csv_value(value: object) -> str:
    """How a value is written in a CSV export: ``c``, a whole number, or pounds to two places."""
    if isinstance(value, Decimal):
        return f"{value.quantize(PENNY)}"
    return str(value)
