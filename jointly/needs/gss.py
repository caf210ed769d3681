"""What kind of area a code names, from the code alone (pure: no Django).

ONS GSS codes are a letter for the nation, two digits for the entity (the kind of area) and six
digits for the area: ``E06000033`` is a unitary authority, ``E10000012`` a county. The entity
says what the area is, which the Fingertips ``Area Type`` column often does not (its "County & UA"
mixes counties, unitary authorities, metropolitan districts and London boroughs).

:func:`area_type_from_code` answers with the values of ``partnerships.models.AreaType``; a code
that is not a GSS code, or an entity this table does not list, gives ``None`` (the caller then
falls back to what the file says, or "other").
"""

from __future__ import annotations

import re

GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")

#: GSS entity code → AreaType value.
ENTITY_TYPES: dict[str, str] = {
    "E92": "country",  # England
    "W92": "country",  # Wales
    "S92": "country",  # Scotland
    "N92": "country",  # Northern Ireland
    "K02": "country",  # United Kingdom
    "K03": "country",  # Great Britain
    "K04": "country",  # England and Wales
    "E12": "region",  # region (former GOR)
    "E10": "county",  # county (two-tier)
    "E11": "county",  # metropolitan county
    "E13": "region",  # Inner / Outer London
    "E06": "unitary",  # unitary authority
    "W06": "unitary",  # Welsh unitary authority
    "S12": "unitary",  # Scottish council area
    "N09": "unitary",  # Northern Ireland local government district
    "E08": "met_district",  # metropolitan district
    "E09": "london_borough",  # London borough (and the City of London)
    "E07": "district",  # non-metropolitan district
    "E38": "ccg",  # clinical commissioning group / sub-ICB location
    "E54": "icb",  # integrated care board
    "E40": "nhs_region",  # NHS England region
    "E39": "nhs_region",  # NHS England region (local office)
}


def area_type_from_code(code: str) -> str | None:
    """The AreaType value a GSS code's entity gives, or ``None`` for other codes."""
    code = code.strip().upper()
    if not GSS_CODE.match(code):
        return None
    return ENTITY_TYPES.get(code[:3])


UPPER_TIER = ("county", "unitary", "met_district", "london_borough")
LOWER_TIER = ("district", "unitary", "met_district", "london_borough")


def peer_types(area_type: str) -> tuple[str, ...]:
    """The area types an area is ranked among (Fingertips' "County & UA" and "District & UA").

    A county is compared with the other upper-tier authorities (counties, unitary authorities,
    metropolitan districts, London boroughs); a district with the lower tier; single-tier
    authorities with the upper tier, as Fingertips shows them by default.
    """
    if area_type in UPPER_TIER:
        return UPPER_TIER
    if area_type == "district":
        return LOWER_TIER
    return (area_type,)
