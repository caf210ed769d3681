"""Current value and end date come from approved variations only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from jointly.contracts import terms
from jointly.contracts.models import validate_financial_year


@dataclass
class V:
    status: str
    value_change: Decimal | None
    new_end_date: dt.date | None
    effective_date: dt.date
    pk: int | None


def test_only_approved_variations_change_terms():
    end = dt.date(2014, 3, 31)
    vs = [
        V("approved", Decimal("10"), None, dt.date(2014, 1, 1), 1),
        V("proposed", Decimal("1000"), dt.date(2020, 1, 1), dt.date(2014, 1, 2), 2),
        V("rejected", Decimal("-50"), dt.date(2019, 1, 1), dt.date(2014, 1, 3), 3),
        V("approved", None, dt.date(2014, 8, 31), dt.date(2014, 2, 1), 4),
    ]
    t = terms.current_terms(Decimal("100"), end, vs)
    assert t.value == Decimal("110")
    assert t.end_date == dt.date(2014, 8, 31)
    assert [s.variation.pk for s in t.steps] == [1, 4]
    assert t.original_value == Decimal("100") and t.original_end_date == end


def test_approved_variations_apply_in_effective_date_order():
    vs = [
        V("approved", None, dt.date(2014, 9, 30), dt.date(2014, 6, 1), 2),
        V("approved", None, dt.date(2014, 8, 31), dt.date(2014, 3, 1), 1),
    ]
    assert terms.current_terms(None, dt.date(2014, 3, 31), vs).end_date == dt.date(2014, 9, 30)


def test_no_variations_leave_terms_alone():
    t = terms.current_terms(None, dt.date(2014, 3, 31), [])
    assert t.value is None and not t.varied


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2014, 3, 31), -6, dt.date(2013, 9, 30)),
        (dt.date(2014, 1, 31), 1, dt.date(2014, 2, 28)),
        (dt.date(2014, 3, 31), 24, dt.date(2016, 3, 31)),
    ],
)
def test_month_arithmetic(day, months, expected):
    assert terms.add_months(day, months) == expected


def test_notice_and_extensions():
    assert terms.notice_by(dt.date(2014, 8, 31), 3) == dt.date(2014, 5, 31)
    assert terms.latest_possible_end(dt.date(2015, 3, 31), 2, 12) == dt.date(2017, 3, 31)
    assert terms.financial_year(dt.date(2014, 4, 1)) == "2014/15"
    assert terms.financial_year(dt.date(2015, 3, 31)) == "2014/15"
    assert terms.quarter_label(dt.date(2014, 3, 31)) == "2013/14 Q4"
    assert terms.quarter_label(dt.date(2014, 4, 1)) == "2014/15 Q1"


def test_financial_year_validation():
    validate_financial_year("2014/15")
    for bad in ("2014/16", "2014-15", "14/15", ""):
        with pytest.raises(Exception):  # noqa: B017
            validate_financial_year(bad)


# --- Every boundary pinned (issue 18) --------------------------------------------------------------


def test_two_same_day_variations_apply_in_id_order_whatever_order_they_come_in():
    day = dt.date(2014, 2, 1)
    vs = [
        V("approved", Decimal("-30"), dt.date(2014, 12, 31), day, 9),
        V("approved", Decimal("5"), dt.date(2014, 6, 30), day, 3),
    ]
    t = terms.current_terms(Decimal("100"), dt.date(2014, 3, 31), vs)
    assert [s.variation.pk for s in t.steps] == [3, 9]
    assert [(s.value, s.end_date) for s in t.steps] == [
        (Decimal("105"), dt.date(2014, 6, 30)),
        (Decimal("75"), dt.date(2014, 12, 31)),
    ]
    assert (t.value, t.end_date) == (Decimal("75"), dt.date(2014, 12, 31))
    # a variation not yet saved (no id) comes before saved ones of its day
    unsaved = V("approved", None, dt.date(2015, 3, 31), day, None)
    t = terms.current_terms(Decimal("100"), dt.date(2014, 3, 31), [*vs, unsaved])
    assert [s.variation.pk for s in t.steps] == [None, 3, 9]
    assert t.end_date == dt.date(2014, 12, 31)
    # the end date in force on a day follows the same order
    assert terms.end_as_at(dt.date(2014, 3, 31), [*vs, unsaved], day) == dt.date(2014, 12, 31)


def test_a_value_change_on_a_contract_without_a_value_starts_from_nothing():
    vs = [
        V("approved", Decimal("40"), None, dt.date(2014, 1, 1), 1),
        V("approved", None, None, dt.date(2014, 1, 2), 2),
    ]
    t = terms.current_terms(None, dt.date(2014, 3, 31), vs)
    assert t.value == Decimal("40") and t.varied
    assert [(s.value, s.end_date) for s in t.steps] == [
        (Decimal("40"), dt.date(2014, 3, 31)),
        (Decimal("40"), dt.date(2014, 3, 31)),
    ]
    assert t.original_value is None and t.by_year == {}


def test_terms_by_financial_year_given_a_start():
    start, end = dt.date(2013, 4, 1), dt.date(2015, 3, 31)
    vs = [V("approved", None, dt.date(2015, 9, 30), dt.date(2014, 6, 1), 1)]
    t = terms.current_terms(Decimal("2400"), end, vs, start=start)
    # £1,200 a year; six more months at that rate
    assert t.by_year == {
        "2013/14": Decimal("1200.00"),
        "2014/15": Decimal("1200.00"),
        "2015/16": Decimal("600.00"),
    }
    assert t.value == Decimal("3000.00") and t.original_value == Decimal("2400")
    assert [(s.value, s.end_date) for s in t.steps] == [(Decimal("3000.00"), dt.date(2015, 9, 30))]
    # values recorded per year replace the even spread, and without a value the original is their sum
    t = terms.current_terms(
        None, end, [], start=start, year_values={"2013/14": Decimal("700"), "2014/15": Decimal("900")}
    )
    assert t.by_year == {"2013/14": Decimal("700"), "2014/15": Decimal("900")}
    assert t.value == Decimal("1600") and t.original_value == Decimal("1600")
    # no value and no yearly values: nothing to hold by year
    t = terms.current_terms(None, end, vs, start=start)
    assert t.value is None and t.by_year == {} and t.original_value is None
    assert [(s.value, s.end_date) for s in t.steps] == [(None, dt.date(2015, 9, 30))]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2014, 1, 15), -1, dt.date(2013, 12, 15)),
        (dt.date(2014, 12, 15), 1, dt.date(2015, 1, 15)),
        (dt.date(2016, 1, 31), 1, dt.date(2016, 2, 29)),
        (dt.date(2014, 5, 31), 0, dt.date(2014, 5, 31)),
        (dt.date(2014, 5, 30), 1, dt.date(2014, 6, 30)),
        (dt.date(2014, 12, 31), -12, dt.date(2013, 12, 31)),
    ],
)
def test_month_arithmetic_across_years_and_short_months(day, months, expected):
    assert terms.add_months(day, months) == expected


def test_notice_and_extension_edges():
    assert terms.notice_by(dt.date(2015, 3, 31), 0) == dt.date(2015, 3, 31)
    assert terms.notice_by(dt.date(2015, 3, 31), 1) == dt.date(2015, 2, 28)
    assert terms.latest_possible_end(dt.date(2015, 3, 31), 0, 12) == dt.date(2015, 3, 31)
    assert terms.latest_possible_end(dt.date(2015, 3, 31), 3, 6) == dt.date(2016, 9, 30)


def test_end_as_at_counts_variations_in_force_on_the_day():
    end = dt.date(2015, 3, 31)
    vs = [
        V("approved", None, dt.date(2016, 3, 31), dt.date(2015, 1, 15), 1),
        V("proposed", None, dt.date(2019, 3, 31), dt.date(2015, 1, 1), 2),
        V("approved", Decimal("5"), None, dt.date(2015, 1, 20), 3),  # value only: end unchanged
    ]
    assert terms.end_as_at(end, vs, dt.date(2015, 1, 14)) == end
    assert terms.end_as_at(end, vs, dt.date(2015, 1, 15)) == dt.date(2016, 3, 31)
    assert terms.end_as_at(end, vs, dt.date(2015, 6, 1)) == dt.date(2016, 3, 31)


S, E = dt.date(2013, 4, 1), dt.date(2015, 3, 31)  # three months' notice: from 31 Dec 2014
EXT = [V("approved", None, dt.date(2016, 3, 31), dt.date(2015, 1, 15), 1)]
CUT = [V("approved", None, dt.date(2014, 9, 30), dt.date(2014, 5, 1), 1)]


@pytest.mark.parametrize(
    ("as_at", "variations", "recorded", "expected"),
    [
        (dt.date(2013, 3, 31), [], "", terms.NOT_STARTED),
        (dt.date(2013, 4, 1), [], "", terms.LIVE),
        (dt.date(2014, 12, 30), [], "", terms.LIVE),
        (dt.date(2014, 12, 31), [], "", terms.IN_NOTICE),
        (dt.date(2015, 3, 31), [], "", terms.IN_NOTICE),
        (dt.date(2015, 4, 1), [], "", terms.EXPIRED),
        (dt.date(2015, 4, 1), EXT, "", terms.EXTENDED),
        (dt.date(2015, 12, 30), EXT, "", terms.EXTENDED),
        (dt.date(2015, 12, 31), EXT, "", terms.IN_NOTICE),
        (dt.date(2016, 3, 31), EXT, "", terms.IN_NOTICE),
        (dt.date(2016, 4, 1), EXT, "", terms.EXPIRED),
        (dt.date(2014, 6, 29), CUT, "", terms.LIVE),  # notice by 30 Jun for the new end
        (dt.date(2014, 6, 30), CUT, "", terms.IN_NOTICE),
        (dt.date(2014, 10, 1), CUT, "", terms.EXPIRED),
        (dt.date(2013, 4, 1), [], "ended", terms.TERMINATED),
        (dt.date(2015, 3, 31), [], "decommissioned", terms.TERMINATED),
        (dt.date(2015, 4, 1), [], "ended", terms.EXPIRED),
        (dt.date(2013, 3, 31), [], "ended", terms.NOT_STARTED),
        (dt.date(2014, 6, 1), [], "live", terms.LIVE),
        (dt.date(2014, 6, 1), [], "extended", terms.LIVE),
    ],
)
def test_status_as_at_every_boundary(as_at, variations, recorded, expected):
    assert terms.status_as_at(as_at, S, E, 3, variations, recorded) == expected
    if not recorded:
        assert terms.status_as_at(as_at, S, E, 3, variations) == expected


def test_status_labels_and_open_statuses():
    assert terms.STATUS_LABELS == {
        "not_started": "Not started",
        "live": "Live",
        "in_notice": "In notice",
        "extended": "Extended",
        "expired": "Expired",
        "terminated": "Terminated",
    }
    assert terms.OPEN == ("not_started", "live", "in_notice", "extended")
    assert terms.RECORDED_CLOSED == ("ended", "decommissioned")
    assert terms.APPROVED == "approved"


def test_an_unsaved_variation_comes_before_the_first_saved_one_of_its_day():
    day = dt.date(2014, 2, 1)
    vs = [
        V("approved", None, dt.date(2014, 6, 30), day, 1),
        V("approved", None, dt.date(2014, 12, 31), day, None),
    ]
    assert terms.current_terms(None, dt.date(2014, 3, 31), vs).end_date == dt.date(2014, 6, 30)
    assert terms.end_as_at(dt.date(2014, 3, 31), vs, day) == dt.date(2014, 6, 30)


def test_each_step_holds_the_terms_after_its_own_variation_and_those_before():
    start, end = dt.date(2013, 4, 1), dt.date(2015, 3, 31)
    first = V("approved", None, dt.date(2015, 9, 30), dt.date(2014, 6, 1), 1)
    second = V("approved", Decimal("500"), None, dt.date(2014, 9, 1), 2)
    both = terms.current_terms(Decimal("2400"), end, [first, second], start=start)
    after_first = terms.current_terms(Decimal("2400"), end, [first], start=start)
    assert [s.value for s in both.steps] == [after_first.value, both.value]
    assert both.value != after_first.value
    # yearly values carry into every step, not only into the final terms
    years = {"2013/14": Decimal("700"), "2014/15": Decimal("900")}
    t = terms.current_terms(None, end, [first], start=start, year_values=years)
    assert t.steps[0].value == t.value and t.value is not None and t.value > Decimal("1600")
