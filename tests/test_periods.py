"""The period model: financial years and quarters, months, calendar and academic years, rolling."""

from __future__ import annotations

import datetime as dt

import pytest

from jointly.core import periods
from jointly.core.periods import Kind, Period, PeriodError, parse, parse_as_at

D = dt.date


@pytest.mark.parametrize(
    ("text", "canonical", "start", "end"),
    [
        ("2013/14", "2013/14", D(2013, 4, 1), D(2014, 3, 31)),
        ("2014-15", "2014/15", D(2014, 4, 1), D(2015, 3, 31)),
        ("FY14/15", "2014/15", D(2014, 4, 1), D(2015, 3, 31)),
        ("FY 2014/2015", "2014/15", D(2014, 4, 1), D(2015, 3, 31)),
        ("1999/00", "1999/00", D(1999, 4, 1), D(2000, 3, 31)),
        ("2013/14 Q2", "2013/14 Q2", D(2013, 7, 1), D(2013, 9, 30)),
        ("2013/14-Q2", "2013/14 Q2", D(2013, 7, 1), D(2013, 9, 30)),
        ("Q4 2013/14", "2013/14 Q4", D(2014, 1, 1), D(2014, 3, 31)),
        ("2013/14 Quarter 1", "2013/14 Q1", D(2013, 4, 1), D(2013, 6, 30)),
        ("2014-05", "2014-05", D(2014, 5, 1), D(2014, 5, 31)),
        ("2016-2", "2016-02", D(2016, 2, 1), D(2016, 2, 29)),
        ("05/2014", "2014-05", D(2014, 5, 1), D(2014, 5, 31)),
        ("Sept 2014", "2014-09", D(2014, 9, 1), D(2014, 9, 30)),
        ("2014", "2014", D(2014, 1, 1), D(2014, 12, 31)),
        ("2013-Q3", "2013 CQ3", D(2013, 7, 1), D(2013, 9, 30)),
        ("2012 - 14", "2012 - 14", D(2012, 1, 1), D(2014, 12, 31)),
        ("2012/13 - 14/15", "2012/13 - 14/15", D(2012, 4, 1), D(2015, 3, 31)),
    ],
)
def test_parse_reads_the_common_forms_and_writes_the_canonical_one(text, canonical, start, end):
    p = parse(text)
    assert (p.text, p.start, p.end) == (canonical, start, end)
    assert parse(p.text) == p


def test_financial_quarters_are_april_to_june_first():
    fy = Period.financial_year(2013)
    assert [q.text for q in fy.quarters()] == ["2013/14 Q1", "2013/14 Q2", "2013/14 Q3", "2013/14 Q4"]
    assert [(q.start, q.end) for q in fy.quarters()][3] == (D(2014, 1, 1), D(2014, 3, 31))
    assert periods.financial_quarter_of(D(2014, 3, 31)).text == "2013/14 Q4"
    assert periods.financial_quarter_of(D(2014, 4, 1)).text == "2014/15 Q1"
    assert periods.financial_year_of(D(2015, 3, 31)).text == "2014/15"
    assert [periods.financial_month_number(D(2014, m, 1)) for m in (4, 12, 1, 3)] == [1, 9, 10, 12]


def test_board_paper_label():
    assert parse("2013/14 Q2").label == "Quarter 2 2013/14 (1 July to 30 September 2013)"
    assert parse("2013/14").label == "Financial year 2013/14 (1 April 2013 to 31 March 2014)"
    assert parse("2014-05").label == "May 2014"


def test_the_old_calendar_quarter_maps_to_the_financial_one_or_is_refused_with_the_hint():
    assert parse("2013-Q3").to_financial_quarter().text == "2013/14 Q2"
    assert parse("2014-Q1").to_financial_quarter().text == "2013/14 Q4"
    with pytest.raises(PeriodError, match=r"calendar quarter .*write 2013/14 Q2"):
        parse("2013-Q3", Kind.FINANCIAL_QUARTER)


def test_academic_year_only_when_asked_for_never_guessed():
    assert parse("2013/14").kind == Kind.FINANCIAL_YEAR
    ay = parse("2013/14", Kind.ACADEMIC_YEAR)
    assert (ay.kind, ay.start, ay.end, ay.text) == (
        Kind.ACADEMIC_YEAR,
        D(2013, 9, 1),
        D(2014, 8, 31),
        "2013/14",
    )
    assert ay != parse("2013/14")


@pytest.mark.parametrize(
    "text", ["", "2013/15", "FY14/16", "2013/14 Q5", "2014-13", "Smarch 2014", "next year"]
)
def test_bad_periods_are_refused_with_a_message(text):
    with pytest.raises(PeriodError):
        parse(text)


def test_a_long_bad_value_is_excerpted_not_echoed():
    with pytest.raises(PeriodError) as err:
        parse("x" * 10_000)
    assert len(str(err.value)) < 200


def test_shift_next_previous_and_months():
    q = parse("2013/14 Q4")
    assert q.next().text == "2014/15 Q1" and q.previous().text == "2013/14 Q3"
    assert q.shift(-8).text == "2011/12 Q4"
    assert parse("2014-12").next().text == "2015-01"
    assert parse("2014-01").shift(-1).text == "2013-12"
    assert parse("2013/14").next().text == "2014/15"
    assert [m.text for m in q.months()] == ["2014-01", "2014-02", "2014-03"]
    assert len(parse("2013/14").months()) == 12
    assert parse("2013/14 Q2") < parse("2013/14 Q3")


def test_contains_is_inclusive_at_both_ends():
    q = parse("2013/14 Q2")
    assert q.contains(D(2013, 7, 1)) and q.contains(D(2013, 9, 30))
    assert not q.contains(D(2013, 6, 30)) and not q.contains(D(2013, 10, 1))


def test_parse_as_at():
    assert parse_as_at("2014-03-31") == D(2014, 3, 31)
    assert parse_as_at("2016-02") == D(2016, 2, 29)
    for bad in ("2014-13", "31/03/2014", "soon"):
        with pytest.raises(PeriodError, match="YYYY-MM-DD"):
            parse_as_at(bad)


def test_a_dash_that_could_be_a_month_is_a_month_unless_a_year_is_asked_for():
    assert parse("2011-12").text == "2011-12" and parse("2011-12").kind == Kind.MONTH
    assert parse("2011-12", Kind.FINANCIAL_YEAR).text == "2011/12"
    assert parse("2012-13").kind == Kind.FINANCIAL_YEAR


def test_31_march_and_1_april_fall_in_different_years_quarters_and_labels():
    last, first = D(2014, 3, 31), D(2014, 4, 1)
    assert (
        periods.financial_year_of(last).text == "2013/14"
        and periods.financial_year_of(first).text == "2014/15"
    )
    assert periods.financial_quarter_of(last).label == "Quarter 4 2013/14 (1 January to 31 March 2014)"
    assert periods.financial_quarter_of(first).label == "Quarter 1 2014/15 (1 April to 30 June 2014)"
    assert (periods.financial_month_number(last), periods.financial_month_number(first)) == (12, 1)
    assert parse("2013/14").contains(last) and not parse("2013/14").contains(first)
    assert parse("2013/14 Q4").next() == parse("2014/15 Q1")
    assert parse("2014/15 Q1").previous() == parse("2013/14 Q4")


def test_q4_spans_the_calendar_year_end():
    q4 = parse("2013/14 Q4")
    assert (q4.start, q4.end) == (D(2014, 1, 1), D(2014, 3, 31))
    assert q4.financial_year_start == 2013 and q4.start.year == 2014
    assert [m.text for m in q4.months()] == ["2014-01", "2014-02", "2014-03"]
    assert all(periods.financial_quarter_of(m.start) == q4 for m in q4.months())
    q3 = parse("2013/14 Q3")  # October-December: the calendar year ends inside the financial year
    assert q3.end == D(2013, 12, 31) and q3.next() == q4
    assert parse("2013/14").months()[-1].text == "2014-03" and len(parse("2013/14").months()) == 12


def test_read_financial_quarter_takes_the_spellings_and_notes_the_old_calendar_form():
    for text in ("2013/14-Q2", "2013/14 Q2", "Q2 2013/14", "2013-14 Q2"):
        assert periods.read_financial_quarter(text) == (parse("2013/14 Q2"), "")
    quarter, note = periods.read_financial_quarter("2013-Q3")
    assert quarter.text == "2013/14 Q2" and "July to September 2013" in note and "2013/14 Q2" in note
    quarter, note = periods.read_financial_quarter("2014-Q1")  # January-March 2014
    assert quarter.text == "2013/14 Q4" and note
    with pytest.raises(PeriodError, match="not a financial quarter"):
        periods.read_financial_quarter("2013/14")
    with pytest.raises(PeriodError):
        periods.read_financial_quarter("2013-Q5")


def test_default_as_at_is_the_period_end_or_today_while_it_runs():
    q2 = parse("2013/14 Q2")
    assert periods.default_as_at(q2, D(2026, 12, 4)) == D(2013, 9, 30)
    assert periods.default_as_at(q2, D(2013, 9, 30)) == D(2013, 9, 30)
    assert periods.default_as_at(q2, D(2013, 8, 15)) == D(2013, 8, 15)
    assert periods.default_as_at(parse("2013/14 Q4"), D(2014, 4, 1)) == D(2014, 3, 31)
    assert parse_as_at("2014-03") == D(2014, 3, 31) and parse_as_at("2016-02") == D(2016, 2, 29)
