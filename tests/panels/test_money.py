"""Panels' money rules against figures worked by hand (the working is in the comments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointly.core.periods import Period
from jointly.panels import money
from jointly.panels.money import Basis, Cost, PanelMoneyError, Share

WEEK = Basis.PER_WEEK
TERM = Basis.PER_TERM
YEAR = Basis.PER_YEAR


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- reading amounts and building costs -----------------------------------------------------------


def test_to_money_reads_pounds_and_refuses_the_rest():
    assert money.to_money("1,234.5") == D("1234.50")
    assert money.to_money(D("7")) == D("7.00")
    assert money.to_money(12) == D("12.00")
    for bad, words in [
        ("ten pounds", "number of pounds"),
        ("10.005", "more than two decimal places"),
        ("Infinity", "finite"),
        ("NaN", "finite"),
        (1.5, "not a float"),
        (True, "number of pounds"),
    ]:
        with pytest.raises(PanelMoneyError, match=words):
            money.to_money(bad)


def test_to_money_refuses_amounts_too_large_for_decimal_arithmetic_in_words():
    # 26 digits before the point still fit 28 significant digits with the pence; 27 do not, and
    # before this was caught it escaped as decimal.InvalidOperation (a server error on a form).
    assert money.to_money("9" * 26) == D("9" * 26 + ".00")
    for bad in ["1" * 27, "1E+30", "-" + "9" * 40]:
        with pytest.raises(PanelMoneyError) as caught:
            money.to_money(bad, "The cost")
        assert str(caught.value) == "The cost is too large a number of pounds"


def test_pounds_for_messages():
    assert money.pounds(D("1234.5")) == "£1,234.50"
    assert money.pounds(D("-0.01")) == "-£0.01"
    assert money.pounds(D("0")) == "£0.00"


@pytest.mark.parametrize(
    "exact, pennies",
    [
        (F(1, 200), D("0.01")),  # exactly half a penny goes up
        (F(-1, 200), D("-0.01")),  # and away from zero when negative
        (F(1, 201), D("0.00")),  # just under half a penny goes down
        (F(3, 200), D("0.02")),
        (F(1000, 7), D("142.86")),  # 142.857...
        (F(2000, 7), D("285.71")),  # 285.714...
        (F(0), D("0.00")),
    ],
)
def test_to_pennies_rounds_half_away_from_zero(exact, pennies):
    assert money.to_pennies(exact) == pennies


def test_a_cost_is_built_only_when_well_formed():
    assert Cost(D("1000")).amount == D("1000.00")
    assert Cost("1,000.50", "term").basis is TERM
    assert Cost(D("1"), "per_week").basis is WEEK
    assert Cost(D("1"), "Per Year").basis is YEAR
    assert Cost(D("1"), WEEK, weeks_per_year=1).weeks_per_year == 1
    assert Cost(D("1"), WEEK, weeks_per_year=D("38.5")).yearly == D("38.5")
    assert Cost(D("1"), WEEK, weeks_per_year=D("52.0")).all_year
    assert Cost(D("1"), TERM, terms_per_year=6).terms_per_year == 6
    assert Cost(D("1"), TERM, terms_per_year=1).yearly == D("1.00")
    assert Cost(D("0")).amount == D("0.00")  # zero is check_cost's question
    with pytest.raises(PanelMoneyError, match="cannot be negative"):
        Cost(D("-0.01"))
    with pytest.raises(PanelMoneyError, match="more than two decimal places"):
        Cost(D("100.001"))
    with pytest.raises(PanelMoneyError, match="not a cost basis"):
        Cost(D("1"), "per_fortnight")
    for weeks in (0, 53, D("52.1"), D("0.9"), D("38.25")):
        with pytest.raises(
            PanelMoneyError, match="weeks per year must be from 1 to 52, to at most one decimal"
        ):
            Cost(D("1"), WEEK, weeks_per_year=weeks)
    for weeks in (True, 38.0, "38", D("NaN")):
        with pytest.raises(PanelMoneyError, match="weeks per year must be a number from 1 to 52"):
            Cost(D("1"), WEEK, weeks_per_year=weeks)
    for terms in (0, 7, True):
        with pytest.raises(PanelMoneyError, match="terms per year must be a whole number from 1 to 6"):
            Cost(D("1"), TERM, terms_per_year=terms)


def test_descriptions():
    assert Cost(D("1000")).description == "£1,000.00 per week, all year"
    assert Cost(D("1000"), WEEK, 38).description == "£1,000.00 per week, 38 weeks a year"
    assert Cost(D("5000"), TERM).description == "£5,000.00 per term, 3 terms a year"
    assert Cost(D("40000"), YEAR).description == "£40,000.00 per year"
    assert Cost(D("1000"), WEEK, D("38.5")).description == "£1,000.00 per week, 38.5 weeks a year"
    assert Cost(D("1000"), WEEK, 1).description == "£1,000.00 per week, 1 week a year"
    assert [b.label for b in Basis] == ["per week", "per term", "per year"]
    assert [b.value for b in Basis] == ["week", "term", "year"]


# --- annual costs and bases ---------------------------------------------------------------------


def test_nominal_annual_cost_by_basis():
    assert money.annual_cost(Cost(D("1000"))) == D("52000.00")
    # A school placement priced for 38 weeks is not a 52-week cost.
    assert money.annual_cost(Cost(D("1000"), WEEK, 38)) == D("38000.00")
    assert money.annual_cost(Cost(D("5000"), TERM)) == D("15000.00")
    assert money.annual_cost(Cost(D("2500"), TERM, terms_per_year=6)) == D("15000.00")
    assert money.annual_cost(Cost(D("40000"), YEAR)) == D("40000.00")
    # 1,000.01 x 38.5 = 38,500.385: rounded half up, not to even.
    assert money.annual_cost(Cost(D("1000.01"), WEEK, D("38.5"))) == D("38500.39")
    # Weeks per year and terms per year mean nothing to the other bases.
    assert money.annual_cost(Cost(D("40000"), YEAR, weeks_per_year=38, terms_per_year=6)) == D("40000.00")
    assert Cost(D("5000"), TERM, weeks_per_year=38).yearly == D("15000")
    assert Cost(D("1000"), WEEK, terms_per_year=6).yearly == D("52000")


def test_a_52_week_cost_in_a_financial_year_is_weekly_times_days_over_7():
    weekly = Cost(D("1000"))
    # 2025/26 has 365 days: 1000 x 365 / 7 = 52,142.857...
    assert money.annual_cost(weekly, "2025/26") == D("52142.86")
    # 2023/24 holds 29 February 2024: 1000 x 366 / 7 = 52,285.714...
    assert money.annual_cost(weekly, "2023/24") == D("52285.71")
    assert money.annual_cost(weekly, Period.financial_year(2023)) == D("52285.71")
    # 700 a week makes both exact: 36,500 and 36,600.
    assert money.annual_cost(Cost(D("700")), "2025-26") == D("36500.00")
    assert money.annual_cost(Cost(D("700")), "FY23/24") == D("36600.00")


def test_a_38_week_cost_is_the_same_in_every_whole_financial_year():
    school = Cost(D("1000"), WEEK, 38)
    assert money.annual_cost(school, "2025/26") == D("38000.00")
    assert money.annual_cost(school, "2023/24") == D("38000.00")  # leap year too
    # Against a 52-week basis at the same weekly price the difference is 14 weeks (nominally).
    assert money.annual_cost(Cost(D("1000"))) - money.annual_cost(school) == D("14000.00")
    # 51 weeks is still a part-year basis (spread over the year), 52 is all year (by the day).
    assert money.annual_cost(Cost(D("1000"), WEEK, 51), "2025/26") == D("51000.00")
    assert Cost(D("1000"), WEEK, 51).all_year is False
    assert Cost(D("1000"), WEEK, 52).all_year is True
    assert Cost(D("1000"), YEAR, 52).all_year is False


def test_per_term_and_per_year_in_a_financial_year():
    assert money.annual_cost(Cost(D("5000"), TERM), "2025/26") == D("15000.00")
    assert money.annual_cost(Cost(D("36600"), YEAR), "2023/24") == D("36600.00")


def test_financial_year_refuses_other_periods_and_bad_text():
    assert money.financial_year("2025-26").text == "2025/26"
    with pytest.raises(PanelMoneyError, match="not a financial year"):
        money.financial_year(Period.academic_year(2025))
    with pytest.raises(PanelMoneyError):
        money.financial_year("next year")


# --- costs over dates ---------------------------------------------------------------------------


def test_weekly_cost_over_dates_is_exact_by_the_day():
    weekly = Cost(D("700"))
    assert money.cost_between(weekly, d("2025-04-01"), d("2025-04-01")) == D("100.00")  # one day
    assert money.cost_between(weekly, d("2025-04-01"), d("2025-04-07")) == D("700.00")  # one week
    assert money.cost_between(weekly, d("2025-04-01"), d("2025-04-30")) == D("3000.00")  # 30 days
    # 1000 a week for 10 days: 1,428.571... and for 11 days: 1,571.428...
    assert money.cost_between(Cost(D("1000")), d("2025-04-01"), d("2025-04-10")) == D("1428.57")
    assert money.cost_between(Cost(D("1000")), d("2025-04-01"), d("2025-04-11")) == D("1571.43")
    # February 2024 has 29 days: 700 x 29 / 7 = 2,900.
    assert money.cost_between(weekly, d("2024-02-01"), d("2024-02-29")) == D("2900.00")


def test_yearly_amounts_over_part_of_a_year_fall_evenly_on_its_days():
    # 36,500 a year from 1 April to 30 September 2025: 183 of 365 days = 18,300.
    assert money.cost_between(Cost(D("36500"), YEAR), d("2025-04-01"), d("2025-09-30")) == D("18300.00")
    # A 38-week placement (38,000 a year) over the same 183 days: 19,052.054...
    school = Cost(D("1000"), WEEK, 38)
    assert money.cost_between(school, d("2025-04-01"), d("2025-09-30")) == D("19052.05")
    # Per term: 3 x 5,000 = 15,000 a year; one day of a 365-day year is 41.095...
    assert money.cost_between(Cost(D("5000"), TERM), d("2025-06-01"), d("2025-06-01")) == D("41.10")
    # Half a penny rounds up: 1.83 a year for one day of a 366-day year is 0.005.
    assert money.cost_between(Cost(D("1.83"), YEAR), d("2024-01-01"), d("2024-01-01")) == D("0.01")
    assert money.cost_between(Cost(D("1.82"), YEAR), d("2024-01-01"), d("2024-01-01")) == D("0.00")


def test_dates_across_financial_years_take_each_years_own_length():
    yearly = Cost(D("36600"), YEAR)
    # 1 Jan to 31 Mar 2024 is 91 days of 2023/24 (366 days): 36,600 x 91 / 366 = 9,100.
    # 1 Apr to 31 Dec 2024 is 275 days of 2024/25 (365 days): 36,600 x 275 / 365 = 27,575.342...
    assert money.cost_by_year(yearly, d("2024-01-01"), d("2024-12-31")) == {
        "2023/24": D("9100.00"),
        "2024/25": D("27575.34"),
    }
    # The whole is rounded once: 9,100 + 27,575.342... = 36,675.34.
    assert money.cost_between(yearly, d("2024-01-01"), d("2024-12-31")) == D("36675.34")
    # A weekly all-year cost does not care about year boundaries: 366 days of 2024 at 700 a week.
    assert money.cost_between(Cost(D("700")), d("2024-01-01"), d("2024-12-31")) == D("36600.00")


def test_year_pieces():
    pieces = money.year_pieces(d("2024-03-31"), d("2026-04-01"))
    assert [(y.text, a, b) for y, a, b in pieces] == [
        ("2023/24", d("2024-03-31"), d("2024-03-31")),
        ("2024/25", d("2024-04-01"), d("2025-03-31")),
        ("2025/26", d("2025-04-01"), d("2026-03-31")),
        ("2026/27", d("2026-04-01"), d("2026-04-01")),
    ]
    assert [y.text for y, _, _ in money.year_pieces(d("2025-04-01"), d("2026-03-31"))] == ["2025/26"]


def test_an_end_before_the_start_is_refused():
    money.check_dates(d("2025-04-01"), d("2025-04-01"))  # one day is fine
    with pytest.raises(PanelMoneyError, match=r"ends \(31 March 2025\) before it starts \(1 April 2025\)"):
        money.check_dates(d("2025-04-01"), d("2025-03-31"))
    for cost in (Cost(D("700")), Cost(D("700"), YEAR)):
        with pytest.raises(PanelMoneyError, match="before it starts"):
            money.cost_between(cost, d("2025-04-02"), d("2025-04-01"))


# --- absurd costs -------------------------------------------------------------------------------


def test_zero_costs_are_refused_unless_allowed():
    with pytest.raises(PanelMoneyError, match="£0.00"):
        money.check_cost(Cost(D("0")))
    money.check_cost(Cost(D("0")), allow_zero=True)
    money.check_cost(Cost(D("0.01")))


def test_the_ceiling_is_on_the_nominal_annual_cost():
    assert money.ANNUAL_CEILING == D("5000000.00")
    money.check_cost(Cost(D("5000000.00"), YEAR))
    with pytest.raises(PanelMoneyError, match="more than the £5,000,000.00 a year"):
        money.check_cost(Cost(D("5000000.01"), YEAR))
    # 96,153.84 x 52 = 4,999,999.68 passes; 96,153.85 x 52 = 5,000,000.20 does not.
    money.check_cost(Cost(D("96153.84")))
    with pytest.raises(PanelMoneyError, match="a yearly cost typed as a weekly one"):
        money.check_cost(Cost(D("96153.85")))
    # The same weekly figure for 38 weeks is within it: 96,153.85 x 38 = 3,653,846.30.
    money.check_cost(Cost(D("96153.85"), WEEK, 38))
    money.check_cost(Cost(D("100"), YEAR), ceiling=D("100"))
    with pytest.raises(PanelMoneyError):
        money.check_cost(Cost(D("100.01"), YEAR), ceiling=D("100"))


# --- splitting among funders --------------------------------------------------------------------


def test_percentages_to_the_penny():
    # 33.33% of 1,000 is 333.30 exactly; 33.34% is 333.40: nothing left over.
    shares = money.split_by_percent(D("1000.00"), {"Council": "33.33", "ICB": "33.33", "DSG": "33.34"})
    assert shares == {"Council": D("333.30"), "ICB": D("333.30"), "DSG": D("333.40")}
    assert sum(shares.values()) == D("1000.00")


def test_thirds_of_a_thousand_pounds_give_the_penny_to_the_first_named():
    # 333.333... each, rounded down to 333.33: 0.01 left over goes to the largest share, and of
    # equal largest to the first named.
    thirds = {"Council": F(100, 3), "ICB": F(100, 3), "DSG": F(100, 3)}
    assert money.split_by_percent(D("1000.00"), thirds) == {
        "Council": D("333.34"),
        "ICB": D("333.33"),
        "DSG": D("333.33"),
    }
    assert money.split_equally(D("1000.00"), ["ICB", "Council", "DSG"]) == {
        "ICB": D("333.34"),
        "Council": D("333.33"),
        "DSG": D("333.33"),
    }
    assert money.split_equally(D("1000.00"), ["ICB"]) == {"ICB": D("1000.00")}
    with pytest.raises(PanelMoneyError, match="named twice"):
        money.split_equally(D("1000.00"), ["ICB", "ICB"])
    with pytest.raises(PanelMoneyError, match="at least one funder"):
        money.split_equally(D("1000.00"), [])


def test_the_remainder_goes_to_the_largest_share_not_the_first():
    # 100.01 at 30/40/30: 30.003 -> 30.00, 40.004 -> 40.00, 30.003 -> 30.00; 0.01 left to the 40%.
    assert money.split_by_percent(D("100.01"), {"A": 30, "B": 40, "C": 30}) == {
        "A": D("30.00"),
        "B": D("40.01"),
        "C": D("30.00"),
    }
    # 0.02 at 50/25/25: 0.01, 0.005 -> 0.00, 0.005 -> 0.00; 0.01 left to the 50%.
    assert money.split_by_percent(D("0.02"), {"A": 25, "B": 50, "C": 25}) == {
        "A": D("0.00"),
        "B": D("0.02"),
        "C": D("0.00"),
    }
    # Rounding is down, never to nearest: 0.019 -> 0.01 (to nearest would give 0.02).
    assert money.split_by_percent(D("0.03"), {"A": "66.5", "B": "33.5"}) == {"A": D("0.02"), "B": D("0.01")}
    assert money.split_by_percent(D("0.00"), {"A": 60, "B": 40}) == {"A": D("0.00"), "B": D("0.00")}


@pytest.mark.parametrize(
    "percents, words",
    [
        ({"A": "50", "B": "49.99"}, r"add up to 99.99%, not 100% \(0.01% is not covered\)"),
        ({"A": "50", "B": "50.01"}, r"add up to 100.01%, not 100% \(0.01% too much\)"),
        ({"A": F(100, 3), "B": F(100, 3)}, r"add up to about 66.6667%"),
        ({"A": "-10", "B": "110"}, r"A's share cannot be negative \(-10%\)"),
        ({"A": "0", "B": "100"}, "A's share is 0%: remove that funder"),
        ({"A": "100.5", "B": "-0.5"}, r"A's share is more than 100% \(100.5%\)"),
        ({"A": "half"}, "A's share must be a percentage"),
        ({"A": 100.0}, "not a float"),
        ({"A": "Infinity"}, "finite percentage"),
        ({}, "at least one funder"),
    ],
)
def test_percentages_that_do_not_make_a_whole_are_refused(percents, words):
    with pytest.raises(PanelMoneyError, match=words):
        money.split_by_percent(D("1000.00"), percents)


def test_percent_text():
    assert money.percent_text(D("100")) == "100%"
    assert money.percent_text(F(1, 2)) == "0.5%"
    assert money.percent_text(F(100, 3)) == "about 33.3333%"
    assert money.percent_text(F(1, 100000)) == "about 0%"
    assert money.split_by_percent(D("10"), {"A": "100%"}) == {"A": D("10.00")}


def test_amounts_must_cover_the_whole_to_the_penny():
    assert money.split_by_amount(D("1000"), {"ICB": "600", "Council": D("400.00")}) == {
        "ICB": D("600.00"),
        "Council": D("400.00"),
    }
    with pytest.raises(
        PanelMoneyError, match=r"add up to £999.99 but the cost is £1,000.00: £0.01 is not covered"
    ):
        money.split_by_amount(D("1000"), {"ICB": "600", "Council": "399.99"})
    with pytest.raises(PanelMoneyError, match=r"add up to £1,000.01, £0.01 more than the cost of £1,000.00"):
        money.split_by_amount(D("1000"), {"ICB": "600", "Council": "400.01"})
    with pytest.raises(PanelMoneyError, match="ICB's share cannot be negative"):
        money.split_by_amount(D("1000"), {"ICB": "-100", "Council": "1100"})
    with pytest.raises(PanelMoneyError, match="ICB's share is £0.00"):
        money.split_by_amount(D("1000"), {"ICB": "0", "Council": "1000"})
    with pytest.raises(PanelMoneyError, match="ICB's share has more than two decimal places"):
        money.split_by_amount(D("1000"), {"ICB": "600.001", "Council": "399.999"})
    with pytest.raises(PanelMoneyError, match="at least one funder"):
        money.split_by_amount(D("1000"), {})


def test_split_takes_percentages_amounts_or_a_mix():
    assert money.split(D("1000"), {"A": Share(percent=D("60")), "B": Share(percent=D("40"))}) == {
        "A": D("600.00"),
        "B": D("400.00"),
    }
    assert money.split(D("1000"), {"A": Share(amount=D("999")), "B": Share(amount=D("1"))}) == {
        "A": D("999.00"),
        "B": D("1.00"),
    }
    with pytest.raises(PanelMoneyError, match="as a percentage or as an amount"):
        money.split(D("1000"), {"A": Share()})
    with pytest.raises(PanelMoneyError, match="as a percentage or as an amount"):
        money.split(D("1000"), {"A": Share(percent=D("100"), amount=D("1000"))})
    with pytest.raises(PanelMoneyError, match="at least one funder"):
        money.split(D("1000"), {})
    with pytest.raises(PanelMoneyError, match="not covered"):
        money.split(D("1000"), {"A": Share(amount=D("999"))})
    with pytest.raises(PanelMoneyError, match="not 100%"):
        money.split(D("1000"), {"A": Share(percent=D("99"))})


def test_a_mix_of_amounts_and_percentages():
    # The ICB pays 600 of 1,000; the council 24% (240) and schools 16% (160).
    mixed = {"ICB": Share(amount=D("600")), "SC": Share(percent=D("24")), "DSG": Share(percent=D("16"))}
    assert money.split(D("1000"), mixed) == {"ICB": D("600.00"), "SC": D("240.00"), "DSG": D("160.00")}
    assert list(money.split(D("1000"), mixed)) == ["ICB", "SC", "DSG"]
    # 333.33 + 33.3335% x 2 (333.335 each) is exactly 1,000: rounded down to 333.33 each, the 0.01
    # left goes to the first of the equal largest percentages.
    thirds = {
        "ICB": Share(amount=D("333.33")),
        "SC": Share(percent=D("33.3335")),
        "DSG": Share(percent=D("33.3335")),
    }
    assert money.split(D("1000"), thirds) == {"ICB": D("333.33"), "SC": D("333.34"), "DSG": D("333.33")}
    # Within a penny is covered: 500 + 49.9999% (499.999) leaves 0.01 for the percentage share.
    near = {"A": Share(amount=D("500")), "B": Share(percent=D("49.9999"))}
    assert money.split(D("1000"), near) == {"A": D("500.00"), "B": D("500.00")}
    over = {"A": Share(amount=D("500")), "B": Share(percent=D("50.0009"))}  # 500.009
    assert money.split(D("1000"), over) == {"A": D("500.00"), "B": D("500.00")}
    # A penny short or over is not.
    with pytest.raises(
        PanelMoneyError, match=r"come to £999.99, not the cost of £1,000.00 \(£0.01 is not covered\)"
    ):
        money.split(D("1000"), {"A": Share(amount=D("500")), "B": Share(percent=D("49.999"))})
    with pytest.raises(
        PanelMoneyError, match=r"come to £1,000.01, not the cost of £1,000.00 \(£0.01 too much\)"
    ):
        money.split(D("1000"), {"A": Share(amount=D("500")), "B": Share(percent=D("50.001"))})
    with pytest.raises(PanelMoneyError, match=r"£900.00.*£100.00 is not covered"):
        money.split(D("1000"), {"ICB": Share(amount=D("600")), "SC": Share(percent=D("30"))})
    with pytest.raises(PanelMoneyError, match="SC's share cannot be negative"):
        money.split(D("1000"), {"ICB": Share(amount=D("1100")), "SC": Share(percent=D("-10"))})
    with pytest.raises(PanelMoneyError, match="ICB's share is £0.00"):
        money.split(D("1000"), {"ICB": Share(amount=D("0")), "SC": Share(percent=D("100"))})


def test_apportion_refuses_nonsense_weights():
    with pytest.raises(PanelMoneyError, match="at least one funder"):
        money.apportion(D("10"), {})
    with pytest.raises(PanelMoneyError, match="more than zero"):
        money.apportion(D("10"), {"A": D("1"), "B": D("0")})
    assert money.apportion(D("10"), {"A": D("1")}) == {"A": D("10.00")}


# --- commitments per financial year ------------------------------------------------------------


def test_commitments_of_a_whole_leap_year_split_three_ways():
    # 700 a week all year; ICB 350, council 210, schools 140 a week (50/30/20).
    cost = Cost(D("700"))
    shares = money.split(
        cost.amount,
        {"ICB": Share(percent=D("50")), "SC": Share(percent=D("30")), "ED": Share(percent=D("20"))},
    )
    # 2023/24 has 366 days: 700 x 366 / 7 = 36,600 -> 18,300 / 10,980 / 7,320.
    assert money.commitments_by_year(cost, shares, d("2023-04-01"), d("2024-03-31")) == {
        "2023/24": {"ICB": D("18300.00"), "SC": D("10980.00"), "ED": D("7320.00")}
    }


def test_part_year_commitments_across_two_financial_years():
    cost = Cost(D("700"))
    shares = {"ICB": D("350"), "SC": D("210"), "ED": D("140")}
    # Calendar 2024: 91 days in 2023/24 (9,100) and 275 days in 2024/25 (27,500).
    assert money.commitments_by_year(cost, shares, d("2024-01-01"), d("2024-12-31")) == {
        "2023/24": {"ICB": D("4550.00"), "SC": D("2730.00"), "ED": D("1820.00")},
        "2024/25": {"ICB": D("13750.00"), "SC": D("8250.00"), "ED": D("5500.00")},
    }
    # 1 February to 31 March 2024 is 29 + 31 = 60 days: 6,000.
    feb = money.commitments_by_year(cost, shares, d("2024-02-01"), d("2024-03-31"))
    assert feb == {"2023/24": {"ICB": D("3000.00"), "SC": D("1800.00"), "ED": D("1200.00")}}


def test_each_years_commitments_add_up_to_that_years_cost():
    cost = Cost(D("1000"))
    shares = money.split_equally(cost.amount, ["A", "B", "C"])  # 333.34 / 333.33 / 333.33
    year = money.commitments_by_year(cost, shares, d("2025-04-01"), d("2026-03-31"))["2025/26"]
    # 52,142.86 x 333.34 / 1000 = 17,381.30...; x 333.33 / 1000 = 17,380.77... (twice); that is
    # 52,142.84, so the 0.02 left goes to A, the largest weight.
    assert year == {"A": D("17381.32"), "B": D("17380.77"), "C": D("17380.77")}
    assert sum(year.values()) == money.annual_cost(cost, "2025/26")


def test_a_38_week_package_commits_its_yearly_amount_pro_rata_by_day():
    cost = Cost(D("1000"), WEEK, 38)
    out = money.commitments_by_year(cost, {"DSG": D("600"), "SC": D("400")}, d("2025-10-01"), d("2026-09-30"))
    # 2025/26: 1 Oct to 31 Mar is 182 of 365 days: 38,000 x 182 / 365 = 18,947.945... -> 18,947.95.
    # 2026/27: 1 Apr to 30 Sep is 183 of 365 days: 19,052.054... -> 19,052.05.
    assert out == {
        "2025/26": {"DSG": D("11368.77"), "SC": D("7579.18")},
        "2026/27": {"DSG": D("11431.23"), "SC": D("7620.82")},
    }
    assert sum(out["2025/26"].values()) == D("18947.95")
    assert sum(out["2026/27"].values()) == D("19052.05")


def test_commitments_take_any_proportional_weights():
    cost = Cost(D("700"))
    by_percent = money.commitments_by_year(
        cost, {"ICB": D("50"), "SC": D("30"), "ED": D("20")}, d("2023-04-01"), d("2024-03-31")
    )
    assert by_percent == {"2023/24": {"ICB": D("18300.00"), "SC": D("10980.00"), "ED": D("7320.00")}}
    thirds = {"A": F(1, 3), "B": F(1, 3), "C": F(1, 3)}
    # 1,000 a week over 2025/26 is 52,142.86; thirds are 17,380.953... each: 17,380.95 x 3 leaves
    # 0.01 for the first.
    year = money.commitments_by_year(Cost(D("1000")), thirds, d("2025-04-01"), d("2026-03-31"))["2025/26"]
    assert year == {"A": D("17380.96"), "B": D("17380.95"), "C": D("17380.95")}
    with pytest.raises(PanelMoneyError, match="more than zero"):
        money.commitments_by_year(cost, {"A": D("700"), "B": D("0")}, d("2025-04-01"), d("2025-04-30"))
    with pytest.raises(PanelMoneyError, match="before it starts"):
        money.commitments_by_year(cost, {"A": D("700")}, d("2025-04-30"), d("2025-04-01"))


def test_add_commitments_by_year_and_funder():
    a = {"2025/26": {"ICB": D("10.00")}, "2024/25": {"ICB": D("1.00"), "SC": D("2.00")}}
    b = {"2025/26": {"ICB": D("5.00"), "SC": D("7.00")}}
    assert money.add_commitments([a, b]) == {
        "2024/25": {"ICB": D("1.00"), "SC": D("2.00")},
        "2025/26": {"ICB": D("15.00"), "SC": D("7.00")},
    }
    assert list(money.add_commitments([a, b])) == ["2024/25", "2025/26"]
    assert money.add_commitments([]) == {}


# --- drift -------------------------------------------------------------------------------------------


def test_drift_between_two_versions():
    drift = money.cost_drift(Cost(D("1000")), Cost(D("1100")))
    assert (drift.before, drift.after, drift.change, drift.percent) == (
        D("52000.00"),
        D("57200.00"),
        D("5200.00"),
        D("10.0"),
    )
    assert drift.words == "up £5,200.00 a year"
    # A change of basis compares nominal annual costs: 3 x 5,000 = 15,000 against 38 x 400 = 15,200,
    # 200 / 15,000 = 1.333...% -> 1.3.
    drift = money.cost_drift(Cost(D("5000"), TERM), Cost(D("400"), WEEK, 38))
    assert (drift.change, drift.percent) == (D("200.00"), D("1.3"))
    down = money.cost_drift(Cost(D("800"), YEAR), Cost(D("700"), YEAR))
    assert (down.change, down.percent, down.words) == (D("-100.00"), D("-12.5"), "down £100.00 a year")
    same = money.cost_drift(Cost(D("700"), YEAR), Cost(D("700"), YEAR))
    assert (same.change, same.percent, same.words) == (D("0.00"), D("0.0"), "no change")
    from_zero = money.cost_drift(Cost(D("0"), YEAR), Cost(D("700"), YEAR))
    assert from_zero.percent is None
    # Half a tenth of a percent rounds up: 1 on 2,000 is 0.05%.
    assert money.cost_drift(Cost(D("2000"), YEAR), Cost(D("2001"), YEAR)).percent == D("0.1")


def test_funder_drift_shows_changes_added_and_dropped_funders():
    before = {"ICB": D("500.00"), "SC": D("500.00"), "Other LA": D("100.00")}
    after = {"ICB": D("600.00"), "SC": D("500.00"), "DSG": D("200.00")}
    assert money.funder_drift(before, after) == {
        "ICB": D("100.00"),
        "Other LA": D("-100.00"),
        "DSG": D("200.00"),
    }
    assert list(money.funder_drift(before, after)) == ["ICB", "Other LA", "DSG"]


# --- group statistics --------------------------------------------------------------------------------


def test_group_statistics_only_for_at_least_ten_packages():
    costs = [D(1000 * i) for i in range(1, 11)]
    assert money.group_statistics(costs[:9]) is None
    stats = money.group_statistics(reversed(costs))  # order does not matter
    # Positions (n - 1) x p over 1,000 ... 10,000: 2.25 -> 3,250; 4.5 -> 5,500; 6.75 -> 7,750.
    assert stats == money.GroupStats(10, D("3250.00"), D("5500.00"), D("7750.00"))
    assert stats.interquartile_range == D("4500.00")
    assert money.group_statistics(costs + [D("11000")]).median == D("6000.00")  # odd count: the middle one
    with pytest.raises(PanelMoneyError, match="at least 10 packages, not 9"):
        money.group_statistics(costs, minimum=9)
    assert money.group_statistics(costs, minimum=11) is None
    assert money.group_statistics(costs + [D("11000")], minimum=11) is not None


def test_quartiles_interpolate_to_the_penny():
    # 0.00 x 9 and 0.03: the upper quartile sits at position 6.75 (0.00); the 0.03 at 9 moves nothing.
    stats = money.group_statistics([D("0")] * 9 + [D("0.03")])
    assert (stats.lower_quartile, stats.median, stats.upper_quartile) == (D("0.00"), D("0.00"), D("0.00"))
    # 10 values 0 ... 0.09: median 0.045 rounds half up to 0.05; quartiles 0.0225 -> 0.02, 0.0675 -> 0.07.
    stats = money.group_statistics([D(i) / 100 for i in range(10)])
    assert (stats.lower_quartile, stats.median, stats.upper_quartile) == (D("0.02"), D("0.05"), D("0.07"))


def test_compare_to_group_boundaries():
    stats = money.GroupStats(10, D("3250.00"), D("5500.00"), D("7750.00"))
    assert money.compare_to_group(D("3249.99"), stats) == "below the lower quartile"
    assert money.compare_to_group(D("3250.00"), stats) == "within the middle half"
    assert money.compare_to_group(D("7750.00"), stats) == "within the middle half"
    assert money.compare_to_group(D("7750.01"), stats) == "above the upper quartile"


def test_scaled_keeps_the_basis():
    school = Cost(D("1000"), WEEK, 38)
    share = school.scaled(D("600"))
    assert (share.amount, share.basis, share.weeks_per_year) == (D("600.00"), WEEK, 38)
    assert money.annual_cost(share) == D("22800.00")


# --- properties ------------------------------------------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("20000"), places=2)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
bases = st.sampled_from([(WEEK, 52), (WEEK, 38), (WEEK, 1), (TERM, 52), (YEAR, 52)])


@settings(max_examples=100, deadline=None)
@given(amounts, bases, days, st.integers(0, 1200), st.integers(0, 1200))
def test_costs_add_up_across_any_cut(amount, basis, start, first, second):
    cost = Cost(amount, basis[0], weeks_per_year=basis[1])
    middle = start + dt.timedelta(days=first)
    end = middle + dt.timedelta(days=second + 1)
    whole = money.cost_between(cost, start, end)
    parts = money.cost_between(cost, start, middle) + money.cost_between(
        cost, middle + dt.timedelta(days=1), end
    )
    assert abs(whole - parts) <= D("0.01")  # each part rounded once
    by_year = money.cost_by_year(cost, start, end)
    assert abs(sum(by_year.values()) - whole) <= D("0.01") * len(by_year)
    assert list(by_year) == sorted(by_year)


@settings(max_examples=100, deadline=None)
@given(amounts, days, st.integers(0, 300))
def test_whole_weeks_of_an_all_year_cost_are_exact(amount, start, weeks):
    cost = Cost(amount)
    end = start + dt.timedelta(days=7 * (weeks + 1) - 1)
    assert money.cost_between(cost, start, end) == amount * (weeks + 1)


@settings(max_examples=150, deadline=None)
@given(
    st.decimals(min_value=D("0"), max_value=D("1000000"), places=2),
    st.lists(st.integers(1, 10000), min_size=1, max_size=6),
)
def test_percent_splits_always_add_up_and_differ_from_exact_by_under_a_penny_each(whole, raw):
    # Percentages to two places that add up to exactly 100.
    scale = sum(raw)
    hundredths = [r * 10000 // scale for r in raw]
    hundredths[0] += 10000 - sum(hundredths)
    if any(h <= 0 for h in hundredths):
        return
    percents = {f"F{i}": D(h) / 100 for i, h in enumerate(hundredths)}
    shares = money.split_by_percent(whole, percents)
    assert sum(shares.values()) == whole
    largest = max(percents, key=lambda k: percents[k])
    for key, pounds in shares.items():
        exact = F(whole) * F(percents[key]) / 100
        if key == largest:
            assert F(pounds) >= exact - F(1, 100)
        else:
            assert exact - F(1, 100) < F(pounds) <= exact


@settings(max_examples=100, deadline=None)
@given(amounts, bases, days, st.integers(0, 900), st.lists(st.integers(1, 100), min_size=1, max_size=4))
def test_each_years_commitments_add_up_to_its_cost(amount, basis, start, length, weights):
    cost = Cost(amount, basis[0], weeks_per_year=basis[1])
    end = start + dt.timedelta(days=length)
    out = money.commitments_by_year(cost, {i: D(w) for i, w in enumerate(weights)}, start, end)
    assert {year: sum(parts.values()) for year, parts in out.items()} == money.cost_by_year(cost, start, end)


def test_apportion_weights_and_signs():
    # Whole-number weights; a negative amount (a refund) is split towards zero, the remainder to
    # the largest: -10 at 1:2 is -3.33 and -6.66, and the -0.01 left goes to the 2.
    assert money.apportion(D("10"), {"A": 1, "B": 3}) == {"A": D("2.50"), "B": D("7.50")}
    assert money.apportion(D("-10"), {"A": 1, "B": 2}) == {"A": D("-3.33"), "B": D("-6.67")}
    with pytest.raises(PanelMoneyError, match="not a float"):
        money.apportion(D("10"), {"A": 1.5})


def test_basis_spellings():
    assert Basis("a year") is YEAR
    assert Basis(" per Week ") is WEEK
    with pytest.raises(ValueError):
        Basis("monthly")
