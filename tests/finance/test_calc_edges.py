"""Edges of the pure finance calculations: both sides of each boundary, messages pinned whole.

Every expected figure is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from jointly.finance import calc
from jointly.finance.calc import FIXED, HOST, OWN, PROPORTIONAL, FinanceError, Rule


def refused(message: str):  # a pytest.raises context
    return pytest.raises(FinanceError, match=f"^{re.escape(message)}$")


# --- money -----------------------------------------------------------------------------------


def test_money_gives_pounds_and_pence_from_text_numbers_and_decimals():
    assert str(calc.money(" 7 ")) == "7.00"
    assert str(calc.money(5)) == "5.00"
    assert str(calc.money(D("12.3"))) == "12.30"
    assert str(calc.money(D("10.000"))) == "10.00"  # zeros past the pence are not pence
    assert str(calc.money("-0.01")) == "-0.01"


def test_money_names_text_that_is_not_a_number_and_cuts_it_at_40_characters():
    with refused("'ten pounds' is not an amount of money"):
        calc.money("ten pounds")
    with refused("'" + "x" * 40 + "' is not an amount of money"):
        calc.money("x" * 50)


@pytest.mark.parametrize("value", ["NaN", "Infinity", D("NaN"), D("-Infinity")])
def test_money_refuses_what_is_not_finite_as_text_or_decimal(value):
    with refused("An amount must be a finite number"):
        calc.money(value)


def test_money_refuses_a_fraction_of_a_penny_given_as_a_decimal():
    with refused("0.001 has more than two decimal places: give pounds and pence"):
        calc.money(D("0.001"))
    with refused("-2.995 has more than two decimal places: give pounds and pence"):
        calc.money("-2.995")


def test_money_refuses_an_amount_too_large_for_the_arithmetic_instead_of_crashing():
    # 26 digits before the point and 2 after fill the 28 digits of the decimal context.
    assert calc.money("9" * 26) == D("9" * 26 + ".00")
    with refused("'1" + "0" * 26 + "' is too large an amount of money"):
        calc.money("1" + "0" * 26)  # 27 digits
    with refused("'1E+30' is too large an amount of money"):
        calc.money("1E+30")
    with refused("'" + "1" * 40 + "' is too large an amount of money"):
        calc.money("1" * 45)


# --- variance --------------------------------------------------------------------------------


def test_variance_words_at_a_penny_either_side_of_zero():
    assert calc.variance_words(D("0.01")) == "overspend"
    assert calc.variance_words(D("0.00")) == "on budget"
    assert calc.variance_words(D("-0.01")) == "underspend"


# --- percentages -----------------------------------------------------------------------------


def test_percentages_needed():
    with refused("A fixed-percentage rule needs each partner's percentage"):
        calc.check_percentages({})


def test_a_zero_or_fractional_percentage_is_allowed_a_negative_one_is_not():
    assert calc.check_percentages({"a": D("100"), "b": D("0")}) is None
    assert calc.check_percentages({"a": D("99.5"), "b": D("0.5")}) is None
    with refused("A percentage cannot be negative"):
        calc.check_percentages({"a": D("100.01"), "b": D("-0.01")})


def test_percentages_not_adding_to_100_say_what_they_add_to():
    with refused("The percentages add up to 99.99, not 100"):
        calc.check_percentages({"a": D("33.33"), "b": D("33.33"), "c": D("33.33")})
    with refused("The percentages add up to 100.5, not 100"):
        calc.check_percentages({"a": D("60.50"), "b": D("40.00")})
    # Whole-number percentages may come as ints: 60 + 30 = 90.
    with refused("The percentages add up to 90, not 100"):
        calc.check_percentages({"a": 60, "b": 30})


# --- apportion -------------------------------------------------------------------------------


def test_the_penny_goes_to_the_largest_weight_when_the_host_is_not_a_sharer():
    # 10.00 x 2/3 = 6.666 -> 6.66; 10.00 x 1/3 = 3.333 -> 3.33; the 0.01 left to a (largest).
    expected = {"a": D("6.67"), "b": D("3.33")}
    assert calc.apportion(D("10.00"), {"a": D("2"), "b": D("1")}, host="h") == expected
    # A host with a zero weight is not a sharer either, and gets no share at all.
    assert calc.apportion(D("10.00"), {"a": D("2"), "b": D("1"), "h": D("0")}, host="h") == expected


def test_zero_and_negative_weights_are_left_out():
    # 9.00 over a:b = 2:1 -> 6.00 and 3.00 exactly; c (0) and d (-1) take nothing.
    shares = calc.apportion(D("9.00"), {"a": D("2"), "b": D("1"), "c": D("0"), "d": D("-1")})
    assert shares == {"a": D("6.00"), "b": D("3.00")}


def test_with_no_positive_weight_the_host_takes_it_all_and_without_a_host_nobody_can():
    shares = calc.apportion(D("12.5"), {"a": D("0")}, host="h")
    assert shares == {"h": D("12.50")} and str(shares["h"]) == "12.50"
    with refused("Nobody to share the variance with: no contributions and no host"):
        calc.apportion(D("12.50"), {"a": D("0")})  # host left to its default
    with refused("Nobody to share the variance with: no contributions and no host"):
        calc.apportion(D("12.50"), {}, host=None)


def test_a_tie_for_the_penny_goes_to_the_first_named():
    # 0.01 / 2 = 0.005 -> 0.00 each; the penny to the first of the two equal weights.
    assert calc.apportion(D("0.01"), {"a": D("1"), "b": D("1")}) == {"a": D("0.01"), "b": D("0.00")}
    assert calc.apportion(D("0.01"), {"b": D("1"), "a": D("1")}) == {"b": D("0.01"), "a": D("0.00")}


def test_an_underspend_is_rounded_towards_zero_and_the_penny_goes_the_same_way():
    # -10.00 x 2/3 = -6.666 -> -6.66; -10.00 x 1/3 = -3.333 -> -3.33; -0.01 left to a.
    assert calc.apportion(D("-10.00"), {"a": 2, "b": 1}) == {"a": D("-6.67"), "b": D("-3.33")}


# --- rules -----------------------------------------------------------------------------------


def test_a_percentage_cap_is_rounded_half_up_to_the_penny():
    # 1% of 250.50 = 2.505 -> 2.51 (half up; half-even would give 2.50).
    assert Rule(HOST, cap_percent=D("1")).cap(D("250.50")) == D("2.51")
    assert Rule(HOST, cap_amount=D("7.00")).cap(D("250.50")) == D("7.00")
    assert Rule(HOST).cap(D("250.50")) is None
    # Applied: the host bears the first 2.51 of 10.00, partner a the other 7.49.
    rules = [Rule(HOST, cap_percent=D("1")), Rule(PROPORTIONAL)]
    shares = calc.share_variance(D("10.00"), rules, budget=D("250.50"), contributions={"a": D("1")}, host="h")
    assert shares == {"h": D("2.51"), "a": D("7.49")}


def test_a_rule_with_both_caps_is_refused_with_the_whole_message():
    with refused("Give a cap as an amount or as a percentage, not both"):
        calc.check_rule(Rule(HOST, cap_amount=D("1"), cap_percent=D("1")))
    with refused("Unknown risk-share method 'lottery'"):
        calc.check_rule(Rule("lottery"))


@pytest.mark.parametrize("cap", [D("0"), D("0.50"), D("1000000")])
def test_a_cap_amount_of_zero_or_more_is_allowed(cap):
    assert calc.check_rule(Rule(HOST, cap_amount=cap)) is None


def test_a_negative_cap_amount_is_refused():
    with refused("A cap cannot be negative"):
        calc.check_rule(Rule(HOST, cap_amount=D("-0.01")))


@pytest.mark.parametrize("percent", [D("0"), D("0.5"), D("100")])
def test_a_cap_percentage_from_0_to_100_is_allowed(percent):
    assert calc.check_rule(Rule(HOST, cap_percent=percent)) is None


@pytest.mark.parametrize("percent", [D("-0.01"), D("100.01")])
def test_a_cap_percentage_outside_0_to_100_is_refused(percent):
    with refused("A cap percentage must be between 0 and 100"):
        calc.check_rule(Rule(HOST, cap_percent=percent))


# --- share_variance --------------------------------------------------------------------------


def test_the_host_rule_without_a_host_is_refused_with_the_whole_message():
    with refused("The rule says the host bears the variance, but the fund has no host"):
        calc.share_variance(D("1.00"), [Rule(HOST)], budget=D("1"), contributions={"a": D("1")})


def test_a_zero_variance_shares_nothing_even_under_rules_that_would_be_refused():
    # 0.004 is 0.00 to the penny.
    assert calc.share_variance(D("0.004"), [Rule("lottery")], budget=D("1"), contributions={}) == {}


def test_own_variances_must_add_up_and_zero_ones_are_left_out():
    own = {"a": D("5"), "b": D("0"), "c": D("-2.5")}  # 5.00 + 0 - 2.50 = 2.50
    shares = calc.share_variance(D("2.50"), [Rule(OWN)], budget=D("1"), contributions={}, own_variances=own)
    assert shares == {"a": D("5.00"), "c": D("-2.50")} and str(shares["c"]) == "-2.50"
    with refused("The partners' own variances do not add up to the fund's variance"):
        calc.share_variance(D("2.51"), [], budget=D("1"), contributions={}, own_variances=own)
    with refused("The partners' own variances do not add up to the fund's variance"):
        calc.share_variance(D("2.50"), [], budget=D("1"), contributions={})  # none given


@pytest.mark.parametrize("variance", [D("50.00"), D("150.00"), D("-50.00")])
def test_each_bears_its_own_after_another_rule_is_refused_whatever_the_variance(variance):
    rules = [Rule(HOST, cap_amount=D("100")), Rule(OWN)]
    with refused("'Each bears its own' can only be the first rule"):
        calc.share_variance(variance, rules, budget=D("1000"), contributions={"a": D("1")}, host="h")


def test_the_last_rule_takes_the_rest_whatever_its_cap():
    # The host bears the first 100.00 of 150.00; the last rule takes all the other 50.00, not 10.00.
    rules = [Rule(HOST, cap_amount=D("100")), Rule(PROPORTIONAL, cap_amount=D("10"))]
    shares = calc.share_variance(D("150.00"), rules, budget=D("1000"), contributions={"a": D("1")}, host="h")
    assert shares == {"h": D("100.00"), "a": D("50.00")}
    # A single rule is the last one: its cap does not limit it either.
    alone = calc.share_variance(
        D("50.00"), [Rule(HOST, cap_amount=D("10"))], budget=D("1"), contributions={}, host="h"
    )
    assert alone == {"h": D("50.00")}


def test_a_rule_without_a_cap_takes_everything_and_later_rules_are_not_applied():
    # 30.00 over 2:1 -> 20.00 and 10.00; the host rule after it (and no host) never comes into it.
    rules = [Rule(PROPORTIONAL), Rule(HOST)]
    shares = calc.share_variance(D("30.00"), rules, budget=D("1"), contributions={"a": D("2"), "b": D("1")})
    assert shares == {"a": D("20.00"), "b": D("10.00")}


def test_a_rule_capped_at_zero_is_not_applied():
    # The host rule takes nothing (and so does not need a host); the next rule takes all 30.00.
    rules = [Rule(HOST, cap_amount=D("0")), Rule(PROPORTIONAL)]
    shares = calc.share_variance(D("30.00"), rules, budget=D("1"), contributions={"a": D("2"), "b": D("1")})
    assert shares == {"a": D("20.00"), "b": D("10.00")}


def test_a_variance_exactly_at_the_cap_stays_with_the_first_rule_a_penny_more_goes_on():
    rules = [Rule(PROPORTIONAL, cap_amount=D("100")), Rule(HOST)]
    at_cap = calc.share_variance(D("100.00"), rules, budget=D("1"), contributions={"a": D("1")})
    assert at_cap == {"a": D("100.00")}  # the host rule (with no host) is not reached
    with refused("The rule says the host bears the variance, but the fund has no host"):
        calc.share_variance(D("100.01"), rules, budget=D("1"), contributions={"a": D("1")})
    over = calc.share_variance(D("100.01"), rules, budget=D("1"), contributions={"a": D("1")}, host="h")
    assert over == {"a": D("100.00"), "h": D("0.01")}


def test_less_than_a_pound_left_after_a_cap_is_still_shared():
    # 100.40 - 100.00 = 0.40 to the next rule.
    rules = [Rule(HOST, cap_amount=D("100")), Rule(PROPORTIONAL)]
    shares = calc.share_variance(D("100.40"), rules, budget=D("1"), contributions={"a": D("1")}, host="h")
    assert shares == {"h": D("100.00"), "a": D("0.40")}


def test_a_small_overspend_is_positive_and_a_capped_underspend_is_negative():
    small = calc.share_variance(D("0.50"), [Rule(PROPORTIONAL)], budget=D("1"), contributions={"a": D("1")})
    assert small == {"a": D("0.50")}
    # Underspend 150,000: the host (council) takes the first 100,000; the other 50,000 split
    # 600k:400k -> ccg 30,000, council 20,000; council -100,000 - 20,000 = -120,000.
    rules = [Rule(HOST, cap_amount=D("100000")), Rule(PROPORTIONAL)]
    shares = calc.share_variance(
        D("-150000.00"), rules, budget=D("1000000"),
        contributions={"ccg": D("600000"), "council": D("400000")}, host="council",
    )  # fmt: skip
    assert shares == {"council": D("-120000.00"), "ccg": D("-30000.00")}


def test_fixed_percentages_capped_then_the_rest_to_the_host():
    # 1,000.00 overspend: the first 100.00 split 70/30 -> 70.00 / 30.00; the other 900.00 to b.
    rules = [Rule(FIXED, percentages={"a": D("70"), "b": D("30")}, cap_amount=D("100")), Rule(HOST)]
    shares = calc.share_variance(D("1000.00"), rules, budget=D("1"), contributions={}, host="b")
    assert shares == {"a": D("70.00"), "b": D("930.00")}


# --- positions -------------------------------------------------------------------------------


def _line(budget: str, forecasts: dict, owner: str | None) -> calc.LineFigures:
    return calc.LineFigures(
        budget=D(budget), actuals={}, forecasts={m: D(v) for m, v in forecasts.items()}, owner=owner
    )


def test_a_forecast_counts_from_the_month_it_was_made():
    line = _line("1200.00", {2: "1300.00", 5: "1250.00"}, None)
    assert calc.forecast_outturn(line, 1) == D("1200.00")
    assert calc.forecast_outturn(line, 2) == D("1300.00")
    assert calc.forecast_outturn(line, 4) == D("1300.00")
    assert calc.forecast_outturn(line, 5) == D("1250.00")
    assert calc.forecast_outturn(line, 12) == D("1250.00")


def test_own_variances_add_each_owners_lines_and_leave_out_lines_without_an_owner():
    lines = [
        _line("1000.00", {3: "1100.00"}, "ccg"),  # +100.00 from month 3
        _line("500.00", {6: "450.00"}, "ccg"),  # -50.00 from month 6
        _line("200.00", {1: "260.00"}, "council"),  # +60.00 from month 1
        _line("300.00", {1: "400.00"}, None),  # nobody's
    ]
    assert calc.own_variances(lines, 2) == {"ccg": D("0.00"), "council": D("60.00")}
    assert calc.own_variances(lines, 3) == {"ccg": D("100.00"), "council": D("60.00")}
    assert calc.own_variances(lines, 6) == {"ccg": D("50.00"), "council": D("60.00")}  # 100 - 50
    assert calc.own_variances([], 6) == {}


def test_position_at_budget_is_not_an_overspend():
    pos = calc.position([_line("100.00", {1: "100.00"}, None)], 1)
    assert pos.variance == D("0.00") and not pos.overspend


# --- months, part years, rates ---------------------------------------------------------------


@pytest.mark.parametrize("month", [1, 12])
def test_months_1_and_12_are_financial_months(month):
    assert calc.check_month(month) is None


@pytest.mark.parametrize("month, shown", [(0, "0"), (13, "13"), (True, "True"), ("3", "'3'"), (3.0, "3.0")])
def test_other_months_are_refused_with_the_whole_message(month, shown):
    with refused(f"Month {shown} is not a financial month: 1 (April) to 12 (March)"):
        calc.check_month(month)


def test_part_year_from_0_to_12_months_rounded_half_up():
    assert calc.part_year(D("70000.00"), 0) == D("0.00")
    assert calc.part_year(D("70000.00"), 12) == D("70000.00")
    # 1,000.02 x 3 / 12 = 3,000.06 / 12 = 250.005 -> 250.01 (half up; half-even would give 250.00).
    assert calc.part_year(D("1000.02"), 3) == D("250.01")


@pytest.mark.parametrize("months", [-1, 13])
def test_part_year_outside_0_to_12_is_refused(months):
    with refused("A part year is 0 to 12 months"):
        calc.part_year(D("1000.00"), months)


def test_rate_of_is_a_percentage_of_the_amount_to_the_penny_half_up():
    assert calc.rate_of(D("80000.00"), D("12.5")) == D("10000.00")  # 80,000 / 8
    assert calc.rate_of(D("1000.00"), D("2.5")) == D("25.00")
    # 250.50 x 1% = 2.505 -> 2.51 (half up; half-even would give 2.50).
    assert calc.rate_of(D("250.50"), D("1")) == D("2.51")


def test_reconciliation_that_agrees_to_the_penny():
    r = calc.reconcile(D("1200.00"), D("1200"))
    assert r.difference == D("0.00") and r.agrees
    assert calc.reconcile(D("1200.00"), D("1200.01")).difference == D("0.01")
