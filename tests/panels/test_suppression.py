"""Small-number suppression: hand-worked tables (the working is in the comments), the boundaries
(7 and 8, exactly half, threshold 10), and a check by exact linear algebra that no hidden figure of a
published table can be worked out from the figures shown."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointly.panels import suppression as s
from jointly.panels.suppression import CaseFacts, Cell, Shown, SuppressionError

c = s.SUPPRESSED
FY = "2025/26"


def packages(n: int, each: str = "100") -> list[D]:
    return [D(each)] * n


def counts_of(shown: list[Shown]) -> list[object]:
    return [x.count for x in shown]


def costs_of(shown: list[Shown]) -> list[object]:
    return [x.cost for x in shown]


# --- exact solvability, for checking tables -----------------------------------------------------------


def _reduced(rows: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form and its pivot columns (exact, over fractions)."""
    m = [r[:] for r in rows]
    pivots: list[int] = []
    cols = len(m[0]) if m else 0
    for col in range(cols):
        at = len(pivots)
        pivot = next((i for i in range(at, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[at], m[pivot] = m[pivot], m[at]
        m[at] = [a / m[at][col] for a in m[at]]
        for i in range(len(m)):
            if i != at and m[i][col] != 0:
                f = m[i][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[at], strict=True)]
        pivots.append(col)
    return m, pivots


def solvable_cells(hidden: list[list[bool]]) -> set[tuple[int, int]]:
    """Hidden cells of a two-way table (last row and column the totals) that the margins pin down
    exactly: x is determined iff its unit vector lies in the row space of the equations."""
    unknowns = [(i, j) for i, row in enumerate(hidden) for j, h in enumerate(row) if h]
    if not unknowns:
        return set()
    index = {cell: k for k, cell in enumerate(unknowns)}
    rows, cols = len(hidden), len(hidden[0])
    equations = []
    for line in [[(i, j) for j in range(cols)] for i in range(rows)] + [
        [(i, j) for i in range(rows)] for j in range(cols)
    ]:
        eq = [Fraction(0)] * len(unknowns)
        for k, cell in enumerate(line):
            if cell in index:
                eq[index[cell]] = Fraction(-1 if k == len(line) - 1 else 1)
        if any(eq):
            equations.append(eq)
    # x_k is determined iff the unit vector e_k is in the row space: in reduced form, k is a pivot
    # column whose row has nothing else in it.
    reduced, pivots = _reduced(equations) if equations else ([], [])
    found = set()
    for row, k in enumerate(pivots):
        if all(v == 0 for n, v in enumerate(reduced[row]) if n != k):
            found.add(unknowns[k])
    return found


def hidden_flags(table: list[list[object]]) -> list[list[bool]]:
    return [[v == c for v in row] for row in table]


def test_the_checker_itself():
    # One hidden interior cell: solved from its row. A 2 x 2 cycle of interior cells: safe. A cell
    # hidden with its row total only: the cell is solved from its column, then the total.
    assert solvable_cells([[True, False, False], [False, False, False], [False, False, False]]) == {(0, 0)}
    cycle = [[True, True, False], [True, True, False], [False, False, False]]
    assert solvable_cells(cycle) == set()
    pair = [[True, False, True], [False, False, False], [False, False, False]]
    assert solvable_cells(pair) == {(0, 0), (0, 2)}


# --- thresholds and single cells -----------------------------------------------------------------------


def test_threshold_may_be_raised_never_lowered():
    assert s.check_threshold(7) == 7
    assert s.check_threshold(10) == 10
    with pytest.raises(
        SuppressionError, match="cannot be lower than 7 .NHS England's convention.; 6 was asked for"
    ):
        s.check_threshold(6)
    for bad in (True, 7.0, "7"):
        with pytest.raises(SuppressionError, match="whole number"):
            s.check_threshold(bad)
    with pytest.raises(SuppressionError):
        s.is_small(3, threshold=5)
    with pytest.raises(SuppressionError):
        s.protect_one_way([Cell.of(packages(3))], Cell.of(packages(3)), threshold=6)


@pytest.mark.parametrize(
    "count, threshold, small",
    [
        (0, 7, False),
        (1, 7, True),
        (7, 7, True),
        (8, 7, False),
        (8, 10, True),
        (10, 10, True),
        (11, 10, False),
    ],
)
def test_small_counts_are_1_to_the_threshold(count, threshold, small):
    assert s.is_small(count, threshold) is small


def test_a_negative_count_is_refused():
    with pytest.raises(SuppressionError, match="negative"):
        s.is_small(-1)


@pytest.mark.parametrize(
    "amounts, dominated",
    [
        (["5001", "4999"], True),
        (["5000", "5000"], False),  # exactly half is not "most"
        (["5000.01", "4999.99"], True),
        (["9000", *["1000"] * 9], False),  # 9,000 of 18,000: exactly half
        (["9000.01", *["1000"] * 9], True),
        (["100"], True),
        ([], False),
        (["0", "0"], False),
    ],
)
def test_dominance_is_more_than_half(amounts, dominated):
    assert s.is_dominated(D(a) for a in amounts) is dominated


# --- one-way tables -----------------------------------------------------------------------------------


def test_secondary_one_way_hides_the_smallest_non_zero_value():
    # One hidden among 5, 0, 9, 12 (total 26): the 0 is no help, 9 is the smallest shown.
    assert s.secondary_one_way([5, 0, 9, 12], 26, [True, False, False, False], False) == (
        [True, False, True, False],
        False,
    )
    # Ties go to the first.
    assert s.secondary_one_way([5, 9, 9], 23, [True, False, False], False) == ([True, True, False], False)
    # Two hidden already: nothing more.
    assert s.secondary_one_way([5, 6, 9], 20, [True, True, False], False) == ([True, True, False], False)
    # Only the total hidden: the smallest value goes with it.
    assert s.secondary_one_way([10, 20], 30, [False, False], True) == ([True, False], True)
    # Nothing else non-zero: the total.
    assert s.secondary_one_way([5, 0], 5, [True, False], False) == ([True, False], True)
    # Nothing hidden: nothing changes; the inputs are not changed either.
    flags = [False, False]
    assert s.secondary_one_way([10, 20], 30, flags, False) == ([False, False], False)
    assert flags == [False, False]
    with pytest.raises(SuppressionError, match="its own flag"):
        s.secondary_one_way([1, 2], 3, [True], False)


def test_one_small_group_needs_a_second_hidden():
    # 3 | 20 | 12 with a Total of 35: the 3 is hidden, and could be worked out as 35 - 20 - 12, so the
    # smallest other non-zero group (12) is hidden too. Its cost goes with it.
    cells = [Cell.of(packages(3)), Cell.of(packages(20)), Cell.of(packages(12))]
    shown, total = s.protect_one_way(cells, Cell.of(packages(35)))
    assert counts_of(shown) == [c, 20, c]
    assert costs_of(shown) == [c, D("2000.00"), c]
    assert total == Shown(35, D("3500.00"))


def test_exactly_7_is_hidden_and_exactly_8_is_shown():
    shown, total = s.protect_one_way([Cell.of(packages(8)), Cell.of(packages(9))], Cell.of(packages(17)))
    assert counts_of(shown) == [8, 9] and total.count == 17
    shown, total = s.protect_one_way([Cell.of(packages(7)), Cell.of(packages(9))], Cell.of(packages(16)))
    assert counts_of(shown) == [c, c] and total.count == 16
    # Two small groups already protect each other: 7 and 7 beside 20 hide nothing more.
    shown, total = s.protect_one_way(
        [Cell.of(packages(7)), Cell.of(packages(7)), Cell.of(packages(20))], Cell.of(packages(34))
    )
    assert counts_of(shown) == [c, c, 20] and total.count == 34
    # With a threshold of 10, 8 and 9 are hidden.
    shown, total = s.protect_one_way(
        [Cell.of(packages(8)), Cell.of(packages(9)), Cell.of(packages(11))],
        Cell.of(packages(28)),
        threshold=10,
    )
    assert counts_of(shown) == [c, c, 11] and total.count == 28


def test_true_zeros_are_shown_and_never_chosen():
    # 0 | 3 | 0 | 20, Total 23: the 20 is the only other non-zero group.
    cells = [Cell.of([]), Cell.of(packages(3)), Cell.of([]), Cell.of(packages(20))]
    shown, total = s.protect_one_way(cells, Cell.of(packages(23)))
    assert shown == [Shown(0, D("0.00")), Shown(c, c), Shown(0, D("0.00")), Shown(c, c)]
    assert total == Shown(23, D("2300.00"))


def test_a_small_total_is_hidden_like_any_cell():
    # 3 | 2, Total 5: everything hidden.
    shown, total = s.protect_one_way([Cell.of(packages(3)), Cell.of(packages(2))], Cell.of(packages(5)))
    assert counts_of(shown) == [c, c] and total == Shown(c, c)
    # 3 | 0, Total 3: the zero stays.
    shown, total = s.protect_one_way([Cell.of(packages(3)), Cell.of([])], Cell.of(packages(3)))
    assert shown == [Shown(c, c), Shown(0, D("0.00"))] and total == Shown(c, c)
    # Nothing at all: zeros everywhere.
    shown, total = s.protect_one_way([Cell.of([])], Cell.of([]))
    assert shown == [Shown(0, D("0.00"))] and total == Shown(0, D("0.00"))


def test_a_dominated_cost_is_hidden_with_a_second_cost():
    # A: 10 packages, one of 50,000 and nine of 1,000 (59,000: 50,000 is more than half).
    # B: 30 x 1,000 = 30,000. C: 15 x 1,000 = 15,000. Total 55 packages, 104,000: 50,000 is less
    # than half of it, so the Total is shown, and A's cost alone hidden could be worked out:
    # the smallest other cost (C's 15,000) is hidden too. Counts are all shown.
    a = Cell.of([D("50000"), *packages(9, "1000")])
    b = Cell.of(packages(30, "1000"))
    cc = Cell.of(packages(15, "1000"))
    total = Cell.of([*a.amounts, *b.amounts, *cc.amounts])
    shown, shown_total = s.protect_one_way([a, b, cc], total)
    assert shown == [Shown(10, c), Shown(30, D("30000.00")), Shown(15, c)]
    assert shown_total == Shown(55, D("104000.00"))


def test_exactly_half_is_not_dominance_in_a_table():
    a = Cell.of([D("9000"), *packages(9, "1000")])  # 9,000 of 18,000
    b = Cell.of(packages(20, "1000"))
    shown, total = s.protect_one_way([a, b], Cell.of([*a.amounts, *b.amounts]))
    assert shown == [Shown(10, D("18000.00")), Shown(20, D("20000.00"))]
    assert total == Shown(30, D("38000.00"))


def test_a_dominated_total_needs_one_group_cost_hidden_with_it():
    # A: 10 packages, one of 100,000 and nine of 100; B: 10 x 100. Total 20 packages, 102,000:
    # 100,000 is most of A and most of the Total, so both A and the Total are hidden; that is two.
    a = Cell.of([D("100000"), *packages(9)])
    b = Cell.of(packages(10))
    shown, total = s.protect_one_way([a, b], Cell.of([*a.amounts, *b.amounts]))
    assert shown == [Shown(10, c), Shown(10, D("1000.00"))]
    assert total == Shown(20, c)


def test_cost_secondary_prefers_the_smallest_non_zero_cost():
    # A (60,000 + 9 x 1,000 = 69,000) is dominated; B costs nothing this year (0.00 is shown and is
    # no candidate); C 10 x 500 = 5,000; D 10 x 8,000 = 80,000. The Total, 154,000, is not dominated
    # (60,000 is less than half), so C, the smallest non-zero cost, is hidden with A.
    a = Cell.of([D("60000"), *packages(9, "1000")])
    b = Cell.of(packages(10, "0"))
    cc = Cell.of(packages(10, "500"))
    dd = Cell.of(packages(10, "8000"))
    total = Cell.of([x for cell in (a, b, cc, dd) for x in cell.amounts])
    shown, shown_total = s.protect_one_way([a, b, cc, dd], total)
    assert costs_of(shown) == [c, D("0.00"), c, D("80000.00")]
    assert counts_of(shown) == [10, 10, 10, 10]
    assert shown_total == Shown(40, D("154000.00"))


def test_secondary_counts_hide_costs_too():
    # 3 | 9 | 30: 3 hidden, 9 hidden second; both costs hidden, and the cost line then has two.
    shown, total = s.protect_one_way(
        [Cell.of(packages(3)), Cell.of(packages(9)), Cell.of(packages(30))], Cell.of(packages(42))
    )
    assert shown == [Shown(c, c), Shown(c, c), Shown(30, D("3000.00"))]
    assert total == Shown(42, D("4200.00"))


# --- two-way tables ----------------------------------------------------------------------------------


def test_two_way_hand_worked():
    #            c0   c1   c2 | total
    #   r0        3   20   15 |   38      3 is small: row r0 hides the smallest other (15 at r0c2),
    #   r1       10   12   30 |   52      column c0 hides 9 (r2c0, less than 10), then column c2
    #   r2        9   40   11 |   60      has only r0c2 hidden, so hides 11 (r2c2, less than 30).
    #   total    22   72   56 |  150      Every line then has two hidden: a 4-cycle, safe.
    table = s.protect_counts_two_way([[3, 20, 15], [10, 12, 30], [9, 40, 11]])
    assert table == [[c, 20, c, 38], [10, 12, 30, 52], [c, 40, c, 60], [22, 72, 56, 150]]
    assert solvable_cells(hidden_flags(table)) == set()


def test_two_way_without_small_counts_is_unchanged():
    table = s.protect_counts_two_way([[20, 20], [10, 12]])
    assert table == [[20, 20, 40], [10, 12, 22], [30, 32, 62]]


def test_two_way_small_margins_are_hidden():
    #   3  0 |  3     both row totals and both column totals are small; the grand total 8 is not.
    #   0  5 |  5
    #   3  5 |  8
    table = s.protect_counts_two_way([[3, 0], [0, 5]])
    assert table == [[c, 0, c], [0, c, c], [c, c, 8]]
    assert solvable_cells(hidden_flags(table)) == set()


def test_two_way_a_bridge_left_by_the_line_rule_is_closed():
    # Small cells: a 2 x 2 block in rows 0-1 / columns 0-1, another in rows 2-3 / columns 2-3, and
    # r1c2 joining them. Every row and column has two or more hidden, yet r1c2 can be worked out:
    # (rows 0 + 1 hidden) - (columns 0 + 1 hidden) = r1c2. One more cell closes a cycle through it:
    # the smallest candidate across the two blocks is r0c2 (all are 50; the first wins).
    cells = [
        [3, 4, 50, 50, 50],
        [5, 6, 2, 50, 50],
        [50, 50, 3, 4, 50],
        [50, 50, 5, 6, 50],
    ]
    primary = [[0 < v <= 7 for v in row] + [False] for row in cells] + [[False] * 6]
    assert (1, 2) in solvable_cells(primary)  # the line rule alone would leave it exposed
    table = s.protect_counts_two_way(cells)
    assert table[0] == [c, c, c, 50, 50, 157]
    assert [row[2] for row in table] == [c, c, c, c, 60]
    assert sum(v == c for row in table for v in row) == 10
    assert solvable_cells(hidden_flags(table)) == set()


def test_two_way_costs_with_dominance():
    # Each cell lists its packages' costs. r0c0 has one package of 90,000 among ten (99,000): most of
    # it, so its cost is hidden while its count is shown. The same package is most of row 0's total
    # (109,000), of column 0's total (109,000) and of the grand total (129,000): those four hidden
    # costs make a cycle (r0c0, r0 total, grand total, c0 total), so nothing more is needed.
    big = [D("90000"), *packages(9, "1000")]
    ten = packages(10, "1000")
    table = s.protect_two_way([[big, ten], [ten, ten]])
    assert table.counts == [[10, 10, 20], [10, 10, 20], [20, 20, 40]]
    k = D("10000.00")
    assert table.costs == [[c, k, c], [k, k, D("20000.00")], [c, D("20000.00"), c]]
    assert solvable_cells(hidden_flags(table.costs)) == set()


def test_two_way_a_dominated_cell_needs_partners():
    # r0c0: one package of 15,000 among ten (24,000) is dominated; row 0's total (24,000 + 30,000)
    # and the others are not. The line rule hides partners for it, smallest first,
    # until every hidden cost is on a cycle:
    big = [D("15000"), *packages(9, "1000")]
    table = s.protect_two_way(
        [
            [big, packages(10, "3000"), packages(10, "4000")],
            [packages(10, "5000"), packages(10, "6000"), packages(10, "2000")],
        ]
    )
    assert table.counts == [[10, 10, 10, 30], [10, 10, 10, 30], [20, 20, 20, 60]]
    hidden = hidden_flags(table.costs)
    assert hidden[0][0]
    # Row 0: r0c1 (30,000) is smaller than r0c2 (40,000). Column 0: r1c0 (50,000) is the only
    # other cell. Then column 1 has r0c1 alone: r1c1 (60,000). Row 1 then has r1c0 and r1c1.
    assert hidden == [[True, True, False, False], [True, True, False, False], [False, False, False, False]]
    assert solvable_cells(hidden) == set()


def test_two_way_counts_hidden_hide_their_costs():
    table = s.protect_two_way([[packages(3), packages(20)], [packages(30), packages(40)]])
    for count_row, cost_row in zip(table.counts, table.costs, strict=True):
        for count, cost in zip(count_row, cost_row, strict=True):
            if count == c:
                assert cost == c
    assert table.counts[0][0] == c


def test_two_way_refuses_ragged_or_empty_tables():
    with pytest.raises(SuppressionError):
        s.protect_counts_two_way([])
    with pytest.raises(SuppressionError):
        s.protect_counts_two_way([[1, 2], [3]])
    with pytest.raises(SuppressionError):
        s.secondary_two_way([], [])
    with pytest.raises(SuppressionError):
        s.secondary_two_way([[1, 2], [3]], [[False, False], [False]])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.sampled_from([0, 0, 1, 2, 3, 5, 7, 8, 9, 12, 20, 40]), min_size=cols, max_size=cols),
            min_size=1,
            max_size=4,
        )
    )
)
def test_no_hidden_count_of_a_two_way_table_can_be_worked_out(counts):
    table = s.protect_counts_two_way(counts)
    assert solvable_cells(hidden_flags(table)) == set()
    for row, original in zip(table, counts, strict=False):
        for shown, value in zip(row, original, strict=False):
            assert shown == c or shown == value
            if value == 0:
                assert shown == 0  # true zeros are never hidden
            if 1 <= value <= 7:
                assert shown == c


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 3, 7, 8, 9, 15, 30]), min_size=1, max_size=6))
def test_no_hidden_count_of_a_one_way_table_can_be_worked_out(counts):
    shown, total = s.protect_one_way([Cell.of(packages(n)) for n in counts], Cell.of(packages(sum(counts))))
    hidden = [x.count == c for x in shown] + [total.count == c]
    assert sum(hidden) != 1
    assert [x.cost == c for x in shown] + [total.cost == c] == hidden  # equal costs: never dominated alone


# --- the exports --------------------------------------------------------------------------------------


def essex_cases(confirmed_education: bool = True) -> list[CaseFacts]:
    """12 residential (SC 30,000 + ICB 20,000 each, High, Essex), 9 short breaks (SC 5,000, Medium,
    Essex), 3 education placements (DSG 40,000 + SC 10,000, High, Thurrock)."""
    cases = [
        CaseFacts(f"R{i}", "Residential", "High", "Essex", {"SC": D("30000"), "ICB": D("20000")})
        for i in range(12)
    ]
    cases += [CaseFacts(f"S{i}", "Short breaks", "Medium", "Essex", {"SC": D("5000")}) for i in range(9)]
    cases += [
        CaseFacts(
            f"E{i}", "Education placement", "High", "Thurrock", {"DSG": D("40000"), "SC": D("10000")},
            confirmed=confirmed_education,
        )
        for i in range(3)
    ]  # fmt: skip
    return cases


def test_aggregate_rows_hand_worked():
    rows = s.aggregate_rows(essex_cases(), "2025-26", groups={"need_band": ["Low", "Medium", "High"]})
    # Totals: 24 cases; 12 x 50,000 + 9 x 5,000 + 3 x 50,000 = 795,000.
    assert rows == [
        # Education 3 is small; Short breaks (9) is the smallest other group, hidden second.
        (FY, "package_type", "Education placement", c, c),
        (FY, "package_type", "Residential", 12, D("600000.00")),
        (FY, "package_type", "Short breaks", c, c),
        (FY, "package_type", "Total", 24, D("795000.00")),
        # A case counts under every funder that pays: SC pays for all 24. DSG's 3 is small; ICB (12)
        # is hidden second. The Total counts each case once (24, not 3 + 12 + 24 = 39).
        (FY, "funder", "DSG", c, c),
        (FY, "funder", "ICB", c, c),
        (FY, "funder", "SC", 24, D("435000.00")),  # 12 x 30,000 + 9 x 5,000 + 3 x 10,000
        (FY, "funder", "Total", 24, D("795000.00")),
        # Bands named by the panel come first, in its order; Low has no cases: a true zero.
        (FY, "need_band", "Low", 0, D("0.00")),
        (FY, "need_band", "Medium", 9, D("45000.00")),
        (FY, "need_band", "High", 15, D("750000.00")),
        (FY, "need_band", "Total", 24, D("795000.00")),
        # Thurrock's 3 is small, and Essex would be 24 - 3: hidden too.
        (FY, "area", "Essex", c, c),
        (FY, "area", "Thurrock", c, c),
        (FY, "area", "Total", 24, D("795000.00")),
    ]
    assert len(s.AGGREGATE_HEADER) == len(rows[0])


def test_aggregate_rows_with_a_small_total():
    cases = [CaseFacts(f"X{i}", "Fostering", "High", "Derby", {"SC": D("1000")}) for i in range(5)]
    rows = s.aggregate_rows(cases, FY)
    assert all(row[3:] == (c, c) for row in rows)
    assert [row[2] for row in rows] == [
        "Fostering",
        "Total",
        "SC",
        "Total",
        "High",
        "Total",
        "Derby",
        "Total",
    ]


def test_aggregate_rows_dominance_in_the_funder_dimension():
    # 10 cases paid by SC at 1,000 and by ICB: one at 50,000, nine at 1,000 (ICB 59,000: 50,000 is
    # most of it). Total: 10 cases, 10 x 1,000 + 59,000 = 69,000; the biggest case (51,000) is most
    # of it, so the Total's cost is hidden too (as in every dimension, since it is the same total).
    cases = [
        CaseFacts(
            f"X{i}",
            "Residential",
            "High",
            "Derby",
            {"SC": D("1000"), "ICB": D("50000" if i == 0 else "1000")},
        )
        for i in range(10)
    ]
    rows = s.aggregate_rows(cases, FY)
    funder = [row for row in rows if row[1] == "funder"]
    assert funder == [
        (FY, "funder", "ICB", 10, c),
        (FY, "funder", "SC", 10, D("10000.00")),
        (FY, "funder", "Total", 10, c),
    ]
    assert (FY, "package_type", "Total", 10, c) in rows


def test_the_funder_total_is_not_the_sum_of_funders():
    # 20 cases paid by both SC and ICB: each funder row 20, the Total 20.
    cases = [
        CaseFacts(f"X{i}", "Residential", "High", "Derby", {"SC": D("10"), "ICB": D("30")}) for i in range(20)
    ]
    funder = [row for row in s.aggregate_rows(cases, FY) if row[1] == "funder"]
    assert funder == [
        (FY, "funder", "ICB", 20, D("600.00")),
        (FY, "funder", "SC", 20, D("200.00")),
        (FY, "funder", "Total", 20, D("800.00")),
    ]


def test_a_funder_paying_nothing_this_year_is_not_counted():
    cases = [
        CaseFacts(f"X{i}", "Residential", "High", "Derby", {"SC": D("10"), "ICB": D("0")}) for i in range(8)
    ]
    funder = [row for row in s.aggregate_rows(cases, FY) if row[1] == "funder"]
    assert funder == [(FY, "funder", "SC", 8, D("80.00")), (FY, "funder", "Total", 8, D("80.00"))]


def test_blank_bands_and_areas_are_not_recorded_and_threshold_applies():
    cases = [CaseFacts(f"X{i}", "Residential", " ", "", {"SC": D("10")}) for i in range(9)]
    rows = s.aggregate_rows(cases, FY)
    assert (FY, "need_band", "Not recorded", 9, D("90.00")) in rows
    assert (FY, "area", "Not recorded", 9, D("90.00")) in rows
    assert all(row[3] == c for row in s.aggregate_rows(cases, FY, threshold=9))
    assert all(row[3] == 9 for row in s.aggregate_rows(cases, FY, threshold=8))
    with pytest.raises(SuppressionError, match="lower than 7"):
        s.aggregate_rows(cases, FY, threshold=5)


def test_two_rows_for_one_case_count_once():
    cases = [
        CaseFacts("A", "Fostering", "Medium", "Derby", {"SC": D("100")}, confirmed=True),
        CaseFacts("A", "Residential", "High", "Derby", {"SC": D("200"), "ICB": D("50")}, confirmed=False),
    ]
    (merged,) = s.merge_cases(cases)
    assert merged == CaseFacts("A", "Residential", "High", "Derby", {"SC": D("300"), "ICB": D("50")}, False)
    assert merged.cost == D("350.00")
    with pytest.raises(SuppressionError, match="negative .funder SC."):
        s.merge_cases([CaseFacts("A", "Fostering", "Medium", "Derby", {"SC": D("-1")})])


def test_the_financial_year_is_read_and_written_canonically():
    assert s.aggregate_rows([], "FY25/26")[0][0] == "2025/26"
    with pytest.raises(SuppressionError):
        s.aggregate_rows([], "2025/27")
    with pytest.raises(SuppressionError):
        s.commitment_rows([], "soon")
    # No cases: each dimension is just its Total of 0.
    assert s.aggregate_rows([], FY) == [(FY, dim, "Total", 0, D("0.00")) for dim in s.DIMENSIONS]


def test_commitment_rows_count_only_confirmed_packages():
    # With the three education placements only agreed in principle, they commit nothing: DSG is
    # named by the caller so it shows as a true 0; ICB 12 (240,000), SC 21 (360,000 + 45,000).
    rows = s.commitment_rows(essex_cases(confirmed_education=False), FY, funders=["DSG", "ICB", "SC"])
    assert rows == [
        (FY, "DSG", 0, D("0.00")),
        (FY, "ICB", 12, D("240000.00")),
        (FY, "SC", 21, D("405000.00")),
        (FY, "Total", 21, D("645000.00")),
    ]
    assert len(s.COMMITMENT_HEADER) == len(rows[0])


def test_unconfirmed_cases_are_left_out_of_the_aggregates_too():
    # Otherwise aggregates (24 under SC, 435,000) minus commitments (21, 405,000) would give the three
    # unconfirmed education placements exactly: 3 cases, 30,000.
    cases = essex_cases(confirmed_education=False)
    funder = [row[2:] for row in s.aggregate_rows(cases, FY) if row[1] == "funder"]
    assert funder == [row[1:] for row in s.commitment_rows(cases, FY)]
    assert funder == [("ICB", 12, D("240000.00")), ("SC", 21, D("405000.00")), ("Total", 21, D("645000.00"))]
    everything = s.aggregate_rows(cases, FY, include_unconfirmed=True)
    assert (FY, "funder", "Total", 24, D("795000.00")) in everything


def test_commitment_rows_suppress_like_the_aggregates():
    rows = s.commitment_rows(essex_cases(), FY)
    assert rows == [
        (FY, "DSG", c, c),
        (FY, "ICB", c, c),
        (FY, "SC", 24, D("435000.00")),
        (FY, "Total", 24, D("795000.00")),
    ]
    rows = s.commitment_rows(essex_cases(), FY, threshold=12)
    assert rows[:2] == [(FY, "DSG", c, c), (FY, "ICB", c, c)]


def test_csv_values():
    assert s.csv_value(D("12")) == "12.00"
    assert s.csv_value(c) == "c"
    assert s.csv_value(7) == "7"


# --- from package versions to the facts of a year ------------------------------------------------------


def test_case_facts_for_year_from_package_versions():
    from datetime import date

    from jointly.panels.money import Cost

    # Case A: 700 a week, ICB 350 / SC 350, from 1 Jan 2025; changed at review on 1 Oct 2025 to
    # 1,400 a week, ICB 700 / SC 500 / DSG 200, until 31 Mar 2027.
    # 2025/26: 1 Apr - 30 Sep (183 days) at 700: 18,300 (9,150 each);
    #          1 Oct - 31 Mar (182 days) at 1,400: 36,400 (ICB 18,200, SC 13,000, DSG 5,200).
    # Case B: ended 31 March 2025 (outside the year). Case C: only agreed in principle.
    versions = [
        s.PackageFacts("A", "Residential", "High", "Essex", Cost(D("700")), date(2025, 1, 1), date(2025, 9, 30),
                       {"ICB": D("350"), "SC": D("350")}),
        s.PackageFacts("A", "Residential", "High", "Essex", Cost(D("1400")), date(2025, 10, 1), date(2027, 3, 31),
                       {"ICB": D("700"), "SC": D("500"), "DSG": D("200")}),
        s.PackageFacts("B", "Fostering", "Medium", "Essex", Cost(D("700")), date(2024, 4, 1), date(2025, 3, 31),
                       {"SC": D("700")}),
        s.PackageFacts("C", "Short breaks", "Low", "Harlow", Cost(D("36500"), "per_year"), date(2025, 4, 1),
                       date(2025, 4, 10), {"SC": D("36500")}, confirmed=False),
    ]  # fmt: skip
    facts = s.case_facts_for_year(versions, "2025/26")
    assert facts == [
        CaseFacts(
            "A",
            "Residential",
            "High",
            "Essex",
            {"ICB": D("27350.00"), "SC": D("22150.00"), "DSG": D("5200.00")},
        ),
        CaseFacts(
            "C", "Short breaks", "Low", "Harlow", {"SC": D("1000.00")}, confirmed=False
        ),  # 10 of 365 days
    ]
    assert facts[0].cost == D("54700.00")
    assert s.case_facts_for_year(versions, "2027/28") == []
    with pytest.raises(SuppressionError):
        s.case_facts_for_year(versions, "2025")


# --- properties of the exports ---------------------------------------------------------------------------

case_strategy = st.builds(
    lambda ref, kind, band, area, funders, confirmed: CaseFacts(
        f"R{ref}", kind, band, area, {f: D(a) for f, a in funders.items()}, confirmed
    ),
    st.integers(0, 60),
    st.sampled_from(["Residential", "Fostering", "Short breaks"]),
    st.sampled_from(["High", "Medium", ""]),
    st.sampled_from(["Essex", "Thurrock", "Southend"]),
    st.dictionaries(
        st.sampled_from(["SC", "ICB", "DSG"]), st.sampled_from(["0", "10", "500", "90000"]), max_size=3
    ),
    st.booleans(),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(case_strategy, max_size=60), st.sampled_from([7, 8, 10]))
def test_every_export_line_is_protected(cases, threshold):
    rows = s.aggregate_rows(cases, FY, threshold)
    counted = {c.reference for c in s.merge_cases(cases) if c.confirmed}
    for dimension in s.DIMENSIONS:
        lines = [row for row in rows if row[1] == dimension]
        assert lines[-1][2] == "Total"
        for column in (3, 4):
            assert sum(row[column] == c for row in lines) != 1, (dimension, lines)
        for row in lines:
            if row[3] == c:
                assert row[4] == c
            elif row[3] == 0:
                assert row[4] == D("0.00")
            else:
                assert row[3] > threshold
        if dimension != "funder" and lines[-1][3] != c:
            assert lines[-1][3] == len(counted)
    commitments = s.commitment_rows(cases, FY, threshold)
    for column in (2, 3):
        assert sum(row[column] == c for row in commitments) != 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(
            st.lists(st.sampled_from(["100", "100", "400", "5000"]), max_size=12), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=3,
    )
)
def test_no_hidden_cost_of_a_two_way_table_can_be_worked_out(cells):
    table = s.protect_two_way([[[D(a) for a in cell] for cell in row] for row in cells])
    assert solvable_cells(hidden_flags(table.costs)) == set()
    assert solvable_cells(hidden_flags(table.counts)) == set()
    for count_row, cost_row in zip(table.counts, table.costs, strict=True):
        for count, cost in zip(count_row, cost_row, strict=True):
            assert cost == c or count != c


def test_shown_flags():
    assert Shown(c, c).count_suppressed and Shown(c, c).cost_suppressed
    assert not Shown(8, D("1.00")).count_suppressed and not Shown(8, D("1.00")).cost_suppressed
    assert Shown(8, c).cost_suppressed and not Shown(8, c).count_suppressed


def test_groups_are_ordered_as_named_then_alphabetically_ignoring_case():
    cases = [
        CaseFacts(f"X{i}", kind, "High", "Derby", {"SC": D("10")})
        for i, kind in enumerate(["beta", "Alpha", "gamma"] * 8)
    ]
    names = [
        row[2]
        for row in s.aggregate_rows(cases, FY, groups={"package_type": ["gamma", "gamma"]})
        if row[1] == "package_type"
    ]
    assert names == ["gamma", "Alpha", "beta", "Total"]


def test_a_version_with_one_day_in_the_year_counts():
    from datetime import date

    from jointly.panels.money import Cost

    one_day = s.PackageFacts(
        "A",
        "Residential",
        "High",
        "Essex",
        Cost(D("700")),
        date(2025, 3, 1),
        date(2025, 4, 1),
        {"SC": D("1")},
    )
    assert s.case_facts_for_year([one_day], "2025/26") == [
        CaseFacts("A", "Residential", "High", "Essex", {"SC": D("100.00")})
    ]
    starts_after = s.PackageFacts(
        "B",
        "Residential",
        "High",
        "Essex",
        Cost(D("700")),
        date(2026, 3, 31),
        date(2026, 5, 1),
        {"SC": D("1")},
    )
    assert s.case_facts_for_year([starts_after], "2025/26") == [
        CaseFacts("B", "Residential", "High", "Essex", {"SC": D("100.00")})
    ]
