"""Official codes of areas and organisations, checked by their own formats (pure Python, no Django).

* **GSS codes** (ONS Government Statistical Service) name statistical and administrative areas:
  a letter for the country (E, W, S, N) and eight digits, e.g. ``E10000012`` (Essex) or
  ``E38000117`` (NHS North East Essex CCG). The format applies to the *GSS area types* only
  (:data:`GSS_AREA_TYPES`); an area of another type may carry a local code of our own.
* **ODS codes** (NHS Organisation Data Service) name NHS bodies and GP practices; the format
  depends on the kind of organisation (:data:`ODS_FORMATS`): three characters for NHS trusts
  (``RDE``) and CCGs (``06T``), five for a trust's site (``RDEE4``), six for a GP practice
  (``A81001``); a primary care network has a ``U`` and five digits (``U12345``).

A short name (CHUFT, SEPT, NELFT) is not a code: organisations carry it separately.
"""

from __future__ import annotations

import datetime as dt
import re

GSS_RE = re.compile(r"^[ENSW]\d{8}$")

# Area types whose code is a GSS code (see partnerships.models.AreaType).
GSS_AREA_TYPES = frozenset({"country", "region", "county", "unitary", "district", "ccg", "icb"})

# The GSS entity code (the first three characters) each type may have, where it is fixed.
GSS_ENTITIES = {
    "country": ("E92", "W92", "S92", "N92"),
    "region": ("E12",),
    "county": ("E10",),
    "unitary": ("E06", "W06", "S12", "N09"),
    "district": ("E07", "E08", "E09"),
    "ccg": ("E38",),
    "icb": ("E54",),
}

# kind of organisation -> (pattern, what it looks like)
ODS_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "nhs_trust": (re.compile(r"^[RT][A-Z0-9]{2}$"), "three characters starting with R or T, e.g. RDE"),
    "nhs_trust_site": (re.compile(r"^[RT][A-Z0-9]{4}$"), "five characters starting with R or T, e.g. RDEE4"),
    "ccg": (re.compile(r"^\d{2}[A-Z]$"), "two digits and a letter, e.g. 06T"),
    "icb": (re.compile(r"^Q[A-Z0-9]{2}$"), "three characters starting with Q, e.g. QH8"),
    "nhs_england": (re.compile(r"^[A-Z0-9]{3}$"), "three characters, e.g. X24 or Q58"),
    "csu": (re.compile(r"^[A-Z0-9]{3}$"), "three characters"),
    "gp_practice": (re.compile(r"^[A-Z]\d{5}$"), "a letter and five digits, e.g. A81001"),
    "pcn": (re.compile(r"^U\d{5}$"), "U and five digits, e.g. U12345"),
}
# Any other organisation with an ODS code (an independent provider, a council): 3 to 6 characters.
ODS_OTHER = (re.compile(r"^[A-Z0-9]{3,6}$"), "three to six letters or digits")


def gss_problem(code: str, area_type: str) -> str | None:
    """Why ``code`` is not a GSS code of ``area_type`` (None when it is, or the type has none)."""
    if area_type not in GSS_AREA_TYPES:
        return None
    if not GSS_RE.match(code or ""):
        return f"{code!r} is not a GSS code: a GSS code is a letter (E, W, S or N) and eight digits, e.g. E10000012."
    entities = GSS_ENTITIES.get(area_type, ())
    if entities and code[:3] not in entities:
        return f"A GSS code of this type of area starts with {' or '.join(entities)}, not {code[:3]}."
    return None


def council_gss_problem(code: str) -> str | None:
    """Why ``code`` is not a local authority's GSS code ('' is allowed: not every body has one)."""
    if not code:
        return None
    if not GSS_RE.match(code):
        return f"{code!r} is not a GSS code: a GSS code is a letter (E, W, S or N) and eight digits, e.g. E10000012."
    return None


def ods_problem(code: str, organisation_kind: str) -> str | None:
    """Why ``code`` is not an ODS code for this kind of organisation ('' is allowed)."""
    if not code:
        return None
    pattern, shape = ODS_FORMATS.get(organisation_kind, ODS_OTHER)
    if not pattern.match(code):
        return f"{code!r} is not an ODS code of this kind of organisation: expected {shape} (capitals)."
    return None


def validity_problem(valid_from: dt.date | None, valid_to: dt.date | None) -> str | None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        return "A code cannot close before it opens."
    return None


def code_in_use(valid_from: dt.date | None, valid_to: dt.date | None, on: dt.date) -> bool:
    """Whether a code with these validity dates was in use on ``on`` (open-ended when blank)."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)
