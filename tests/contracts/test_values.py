"""Contract value per financial year: extensions never reduce it; funding shares reconcile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from jointly.contracts import terms, values

D, M = dt.date, Decimal


@dataclass
class V:
    status: str
    value_change: Decimal | None
    new_end_date: dt.date | None
    effective_date: dt.date
    pk: int


def test_even_spread_by_months_over_financial_years():
    s = values.schedule(D(2013, 4, 1), D(2016, 3, 31), M("7800000"))
    assert s.years == {"2013/14": M("2600000.00"), "2014/15": M("2600000.00"), "2015/16": M("2600000.00")}
    part = values.schedule(D(2012, 4, 1), D(2015, 1, 31), M("3740000"))  # 34 months
    assert part.years["2014/15"] == M("1100000.00") and part.total == M("3740000.00")
    assert values.schedule(D(2013, 4, 1), D(2014, 3, 31), None) is None


def test_pennies_add_up_exactly():
    s = values.schedule(D(2013, 4, 1), D(2016, 3, 31), M("100000"))
    assert s.total == M("100000.00")
    assert s.years["2013/14"] == M("33333.33") and s.years["2015/16"] == M("33333.34")


def test_31_march_and_1_april_fall_in_different_years():
    s = values.schedule(D(2014, 3, 31), D(2014, 4, 1), M("100"))
    assert set(s.years) == {"2013/14", "2014/15"} and s.total == M("100.00")
    assert s.annual_value(D(2014, 3, 31)) == s.years["2013/14"]
    assert s.annual_value(D(2014, 4, 1)) == s.years["2014/15"]
    assert s.annual_value(D(2020, 1, 1)) is None


def test_term_extension_without_a_value_continues_at_the_annual_rate():
    # Essex school nursing, South: £1.4m for 2013/14, extended five months to 31 August 2014
    extension = V("approved", None, D(2014, 8, 31), D(2014, 3, 1), 1)
    s = values.schedule(D(2013, 4, 1), D(2014, 3, 31), M("1400000"), [extension])
    assert s.years == {"2013/14": M("1400000.00"), "2014/15": M("583333.33")}
    assert s.total > M("1400000") and s.end_date == D(2014, 8, 31)
    # and the 5% efficiency on the extended months applies to 2014/15
    efficiency = V("approved", M("-29167"), None, D(2014, 4, 1), 2)
    s = values.schedule(D(2013, 4, 1), D(2014, 3, 31), M("1400000"), [extension, efficiency])
    assert s.years["2014/15"] == M("554166.33")
    assert s.total >= M("1400000")  # never below the original value


def test_term_extension_with_a_stated_value_uses_it():
    ext = V("approved", M("120000"), D(2015, 6, 30), D(2015, 1, 1), 1)
    s = values.schedule(D(2014, 4, 1), D(2015, 3, 31), M("400000"), [ext])
    assert s.years == {"2014/15": M("400000.00"), "2015/16": M("120000.00")}


def test_term_reduction_without_a_value_removes_the_months_cut():
    cut = V("approved", None, D(2015, 9, 30), D(2014, 3, 1), 1)
    s = values.schedule(D(2013, 4, 1), D(2016, 3, 31), M("3600000"), [cut])
    assert s.years["2015/16"] == M("600000.00") and s.total == M("3000000.00")


def test_only_approved_variations_count_and_per_year_values_replace_the_spread():
    vs = [
        V("proposed", M("1000"), None, D(2014, 1, 1), 1),
        V("rejected", None, D(2020, 1, 1), D(2014, 1, 1), 2),
    ]
    s = values.schedule(D(2013, 4, 1), D(2015, 3, 31), M("200"), vs)
    assert s.years == {"2013/14": M("100.00"), "2014/15": M("100.00")}
    stepped = values.schedule(
        D(2013, 4, 1), D(2015, 3, 31), None, [], {"2013/14": M("80"), "2014/15": M("120")}
    )
    assert stepped.total == M("200.00") and stepped.years["2014/15"] == M("120.00")


def test_value_change_outside_the_term_lands_in_its_first_or_last_year():
    early = V("approved", M("10"), None, D(2012, 1, 1), 1)
    late = V("approved", M("5"), None, D(2030, 1, 1), 2)
    s = values.schedule(D(2013, 4, 1), D(2015, 3, 31), M("200"), [early, late])
    assert s.years == {"2013/14": M("110.00"), "2014/15": M("105.00")}


def test_current_terms_with_a_start_use_the_schedule():
    ext = V("approved", None, D(2014, 8, 31), D(2014, 3, 1), 1)
    old_way = terms.current_terms(M("1400000"), D(2014, 3, 31), [ext])
    assert old_way.value == M("1400000")  # without a start date: the value as typed
    t = terms.current_terms(M("1400000"), D(2014, 3, 31), [ext], start=D(2013, 4, 1))
    assert t.value == M("1983333.33") and t.steps[0].value == t.value
    assert t.by_year["2014/15"] == M("583333.33") and t.original_value == M("1400000")


def test_reconcile_with_funding_shares():
    checks = values.reconcile(
        {"2013/14": M("100"), "2014/15": M("100")},
        [("2014/15", M("60")), ("2014/15", M("40")), ("2015/16", M("5"))],
    )
    assert [(c.year, c.contract_value, c.funded, c.difference) for c in checks] == [
        ("2013/14", M("100"), None, None),
        ("2014/15", M("100"), M("100"), M("0")),
        ("2015/16", None, M("5"), None),
    ]


@pytest.mark.django_db
def test_demo_contract_values_agree_with_their_funding_shares():
    from jointly.contracts.models import Contract
    from jointly.demo import loader

    loader.load(with_users=False)
    for c in Contract.objects.prefetch_related("variations", "funding"):
        current = c.current_terms()
        if c.value is not None:
            assert current.value >= c.value or any(
                v.value_change and v.value_change < 0 for v in c.variations.all()
            ), c.reference
        checks = values.reconcile(current.by_year, [(s.financial_year, s.amount) for s in c.funding.all()])
        wrong = [
            (x.year, x.contract_value, x.funded) for x in checks if x.funded is not None and x.difference
        ]
        assert not wrong, (c.reference, wrong)
    sn = Contract.objects.get(reference="ESX-C-SN-S")
    assert sn.current_terms().value == M("1954166.33")  # more than the £1.4m signed: extended five months
