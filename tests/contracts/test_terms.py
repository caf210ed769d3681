"""Current value and end date come from approved variations only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from jointly.contracts import terms
from jointly.contracts.models import validate_financial_year
from tests.factories import contract, variation


@dataclass
class V:
    status: str
    value_change: Decimal | None
    new_end_date: dt.date | None
    effective_date: dt.date
    pk: int


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


def test_model_derivation_uses_approved_variations(world):
    c = contract(world.p, world.provider, world.ccg, value=Decimal("1000"), end_date=dt.date(2014, 3, 31))
    variation(c, value_change=Decimal("200"), status="approved")
    variation(c, value_change=Decimal("999"), status="proposed")
    variation(c, kind="term", value_change=None, new_end_date=dt.date(2014, 9, 30), status="approved")
    variation(c, kind="term", value_change=None, new_end_date=dt.date(2016, 1, 1), status="rejected")
    t = c.current_terms()
    # one year (2013/14) at £1,000 + £200, then six more months at that annual rate: an extension
    # with no value stated never reduces the value, nor leaves it flat
    assert t.by_year == {"2013/14": Decimal("1200.00"), "2014/15": Decimal("600.00")}
    assert t.value == Decimal("1800.00")
    assert t.end_date == dt.date(2014, 9, 30)
