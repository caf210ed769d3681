"""The shared return validation (plain functions on plain data)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from jointly.core import imports
from jointly.performance import returns as rules

SPECS = {
    "PCT": rules.KpiSpec("PCT", rules.MONTHLY, rules.PERCENTAGE, dt.date(2022, 1, 1), dt.date(2023, 12, 31)),
    "CNT": rules.KpiSpec("CNT", rules.QUARTERLY, rules.COUNT, dt.date(2022, 1, 1), None),
    "AVG": rules.KpiSpec("AVG", rules.ANNUAL, rules.RATIO, None, None),
}


def row(**kw):
    return {"kpi": "PCT", "period": "2022-03", "numerator": "9", "denominator": "10", "reason": "", **kw}


def test_validate_returns_accepts_good_rows_and_computes_values():
    clean, problems = rules.validate_returns(
        [
            row(),
            {"kpi": "cnt", "period": "2022/23-q1", "numerator": 40},
            {"kpi": "AVG", "period": "2022/23", "numerator": "1,500", "denominator": 100},
        ],
        SPECS,
    )
    assert problems == []
    assert [c.value for c in clean] == [90.0, 40.0, 15.0]
    assert clean[1].period.label == "2022/23 Q1" and clean[1].denominator is None
    assert clean[0].period.start == dt.date(2022, 3, 1) and clean[0].period.end == dt.date(2022, 3, 31)


def test_validate_returns_reports_every_bad_case_by_row_and_column():
    rows = [
        row(kpi="NOPE"),  # unknown KPI
        row(period="2021-12"),  # before the contract
        row(period="2024-01"),  # after the contract
        row(period="Marhc 2022"),  # not a period
        row(numerator="lots"),  # non-numeric
        row(denominator="ten"),
        row(numerator="11", denominator="10"),  # numerator above denominator
        row(numerator="-1"),  # negative
        {"kpi": "CNT", "period": "2021/22 Q4", "numerator": "-3"},
        row(period="2022-04"),
        row(period="2022-04"),  # duplicate of the row before
        row(denominator="0"),
        row(denominator=""),
        {
            "kpi": "CNT",
            "period": "2022/23 Q2",
            "numerator": "3",
            "denominator": "4",
        },  # count with denominator
        row(period="2022-05", numerator=""),
    ]
    months = iter(range(1, 13))
    for r in rows:  # distinct months, except where a row tests its period
        if r["kpi"] == "PCT" and r["period"] == "2022-03":
            r["period"] = f"2023-{next(months):02d}"
    clean, problems = rules.validate_returns(rows, SPECS)
    found = {(p.row, p.column) for p in problems}
    assert found == {
        (2, "kpi"), (3, "period"), (4, "period"), (5, "period"), (6, "numerator"), (7, "denominator"),
        (8, "numerator"), (9, "numerator"), (10, "numerator"), (12, "period"), (13, "denominator"),
        (14, "denominator"), (15, "denominator"), (16, "numerator"),
    }  # fmt: skip
    messages = {(p.row, p.column): p.message for p in problems}
    assert "not a KPI" in messages[(2, "kpi")]
    assert "outside the contract" in messages[(3, "period")]
    assert "above the denominator" in messages[(8, "numerator")]
    assert "negative" in messages[(9, "numerator")]
    assert "duplicate: row 11" in messages[(12, "period")]
    assert [c.row for c in clean] == [11]  # only the first of the duplicates is clean


def test_validate_returns_needs_a_reason_to_revise_and_refuses_unended_periods():
    clean, problems = rules.validate_returns(
        [row(), row(period="2022-04", reason="corrected count"), row(period="2022-06")],
        SPECS,
        existing={("PCT", "2022-03"), ("PCT", "2022-04")},
        today=dt.date(2022, 6, 15),
    )
    assert [(p.row, p.column) for p in problems] == [(2, "reason"), (4, "period")]
    assert "has not ended" in problems[1].message
    assert clean[0].is_revision and clean[0].reason == "corrected count"


def test_read_table_csv_and_xlsx_give_the_same_rows_with_sheet_row_numbers():
    csv_bytes = (
        "\ufeffkpi,period,numerator,denominator,reason\nPCT,2022-03,9,10,\n,,,,\nPCT,2022-04,x,10,\n".encode()
    )
    rows, problems = rules.read_table(csv_bytes, "r.csv")
    assert problems == [] and [r["_row"] for r in rows] == [2, 4]
    clean, problems = rules.validate_table(rows, SPECS)
    assert [(p.row, p.column) for p in problems] == [(4, "numerator")]

    wb = Workbook()
    ws = wb.active
    ws.append(["kpi", "period", "numerator", "denominator"])
    ws.append(["PCT", "2022-03", 9, 10])
    ws.append(["PCT", "2022-03", 8, 10])
    buf = io.BytesIO()
    wb.save(buf)
    rows, problems = rules.read_table(buf.getvalue(), "r.xlsx")
    clean, problems = rules.validate_table(rows, SPECS)
    assert [(p.row, p.column) for p in problems] == [(3, "period")]
    assert "row 2" in problems[0].message


def test_read_table_file_level_problems():
    assert rules.read_table(b"a,b\n1,2\n", "r.csv")[1][0].message == "missing required column"
    assert "unknown column" in rules.read_table(b"kpi,period,numerator,colour\n", "r.csv")[1][-1].message
    assert "not UTF-8" in rules.read_table("kpi\n\xe9".encode("latin-1"), "r.csv")[1][0].message
    assert "readable .xlsx" in rules.read_table(b"not a zip", "r.xlsx")[1][0].message
    assert ".csv or .xlsx" in rules.read_table(b"", "r.pdf")[1][0].message
    assert "no data rows" in rules.read_table(b"kpi,period,numerator\n", "r.csv")[1][0].message


def test_periods_between_and_due_dates():
    periods = rules.periods_between(dt.date(2022, 1, 15), dt.date(2022, 7, 31), rules.QUARTERLY)
    assert [p.label for p in periods] == ["2022/23 Q1"]  # Q1 starts before, Q3 ends after
    assert rules.due_date(rules.parse_period("2022-02", rules.MONTHLY), 15) == dt.date(2022, 3, 15)
    assert rules.next_period(rules.parse_period("2022-12", rules.MONTHLY)).label == "2023-01"


def test_months_stay_calendar_but_roll_up_into_financial_quarters_and_years():
    assert rules.period_of(dt.date(2024, 1, 15), rules.MONTHLY).label == "2024-01"
    assert rules.period_of(dt.date(2024, 1, 15), rules.QUARTERLY).label == "2023/24 Q4"
    assert rules.period_of(dt.date(2024, 3, 31), rules.ANNUAL).label == "2023/24"
    assert rules.period_of(dt.date(2024, 4, 1), rules.ANNUAL).label == "2024/25"
    year = rules.parse_period("2023/24", rules.ANNUAL)
    assert (year.start, year.end) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))
    assert rules.next_period(rules.parse_period("2023/24 Q4", rules.QUARTERLY)).label == "2024/25 Q1"
    with pytest.raises(ValueError, match=r"write 2023/24 Q4"):
        rules.parse_period("2024-Q1", rules.QUARTERLY)
    with pytest.raises(ValueError, match="financial year"):
        rules.parse_period("2024", rules.ANNUAL)


# --- Every boundary and message pinned (issue 18) -------------------------------------------------

EDGE_SPECS = {
    "PCT": rules.KpiSpec("PCT", rules.MONTHLY, rules.PERCENTAGE, dt.date(2022, 1, 1), dt.date(2023, 12, 31)),
    "CNT": rules.KpiSpec("CNT", rules.QUARTERLY, rules.COUNT, dt.date(2022, 4, 1), None),
    "AVG": rules.KpiSpec("AVG", rules.ANNUAL, rules.RATIO, None, dt.date(2024, 3, 31)),
}


def only(rows, **kw):
    """Validate ``rows`` against EDGE_SPECS; return (clean, [(row, column, message), ...])."""
    clean, problems = rules.validate_returns(rows, EDGE_SPECS, **kw)
    return clean, [(p.row, p.column, p.message) for p in problems]


def test_a_kpi_spec_defaults_to_a_monthly_percentage_open_at_both_ends():
    spec = rules.KpiSpec("X")
    assert (spec.frequency, spec.measure, spec.valid_from, spec.valid_to) == (
        rules.MONTHLY,
        rules.PERCENTAGE,
        None,
        None,
    )
    assert spec.needs_denominator
    assert rules.KpiSpec("X", measure=rules.RATIO).needs_denominator
    assert not rules.KpiSpec("X", measure=rules.COUNT).needs_denominator


def test_problem_wording_by_row_and_column():
    assert str(rules.Problem(3, "kpi", "enter the KPI code")) == "row 3, column kpi: enter the KPI code"
    assert str(rules.Problem(0, "", "the file has no data rows")) == "file: the file has no data rows"
    assert str(rules.Problem(0, "kpi", "missing")) == "file, column kpi: missing"
    assert str(rules.Problem(4, "", "odd")) == "row 4: odd"
    error = rules.ReturnsInvalid([rules.Problem(2, "kpi", "a"), rules.Problem(3, "period", "b")])
    assert str(error) == "row 2, column kpi: a; row 3, column period: b"
    assert [p.row for p in error.problems] == [2, 3]


def test_parse_period_messages_whole():
    with pytest.raises(ValueError, match=r"^unknown frequency 'weekly'$"):
        rules.parse_period("2024-03", "weekly")
    with pytest.raises(ValueError, match=r"^'' is not a monthly period \(YYYY-MM, e.g\. 2024-03\)$"):
        rules.parse_period(None, rules.MONTHLY)
    with pytest.raises(
        ValueError,
        match=r"^'2024-Q1' is not a quarterly period \(a financial quarter, e\.g\. 2023/24 Q4\); "
        r"as a financial quarter write 2023/24 Q4$",
    ):
        rules.parse_period(" 2024-Q1 ", rules.QUARTERLY)
    with pytest.raises(
        ValueError, match=r"^'x' is not a quarterly period \(a financial quarter, e\.g\. 2023/24 Q4\)$"
    ):
        rules.parse_period("x", rules.QUARTERLY)
    with pytest.raises(
        ValueError, match=r"^'2024' is not an annual period \(a financial year, e\.g\. 2023/24\)$"
    ):
        rules.parse_period("2024", rules.ANNUAL)
    # a monthly period is never told to write a financial quarter
    with pytest.raises(ValueError, match=r"^'2024-Q1' is not a monthly period \(YYYY-MM, e\.g\. 2024-03\)$"):
        rules.parse_period("2024-Q1", rules.MONTHLY)
    p = rules.parse_period(" 2024-03 ", rules.MONTHLY)
    assert p == rules.Period("2024-03", dt.date(2024, 3, 1), dt.date(2024, 3, 31), rules.MONTHLY)


@pytest.mark.parametrize(
    ("day", "frequency", "expected"),
    [
        (dt.date(2024, 4, 1), rules.QUARTERLY, ("2024/25 Q1", dt.date(2024, 4, 1), dt.date(2024, 6, 30))),
        (dt.date(2024, 6, 30), rules.QUARTERLY, ("2024/25 Q1", dt.date(2024, 4, 1), dt.date(2024, 6, 30))),
        (dt.date(2024, 7, 1), rules.QUARTERLY, ("2024/25 Q2", dt.date(2024, 7, 1), dt.date(2024, 9, 30))),
        (dt.date(2024, 12, 31), rules.QUARTERLY, ("2024/25 Q3", dt.date(2024, 10, 1), dt.date(2024, 12, 31))),
        (dt.date(2025, 3, 31), rules.QUARTERLY, ("2024/25 Q4", dt.date(2025, 1, 1), dt.date(2025, 3, 31))),
        (dt.date(2024, 4, 1), rules.ANNUAL, ("2024/25", dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
        (dt.date(2025, 3, 31), rules.ANNUAL, ("2024/25", dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
        (dt.date(2024, 2, 29), rules.MONTHLY, ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ],
)
def test_period_of_quarterly_and_annual_periods_are_financial(day, frequency, expected):
    p = rules.period_of(day, frequency)
    assert (p.label, p.start, p.end) == expected
    assert p.frequency == frequency


def test_period_of_an_unknown_frequency_is_refused():
    with pytest.raises(ValueError, match=r"^unknown frequency 'weekly'$"):
        rules.period_of(dt.date(2024, 1, 1), "weekly")


def test_next_period_keeps_the_frequency():
    q = rules.next_period(rules.period_of(dt.date(2024, 6, 30), rules.QUARTERLY))
    assert (q.label, q.frequency) == ("2024/25 Q2", rules.QUARTERLY)
    y = rules.next_period(rules.period_of(dt.date(2024, 6, 30), rules.ANNUAL))
    assert (y.label, y.frequency) == ("2025/26", rules.ANNUAL)


def test_periods_between_includes_periods_starting_and_ending_on_the_bounds():
    labels = [
        p.label for p in rules.periods_between(dt.date(2024, 4, 1), dt.date(2024, 9, 30), rules.QUARTERLY)
    ]
    assert labels == ["2024/25 Q1", "2024/25 Q2"]
    # a day short at either end loses that period
    labels = [
        p.label for p in rules.periods_between(dt.date(2024, 4, 2), dt.date(2024, 9, 29), rules.QUARTERLY)
    ]
    assert labels == []
    assert [
        p.label for p in rules.periods_between(dt.date(2024, 3, 1), dt.date(2024, 3, 31), rules.MONTHLY)
    ] == ["2024-03"]
    assert rules.periods_between(dt.date(2024, 3, 1), dt.date(2024, 3, 30), rules.MONTHLY) == []


def test_offered_periods_ended_by_the_date_inside_any_span_once_each_in_order():
    spans = [
        (dt.date(2024, 2, 1), None),  # open-ended: up to the as-at date
        (None, dt.date(2024, 12, 31)),  # no start: offers nothing
        (dt.date(2024, 1, 1), dt.date(2024, 2, 29)),  # ends before the as-at date
    ]
    offered = rules.offered_periods(spans, rules.MONTHLY, dt.date(2024, 4, 30))
    assert [p.label for p in offered] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    # April has ended only on its last day
    offered = rules.offered_periods(spans, rules.MONTHLY, dt.date(2024, 4, 29))
    assert [p.label for p in offered] == ["2024-01", "2024-02", "2024-03"]
    assert rules.offered_periods([(None, None)], rules.MONTHLY, dt.date(2024, 4, 29)) == []


def test_first_to_return():
    offered = rules.periods_between(dt.date(2024, 1, 1), dt.date(2024, 3, 31), rules.MONTHLY)
    assert rules.first_to_return(offered, {"2024-01"}).label == "2024-02"
    assert rules.first_to_return(offered, set()).label == "2024-01"
    assert rules.first_to_return(offered, {"2024-01", "2024-02", "2024-03"}).label == "2024-03"
    assert rules.first_to_return([], set()) is None


def test_due_date_counts_days_after_the_period_end():
    p = rules.parse_period("2023/24 Q4", rules.QUARTERLY)
    assert rules.due_date(p, 0) == dt.date(2024, 3, 31)
    assert rules.due_date(p, 1) == dt.date(2024, 4, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        (float("nan"), None),
        (0, Decimal("0")),
        (7, Decimal("7")),
        (Decimal("2.5"), Decimal("2.5")),
        (0.1, Decimal("0.1")),  # the float as written, not its binary expansion
        (" 1,500.25 ", Decimal("1500.25")),
        ("-3", Decimal("-3")),
    ],
)
def test_number_cells(cell, expected):
    assert rules._number(cell) == expected
    if expected is not None:
        assert type(rules._number(cell)) is Decimal


@pytest.mark.parametrize(
    "cell", [True, False, float("inf"), float("-inf"), "lots", "NaN", "Infinity", "-Infinity", "sNaN"]
)
def test_number_cells_refused(cell):
    with pytest.raises(ValueError):
        rules._number(cell)


def test_compute_value_rounds_to_six_places():
    assert rules.compute_value(rules.COUNT, Decimal("7"), None) == 7.0
    assert rules.compute_value(rules.COUNT, Decimal("7"), Decimal("2")) == 7.0
    assert rules.compute_value(rules.PERCENTAGE, Decimal("3"), None) == 3.0
    assert rules.compute_value(rules.PERCENTAGE, Decimal("1"), Decimal("3")) == 33.333333
    assert rules.compute_value(rules.RATIO, Decimal("2"), Decimal("3")) == 0.666667
    assert rules.compute_value(rules.PERCENTAGE, Decimal("2"), Decimal("3")) == 66.666667


def test_a_return_for_a_period_ending_today_is_refused_and_yesterday_accepted():
    clean, problems = only([row(period="2022-05")], today=dt.date(2022, 5, 31))
    assert problems == [(2, "period", "2022-05 has not ended yet")] and clean == []
    clean, problems = only([row(period="2022-05")], today=dt.date(2022, 6, 1))
    assert problems == [] and [c.period.label for c in clean] == ["2022-05"]


def test_the_kpi_first_and_last_valid_periods_are_accepted_and_the_next_refused():
    clean, problems = only([row(period="2022-01"), row(period="2023-12")])
    assert problems == [] and [c.period.label for c in clean] == ["2022-01", "2023-12"]
    clean, problems = only([row(period="2021-12"), row(period="2024-01")])
    assert problems == [
        (2, "period", "2021-12 is outside the contract and KPI dates (2022-01-01 to 2023-12-31)"),
        (3, "period", "2024-01 is outside the contract and KPI dates (2022-01-01 to 2023-12-31)"),
    ]
    # open ends are named as open
    _, problems = only(
        [
            {"kpi": "CNT", "period": "2021/22 Q4", "numerator": "1"},
            {"kpi": "AVG", "period": "2024/25", "numerator": "1", "denominator": "2"},
        ]
    )
    assert problems == [
        (2, "period", "2021/22 Q4 is outside the contract and KPI dates (2022-04-01 to open)"),
        (3, "period", "2024/25 is outside the contract and KPI dates (open to 2024-03-31)"),
    ]
    clean, problems = only(
        [
            {"kpi": "CNT", "period": "2022/23 Q1", "numerator": "1"},
            {"kpi": "AVG", "period": "2023/24", "numerator": "1", "denominator": "2"},
        ]
    )
    assert problems == [] and [c.value for c in clean] == [1.0, 0.5]


def test_a_period_outside_the_dates_is_not_also_called_unended():
    _, problems = only([row(period="2024-01")], today=dt.date(2024, 1, 15))
    assert problems == [
        (2, "period", "2024-01 is outside the contract and KPI dates (2022-01-01 to 2023-12-31)")
    ]


def test_numerator_zero_and_one_hundred_percent_are_accepted():
    clean, problems = only(
        [row(numerator="0", denominator="10"), row(period="2022-04", numerator="10", denominator="10")]
    )
    assert problems == []
    assert [c.value for c in clean] == [0.0, 100.0]
    assert clean[0].numerator == Decimal("0") and clean[1].denominator == Decimal("10")
    # just over the denominator is refused; a ratio may exceed it
    _, problems = only([row(numerator="10.01", denominator="10")])
    assert problems == [(2, "numerator", "10.01 is above the denominator 10 for a proportion")]
    clean, problems = only([{"kpi": "AVG", "period": "2022/23", "numerator": "150", "denominator": "100"}])
    assert problems == [] and clean[0].value == 1.5 and clean[0].denominator == Decimal("100")


def test_every_row_message_whole():
    rows = [
        {"kpi": None, "period": "2022-03", "numerator": "1", "denominator": "2"},
        {"kpi": "  ", "period": None, "numerator": None},
        row(kpi="NOPE", period="  "),
        row(period="2022-05", numerator="lots", denominator="ten"),
        row(period="2022-06", numerator="-1", denominator="-2"),
        row(period="2022-07", numerator="", denominator=""),
        row(period="2022-08", denominator="0"),
        {"kpi": "CNT", "period": "2022/23 Q2", "numerator": "3", "denominator": "4"},
        row(period="2022-04"),
        row(period="2022-04"),
    ]
    _, problems = only(rows)
    assert problems == [
        (2, "kpi", "enter the KPI code"),
        (3, "kpi", "enter the KPI code"),
        (3, "period", "enter the period"),
        (3, "numerator", "enter the numerator"),
        (4, "kpi", "'NOPE' is not a KPI you can return here"),
        (4, "period", "enter the period"),
        (5, "numerator", "'lots' is not a number"),
        (5, "denominator", "'ten' is not a number"),
        (6, "numerator", "-1 is negative; counts cannot be"),
        (6, "denominator", "-2 is negative; counts cannot be"),
        (7, "numerator", "enter the numerator"),
        (7, "denominator", "enter the denominator"),
        (8, "denominator", "the denominator cannot be 0"),
        (9, "denominator", "leave empty: this KPI is a count"),
        (11, "period", "duplicate: row 10 already has PCT for 2022-04"),
    ]
    _, raw = rules.validate_returns(rows, EDGE_SPECS)
    assert raw[-1].kind == imports.DUPLICATE
    assert {p.kind for p in raw[:-1]} == {imports.INVALID}


def test_problems_of_a_row_come_in_column_order():
    _, problems = only(
        [{"kpi": "PCT", "period": "2022-03", "numerator": "x", "denominator": "", "reason": ""}],
        existing={("PCT", "2022-03")},
    )
    assert problems == [
        (2, "numerator", "'x' is not a number"),
        (2, "reason", "PCT 2022-03 was already returned: give a reason"),
    ]


def test_kpi_codes_match_whatever_their_case_and_spaces_and_keep_the_spec_code():
    kpis = {" Pct ": EDGE_SPECS["PCT"]}
    clean, problems = rules.validate_returns([row(kpi="  pCT ")], kpis, first_row=1)
    assert problems == [] and clean[0].kpi == "PCT" and clean[0].row == 1


def test_revisions_need_a_reason_that_is_not_blank():
    existing = {("PCT", "2022-03")}
    clean, problems = only([row(reason="   ")], existing=existing)
    assert problems == [(2, "reason", "PCT 2022-03 was already returned: give a reason")]
    clean, problems = only([row(reason=" typo ")], existing=existing)
    assert problems == [] and clean[0].is_revision and clean[0].reason == "typo"
    clean, problems = only([row(period="2022-04", reason="early")], existing=existing)
    assert problems == [] and not clean[0].is_revision and clean[0].reason == "early"
    clean, problems = only([row(reason=None)])
    assert problems == [] and clean[0].reason == "" and not clean[0].is_revision


def test_a_clean_return_carries_everything():
    clean, _ = only([row(numerator="1", denominator="4")])
    (c,) = clean
    assert (c.row, c.kpi, c.period.label, c.numerator, c.denominator, c.value, c.reason, c.is_revision) == (
        2, "PCT", "2022-03", Decimal("1"), Decimal("4"), 25.0, "", False,
    )  # fmt: skip


def test_read_table_file_problems_whole():
    rows, problems = rules.read_table(b"period,x,,numerator\n", "r.csv")
    assert rows == []
    assert [(p.row, p.column, p.message, p.kind) for p in problems] == [
        (1, "kpi", "missing required column", imports.COLUMN),
        (1, "x", "unknown column (use kpi, period, numerator, denominator, reason)", imports.COLUMN),
    ]
    rows, problems = rules.read_table(b"kpi,period,numerator\n", "r.csv")
    assert rows == [] and [(p.row, p.column, p.message, p.kind) for p in problems] == [
        (0, "", "the file has no data rows", imports.FILE)
    ]
    assert str(problems[0]) == "file: the file has no data rows"
    problems = rules.read_table(b"not a zip", "r.xlsx")[1]
    assert problems[0].row == 0 and isinstance(problems[0], rules.Problem)


def test_read_table_reports_formula_cells_as_warnings_when_asked():
    content = b"kpi,period,numerator\nPCT,2022-03,=1+2\n"
    rows, problems = rules.read_table(content, "r.csv")
    assert problems == [] and rows == [{"kpi": "PCT", "period": "2022-03", "numerator": "=1+2", "_row": 2}]
    warnings: list = []
    rules.read_table(content, "r.csv", warnings=warnings)
    assert [(w.row, w.column, w.message) for w in warnings] == [
        (2, "numerator", "'=1+2' looks like a spreadsheet formula: loaded as text")
    ]


def test_validate_table_renumbers_to_sheet_rows_and_defaults_to_file_order():
    rows = [
        {"kpi": "PCT", "period": "2022-03", "numerator": "1", "denominator": "2", "_row": 5},
        {"kpi": "PCT", "period": "2022-03", "numerator": "1", "denominator": "2", "_row": 9},
    ]
    clean, problems = rules.validate_table(rows, EDGE_SPECS, existing={("PCT", "2022-04")})
    assert [c.row for c in clean] == [5]
    assert [(p.row, p.column, p.message, p.kind) for p in problems] == [
        (9, "period", "duplicate: row 5 already has PCT for 2022-03", imports.DUPLICATE)
    ]
    rows = [{k: v for k, v in r.items() if k != "_row"} for r in rows]  # rows from a form: 2, 3, ...
    clean, problems = rules.validate_table(rows, EDGE_SPECS, today=dt.date(2022, 3, 31))
    assert clean == [] and [(p.row, p.message) for p in problems] == [
        (2, "2022-03 has not ended yet"),
        (3, "2022-03 has not ended yet"),
    ]
    clean, problems = rules.validate_table(rows[:1], EDGE_SPECS, existing={("PCT", "2022-03")})
    assert [(p.row, p.column) for p in problems] == [(2, "reason")]


def test_read_table_refusals_keep_row_column_and_kind():
    def whole(problems):
        return [(p.row, p.column, p.message, p.kind) for p in problems]

    rows, problems = rules.read_table(b"not a zip", "r.xlsx")
    assert rows == [] and whole(problems) == [
        (0, "", "The file could not be read as an Excel workbook (not a readable .xlsx file).", imports.FILE)
    ]
    # refused while reading the rows (the limits given are used)
    content = b"kpi,period,numerator\nPCT,2022-03,1\nPCT,2022-04,2\n"
    rows, problems = rules.read_table(content, "r.csv", limits=imports.Limits(max_rows=1))
    assert rows == [] and whole(problems) == [
        (0, "", "The file has more than 1 rows: split it and load the parts.", imports.FILE)
    ]
    assert len(rules.read_table(content, "r.csv")[0]) == 2
    # a row's own problem found by the reader
    rows, problems = rules.read_table(b"kpi,period,numerator\nPCT,2022-03,1,extra\n", "r.csv")
    assert rows == [] and whole(problems) == [
        (2, "", "has 4 cells but the header has 3 columns", imports.INVALID)
    ]
    assert all(isinstance(p, rules.Problem) for p in problems)


def test_read_table_headers_in_any_case():
    rows, problems = rules.read_table(b"KPI, Period ,NUMERATOR\nPCT,2022-03,1\n", "r.csv")
    assert problems == [] and rows == [{"kpi": "PCT", "period": "2022-03", "numerator": "1", "_row": 2}]


def test_offered_periods_stop_at_the_span_end():
    offered = rules.offered_periods(
        [(dt.date(2024, 1, 1), dt.date(2024, 2, 29))], rules.MONTHLY, dt.date(2024, 4, 30)
    )
    assert [p.label for p in offered] == ["2024-01", "2024-02"]


def test_a_bad_period_or_a_bad_denominator_alone():
    _, problems = only(
        [
            row(period="Marhc 2022"),
            row(period="2022-05", denominator="ten"),
            row(period="2022-06", denominator="-2"),
        ]
    )
    assert problems == [
        (2, "period", "'Marhc 2022' is not a monthly period (YYYY-MM, e.g. 2024-03)"),
        (3, "denominator", "'ten' is not a number"),
        (4, "denominator", "-2 is negative; counts cannot be"),
    ]
