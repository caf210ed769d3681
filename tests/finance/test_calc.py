"""The pure finance calculations, checked against figures worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jointly.finance import calc
from jointly.finance.calc import FIXED, HOST, OWN, PROPORTIONAL, FinanceError, Rule


def test_money_refuses_more_than_two_decimals_and_text():
    assert calc.money("1,234.5") == D("1234.50")
    assert calc.money(D("-176000")) == D("-176000.00")
    with pytest.raises(FinanceError, match="more than two decimal"):
        calc.money("10.005")
    with pytest.raises(FinanceError, match="not an amount"):
        calc.money("ten pounds")
    with pytest.raises(FinanceError):
        calc.money("NaN")


def test_variance_is_forecast_minus_budget():
    assert calc.variance(D("100.00"), D("120.00")) == D("20.00")  # overspend
    assert calc.variance(D("100.00"), D("90.00")) == D("-10.00")  # underspend
    assert calc.variance_words(D("20")) == "overspend"
    assert calc.variance_words(D("-1")) == "underspend"
    assert calc.variance_words(D("0")) == "on budget"


def test_percentages_must_add_to_100():
    calc.check_percentages({"a": D("60"), "b": D("40")})
    with pytest.raises(FinanceError, match="add up to 90, not 100"):
        calc.check_percentages({"a": D("60"), "b": D("30")})
    with pytest.raises(FinanceError, match="negative"):
        calc.check_percentages({"a": D("110"), "b": D("-10")})


def test_proportional_split_rounds_to_the_penny_and_gives_the_remainder_to_the_host():
    # £100.00 over contributions 1:1:1 -> 33.33 each, the odd penny to the host (b).
    shares = calc.share_variance(
        D("100.00"), [Rule(PROPORTIONAL)], budget=D("300"), contributions={"a": 1, "b": 1, "c": 1}, host="b"
    )
    assert shares == {"a": D("33.33"), "b": D("33.34"), "c": D("33.33")}
    assert sum(shares.values()) == D("100.00")


def test_remainder_goes_to_the_largest_contributor_without_a_host():
    # £10.00 split 2:1 -> 6.66 and 3.33 (rounded down), the penny left to the largest (a).
    shares = calc.share_variance(
        D("10.00"), [Rule(PROPORTIONAL)], budget=D("3"), contributions={"a": D("2"), "b": D("1")}
    )
    assert shares == {"a": D("6.67"), "b": D("3.33")}


def test_underspend_shares_are_negative_and_add_up():
    shares = calc.share_variance(
        D("-50.00"), [Rule(PROPORTIONAL)], budget=D("1000"), contributions={"a": D("700"), "b": D("300")}
    )
    assert shares == {"a": D("-35.00"), "b": D("-15.00")}


def test_fixed_percentages():
    rule = Rule(FIXED, percentages={"ccg": D("60"), "council": D("40")})
    shares = calc.share_variance(D("1000.01"), [rule], budget=D("1"), contributions={}, host="council")
    # 600.006 -> 600.00, 400.004 -> 400.00; the penny to the host (council).
    assert shares == {"ccg": D("600.00"), "council": D("400.01")}
    bad = Rule(FIXED, percentages={"ccg": D("60"), "council": D("30")})
    with pytest.raises(FinanceError, match="not 100"):
        calc.share_variance(D("1"), [bad], budget=D("1"), contributions={})


def test_host_bears():
    shares = calc.share_variance(D("250.00"), [Rule(HOST)], budget=D("1"), contributions={"a": 5}, host="h")
    assert shares == {"h": D("250.00")}
    with pytest.raises(FinanceError, match="no host"):
        calc.share_variance(D("1"), [Rule(HOST)], budget=D("1"), contributions={})


def test_cap_as_an_amount_then_the_next_rule():
    # Overspend £150,000 on a £1m pool. Rule 1: the host bears the first £100,000; rule 2: the
    # rest (£50,000) in proportion to contributions 600k (ccg) : 400k (council) -> 30,000 / 20,000.
    rules = [Rule(HOST, cap_amount=D("100000")), Rule(PROPORTIONAL)]
    shares = calc.share_variance(
        D("150000.00"), rules, budget=D("1000000"),
        contributions={"ccg": D("600000"), "council": D("400000")}, host="council",
    )  # fmt: skip
    assert shares == {"council": D("120000.00"), "ccg": D("30000.00")}
    # Below the cap the second rule never applies.
    below = calc.share_variance(
        D("80000"), rules, budget=D("1000000"), contributions={"ccg": 1}, host="council"
    )
    assert below == {"council": D("80000.00")}


def test_cap_as_a_percentage_of_the_budget():
    # 2% of a £500,000 budget = £10,000 shared 50/50, the remaining £5,000 borne by the host.
    rules = [Rule(FIXED, percentages={"a": D("50"), "b": D("50")}, cap_percent=D("2")), Rule(HOST)]
    shares = calc.share_variance(D("15000.00"), rules, budget=D("500000"), contributions={}, host="b")
    assert shares == {"a": D("5000.00"), "b": D("10000.00")}


def test_own_variance_for_aligned_budgets():
    own = {"ccg": D("255000.00"), "council": D("-40000.00")}
    shares = calc.share_variance(D("215000.00"), [], budget=D("1"), contributions={}, own_variances=own)
    assert shares == own
    with pytest.raises(FinanceError, match="do not add up"):
        calc.share_variance(D("1.00"), [Rule(OWN)], budget=D("1"), contributions={}, own_variances=own)


def test_a_rule_cannot_have_both_caps_or_an_unknown_method():
    with pytest.raises(FinanceError, match="not both"):
        calc.check_rule(Rule(HOST, cap_amount=D("1"), cap_percent=D("1")))
    with pytest.raises(FinanceError, match="Unknown"):
        calc.check_rule(Rule("lottery"))


def test_position_uses_the_latest_forecast_made_by_the_month():
    line = calc.LineFigures(
        budget=D("1200.00"),
        actuals={1: D("100"), 2: D("110"), 3: D("120")},
        forecasts={2: D("1300.00")},
    )
    assert calc.actual_to_date(line, 2) == D("210.00")
    assert calc.forecast_outturn(line, 1) == D("1200.00")  # no forecast yet: the budget
    assert calc.forecast_outturn(line, 3) == D("1300.00")
    pos = calc.position([line], 3)
    assert (pos.budget, pos.actual_to_date, pos.forecast_outturn, pos.variance) == (
        D("1200.00"), D("330.00"), D("1300.00"), D("100.00"),
    )  # fmt: skip
    assert pos.overspend


def test_reconcile_and_projection():
    r = calc.reconcile(D("13200000"), D("14000000"))
    assert r.difference == D("800000.00") and not r.agrees
    assert calc.project(D("1000.00"), [D("2.5"), D("2.5")]) == [D("1025.00"), D("1050.63")]
    assert calc.part_year(D("70000.00"), 5) == D("29166.67")
    with pytest.raises(FinanceError):
        calc.part_year(D("1"), 13)
    with pytest.raises(FinanceError):
        calc.check_month(0)


def test_grouped_bars_draw_negative_values_below_zero():
    from jointly.finance.chart import grouped_bars

    bars = grouped_bars(
        [("Acute", [D("1000"), D("1100")]), ("Contingency", [D("-176"), None])], ["13/14", "14/15"]
    )
    assert len(bars.bars) == 3 and [g for g, _x in bars.groups] == ["Acute", "Contingency"]
    acute, _acute2, contingency = bars.bars
    assert acute.y + acute.height == bars.zero_y  # above the zero line
    assert contingency.y == bars.zero_y and contingency.height > 0  # below it
    assert contingency.label == "Contingency, 13/14: −£176.00"
