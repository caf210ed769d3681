"""The shared return validation (plain functions on plain data)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

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
