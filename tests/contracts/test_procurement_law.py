"""Procurement law by who buys, what they buy and when the procurement began (RESOLUTIONS 18)."""

from __future__ import annotations

import datetime as dt

import pytest

from jointly.contracts import procurement_law as law
from jointly.contracts.procurement_law import Buyer, Regime, ServiceKind

D = dt.date
HC, SOCIAL, OTHER = ServiceKind.HEALTHCARE, ServiceKind.SOCIAL, ServiceKind.OTHER


@pytest.mark.parametrize(
    ("buyer", "day", "service", "expected"),
    [
        # before PCR 2006: nothing recorded
        (Buyer.COUNCIL, D(2006, 1, 30), HC, []),
        (Buyer.COUNCIL, D(2006, 1, 31), HC, [Regime.PCR_2006_PART_B]),
        (Buyer.COUNCIL, D(2006, 1, 31), OTHER, [Regime.PCR_2006]),
        # the NHS 2013 regulations from 1 April 2013, for NHS commissioners' health care only
        (Buyer.NHS_COMMISSIONER, D(2013, 3, 31), HC, [Regime.PCR_2006_PART_B]),
        (Buyer.NHS_COMMISSIONER, D(2013, 4, 1), HC, [Regime.PCR_2006_PART_B, Regime.NHS_PPCC_2013]),
        (Buyer.NHS_ENGLAND, D(2013, 4, 1), HC, [Regime.PCR_2006_PART_B, Regime.NHS_PPCC_2013]),
        (Buyer.NHS_COMMISSIONER, D(2013, 4, 1), OTHER, [Regime.PCR_2006]),
        (Buyer.NHS_TRUST, D(2013, 4, 1), HC, [Regime.PCR_2006_PART_B]),
        (Buyer.COUNCIL, D(2013, 4, 1), HC, [Regime.PCR_2006_PART_B]),
        # PCR 2015 from 26 February 2015 for councils and NHS bodies' non-health care
        (Buyer.COUNCIL, D(2015, 2, 25), HC, [Regime.PCR_2006_PART_B]),
        (Buyer.COUNCIL, D(2015, 2, 26), HC, [Regime.PCR_2015_LIGHT_TOUCH]),
        (Buyer.COUNCIL, D(2015, 2, 26), SOCIAL, [Regime.PCR_2015_LIGHT_TOUCH]),
        (Buyer.COUNCIL, D(2015, 2, 25), OTHER, [Regime.PCR_2006]),
        (Buyer.COUNCIL, D(2015, 2, 26), OTHER, [Regime.PCR_2015]),
        (Buyer.NHS_COMMISSIONER, D(2015, 2, 26), OTHER, [Regime.PCR_2015]),
        (Buyer.NHS_COMMISSIONER, D(2015, 2, 26), SOCIAL, [Regime.PCR_2015_LIGHT_TOUCH]),
        # NHS bodies' health care: PCR 2006 Part B until 18 April 2016
        (Buyer.NHS_COMMISSIONER, D(2016, 4, 17), HC, [Regime.PCR_2006_PART_B, Regime.NHS_PPCC_2013]),
        (Buyer.NHS_COMMISSIONER, D(2016, 4, 18), HC, [Regime.PCR_2015_LIGHT_TOUCH, Regime.NHS_PPCC_2013]),
        (Buyer.NHS_ENGLAND, D(2016, 4, 18), HC, [Regime.PCR_2015_LIGHT_TOUCH, Regime.NHS_PPCC_2013]),
        (Buyer.NHS_TRUST, D(2016, 4, 17), HC, [Regime.PCR_2006_PART_B]),
        (Buyer.NHS_TRUST, D(2016, 4, 18), HC, [Regime.PCR_2015_LIGHT_TOUCH]),
        # the Provider Selection Regime from 1 January 2024, councils' public health included
        (Buyer.NHS_COMMISSIONER, D(2023, 12, 31), HC, [Regime.PCR_2015_LIGHT_TOUCH, Regime.NHS_PPCC_2013]),
        (Buyer.NHS_COMMISSIONER, D(2024, 1, 1), HC, [Regime.PSR]),
        (Buyer.COUNCIL, D(2023, 12, 31), HC, [Regime.PCR_2015_LIGHT_TOUCH]),
        (Buyer.COUNCIL, D(2024, 1, 1), HC, [Regime.PSR]),
        (Buyer.NHS_TRUST, D(2024, 1, 1), HC, [Regime.PSR]),
        (Buyer.OTHER, D(2024, 1, 1), HC, [Regime.PCR_2015_LIGHT_TOUCH]),
        (Buyer.COUNCIL, D(2024, 1, 1), SOCIAL, [Regime.PCR_2015_LIGHT_TOUCH]),
        # the Procurement Act 2023 from 24 February 2025 (health care stays under the PSR)
        (Buyer.COUNCIL, D(2025, 2, 23), SOCIAL, [Regime.PCR_2015_LIGHT_TOUCH]),
        (Buyer.COUNCIL, D(2025, 2, 24), SOCIAL, [Regime.PA_2023]),
        (Buyer.COUNCIL, D(2025, 2, 23), OTHER, [Regime.PCR_2015]),
        (Buyer.COUNCIL, D(2025, 2, 24), OTHER, [Regime.PA_2023]),
        (Buyer.NHS_ENGLAND, D(2025, 2, 24), OTHER, [Regime.PA_2023]),
        (Buyer.COUNCIL, D(2025, 2, 24), HC, [Regime.PSR]),
    ],
)
def test_regimes_in_force_at_each_boundary(buyer, day, service, expected):
    assert law.regimes_in_force(buyer, day, service) == expected


@pytest.mark.parametrize(
    ("kind", "buyer"),
    [("council", Buyer.COUNCIL), ("district_council", Buyer.COUNCIL), ("public_health", Buyer.COUNCIL),
     ("ccg", Buyer.NHS_COMMISSIONER), ("icb", Buyer.NHS_COMMISSIONER), ("nhs_england", Buyer.NHS_ENGLAND),
     ("nhs_trust", Buyer.NHS_TRUST), ("school", Buyer.OTHER), ("", None), (None, None)],
)  # fmt: skip
def test_buyer_from_organisation_kind(kind, buyer):
    assert law.buyer_for(kind) == buyer


def codes(buyer, day, service=HC):
    return [r.code for r in law.routes_allowed(buyer, day, service)]


def test_each_route_is_open_only_in_its_time():
    # the 2014 Essex tenders: a council buying public health services under PCR 2006 Part B
    essex = codes(Buyer.COUNCIL, D(2014, 1, 31))
    assert essex == ["pcr06b_advertised", "pcr06b_invited", "pcr06b_direct", "pcr_framework", "extension"]
    assert "psr_competitive" not in essex and "pa23_open" not in essex
    assert codes(Buyer.NHS_COMMISSIONER, D(2017, 1, 1)) == [
        "pcr15_ltr", "pcr15_ltr_no_notice", "pcr_framework", "extension"
    ]  # fmt: skip
    assert codes(Buyer.COUNCIL, D(2024, 1, 1)) == [
        "psr_direct_a", "psr_direct_b", "psr_direct_c", "psr_most_suitable", "psr_competitive", "extension"
    ]  # fmt: skip
    assert codes(Buyer.COUNCIL, D(2025, 2, 24), OTHER) == [
        "pa23_open", "pa23_flexible", "pa23_direct", "pa23_framework", "extension"
    ]  # fmt: skip
    assert codes(Buyer.COUNCIL, D(2015, 2, 26), OTHER)[:5] == [
        "pcr15_open", "pcr15_restricted", "pcr15_negotiation", "pcr15_dialogue", "pcr15_no_notice"
    ]  # fmt: skip
    assert codes(Buyer.COUNCIL, D(2010, 1, 1), OTHER)[:4] == [
        "pcr06_open", "pcr06_restricted", "pcr06_negotiated", "pcr06_dialogue"
    ]  # fmt: skip
    assert codes(Buyer.COUNCIL, D(2005, 1, 1)) == ["extension"]


def test_every_route_is_open_somewhere_and_every_regime_offers_a_route():
    days = [D(2010, 1, 1), D(2014, 1, 1), D(2015, 6, 1), D(2017, 1, 1), D(2024, 6, 1), D(2025, 6, 1)]
    seen = {code for b in Buyer for d in days for s in ServiceKind for code in codes(b, d, s)}
    assert seen == set(law.ROUTES_BY_CODE)


def test_unknown_buyer_accepts_a_route_any_buyer_could_use():
    # a council buying health care in 2024 is under the PSR; an "other" buyer under PCR 2015
    assert law.route_problem("psr_competitive", None, D(2024, 6, 1)) is None
    assert law.route_problem("pcr15_ltr", None, D(2024, 6, 1)) is None
    assert law.route_problem("pa23_open", None, D(2024, 6, 1)) is not None


def test_route_problem_messages():
    msg = law.route_problem("pa23_open", Buyer.COUNCIL, D(2014, 1, 31))
    assert msg is not None
    assert "Procurement Act 2023: open procedure" in msg
    assert "31 January 2014" in msg and "a council" in msg
    assert "Public Contracts Regulations 2006 (Part B services)" in msg
    assert "PCR 2006 Part B service: advertised competition" in msg  # the routes of that time
    nhs = law.route_problem("psr_most_suitable", Buyer.NHS_ENGLAND, D(2013, 6, 30))
    assert nhs is not None and "NHS (Procurement, Patient Choice and Competition)" in nhs
    assert law.route_problem("extension", Buyer.COUNCIL, None) is None
    assert "date the procurement began" in law.route_problem("pa23_open", Buyer.COUNCIL, None)
    assert "not a procurement route" in law.route_problem("bogus", Buyer.COUNCIL, D(2014, 1, 1))
    before = law.route_problem("pcr06_open", Buyer.COUNCIL, D(2005, 1, 1), OTHER)
    assert before is not None and "before 31 January 2006" in before


@pytest.mark.parametrize(
    ("route", "buyer", "day", "service", "expected"),
    [
        ("pa23_open", Buyer.COUNCIL, D(2013, 12, 20), HC, "pcr06b_advertised"),
        ("psr_most_suitable", Buyer.NHS_ENGLAND, D(2013, 6, 30), HC, "pcr06b_invited"),
        ("psr_competitive", Buyer.NHS_COMMISSIONER, D(2014, 3, 31), HC, "pcr06b_advertised"),
        ("pa23_direct", Buyer.NHS_COMMISSIONER, D(2016, 4, 18), HC, "pcr15_ltr_no_notice"),
        ("pa23_flexible", Buyer.COUNCIL, D(2016, 1, 1), OTHER, "pcr15_negotiation"),
        ("pa23_framework", Buyer.COUNCIL, D(2010, 1, 1), OTHER, "pcr_framework"),
        ("pcr06b_advertised", Buyer.COUNCIL, D(2024, 2, 1), HC, "psr_competitive"),
        ("pcr15_open", Buyer.COUNCIL, D(2025, 3, 1), OTHER, "pa23_open"),
        ("pa23_open", Buyer.COUNCIL, D(2025, 3, 1), OTHER, "pa23_open"),  # already right
        ("pa23_open", Buyer.COUNCIL, None, HC, "pa23_open"),  # no date: unchanged
        ("pa23_open", None, D(2014, 1, 1), HC, "pcr06b_advertised"),
        ("pa23_open", Buyer.COUNCIL, D(2005, 1, 1), HC, "pa23_open"),  # no law recorded: unchanged
    ],
)
def test_equivalent_route_of_its_time(route, buyer, day, service, expected):
    assert law.equivalent_route(route, buyer, day, service) == expected
    if day is not None and day >= law.PCR_2006_START:
        assert law.route_problem(expected, buyer, day, service) is None


def test_describe():
    assert law.describe(Buyer.COUNCIL, D(2024, 1, 1)) == "Provider Selection Regime"
    assert law.describe(Buyer.COUNCIL, D(2005, 1, 1)).startswith("no regime")
