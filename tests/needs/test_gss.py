"""Area types from GSS code prefixes, peer groups and value-note kinds (pure functions)."""

from __future__ import annotations

import pytest

from jointly.needs.gss import area_type_from_code, peer_types
from jointly.needs.value_notes import note_kind
from jointly.partnerships.models import AreaType


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("E92000001", "country"), ("E12000006", "region"), ("E10000012", "county"),
        ("E06000033", "unitary"), ("E08000035", "met_district"), ("E09000012", "london_borough"),
        ("E07000071", "district"), ("E38000117", "ccg"), ("E54000026", "icb"), ("E40000007", "nhs_region"),
        ("W06000015", "unitary"), (" e06000033 ", "unitary"),
        ("E01000001", None), ("RDE", None), ("E0600003", None), ("", None),
    ],
)  # fmt: skip
def test_area_type_from_code(code, expected):
    assert area_type_from_code(code) == expected


def test_every_type_given_is_an_area_type():
    from jointly.needs.gss import ENTITY_TYPES

    assert set(ENTITY_TYPES.values()) <= set(AreaType.values)


def test_peers_follow_fingertips_county_and_district_groupings():
    assert set(peer_types("county")) == {"county", "unitary", "met_district", "london_borough"}
    assert set(peer_types("district")) == {"district", "unitary", "met_district", "london_borough"}
    assert peer_types("met_district") == peer_types("county")
    assert peer_types("ccg") == ("ccg",)


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("Value suppressed for disclosure control due to small count", "suppressed"),
        ("Modelled estimate", "modelled"),
        ("Value for Hackney and City of London combined", "combined areas"),
        ("Aggregated from all known lower geography values", "aggregated"),
        ("Something else", "note"),
        ("", ""),
        (None, ""),
    ],
)
def test_note_kind(note, kind):
    assert note_kind(note) == kind
