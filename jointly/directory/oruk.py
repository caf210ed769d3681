"""Open Referral UK v3 (``HSDS-UK-3.0``) shapes of the directory's public records.

Plain functions from our models to the UK profile's JSON (only published data; see ``views_oruk``).
Identifiers are UUIDs: entries, locations and schedules carry their own; organisations, areas and
taxonomy terms get stable name-based UUIDs (uuid5) from their natural keys. Fields the UK profile
removes are mapped to what it keeps (a service's phone is not in the profile: the published
contact's name goes in ``contacts``, its e-mail in ``email``); ``assurer_email`` is never sent (it
would name a member of staff). A confidential service or location publishes no address, no
coordinates and no postcode, here or anywhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from jointly.directory.models import DirectoryEntry, Location, Schedule, SendNeed
from jointly.services.models import LevelOfNeed

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
NAMESPACE = uuid.UUID("6f1c2a8e-4b0d-5e39-9a51-2c7d8e0f1a34")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def stable_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


@dataclass(frozen=True)
class Term:
    taxonomy: str
    code: str
    name: str

    @property
    def id(self) -> str:
        return stable_id("taxonomy_term", f"{self.taxonomy}:{self.code}")


TAXONOMIES: dict[str, tuple[str, str]] = {
    "level-of-need": (
        "Level of need",
        "The level of need a service meets (Effective Support Windscreen or three levels)",
    ),
    "send-need": ("SEND need", "The four broad areas of need of the SEND Code of Practice (2015)"),
}
TERMS: list[Term] = [Term("level-of-need", v, str(label)) for v, label in LevelOfNeed.choices] + [
    Term("send-need", v, str(label)) for v, label in SendNeed.choices
]
TERMS_BY_ID: dict[str, Term] = {t.id: t for t in TERMS}
TAXONOMY_IDS: dict[str, str] = {stable_id("taxonomy", slug): slug for slug in TAXONOMIES}


def taxonomy(slug: str, with_terms: bool = False) -> dict[str, Any]:
    name, description = TAXONOMIES[slug]
    out: dict[str, Any] = {"id": stable_id("taxonomy", slug), "name": name, "description": description}
    if with_terms:
        out["taxonomy_terms"] = [taxonomy_term(t) for t in TERMS if t.taxonomy == slug]
    return out


def taxonomy_term(term: Term, with_taxonomy: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": term.id, "name": term.name, "description": term.name, "term": term.code,
        "taxonomy_id": stable_id("taxonomy", term.taxonomy), "taxonomy": TAXONOMIES[term.taxonomy][0],
    }  # fmt: skip
    if with_taxonomy:
        out["taxonomy_detail"] = taxonomy(term.taxonomy)
    return out


def entry_terms(entry: DirectoryEntry) -> list[Term]:
    found = []
    if entry.service.level_of_need:
        found.append(
            Term("level-of-need", entry.service.level_of_need, entry.service.get_level_of_need_display())
        )
    labels = dict(SendNeed.choices)
    found += [Term("send-need", n, str(labels[n])) for n in entry.send_need_list]
    return found


def organisation_id(entry: DirectoryEntry) -> str:
    return stable_id("organisation", entry.owner.slug)


def service_summary(entry: DirectoryEntry) -> dict[str, Any]:
    """A ``/services`` list item: the one-to-one fields."""
    service = entry.service
    out: dict[str, Any] = {
        "id": str(entry.uuid),
        "organization_id": organisation_id(entry),
        "name": service.name,
        "description": service.description,
        "status": "active",
        "minimum_age": service.age_min,
        "maximum_age": service.age_max,
        "fees": "Free" if entry.cost_free else (entry.cost_description or "There is a charge"),
    }
    if entry.website:
        out["url"] = entry.website
    if entry.contact_email:
        out["email"] = entry.contact_email
    if entry.last_checked:
        out["assured_date"] = entry.last_checked.isoformat()
    if entry.confidential:
        out["alert"] = entry.contact_instructions or "Contact details are given on request."
    return out


def address(loc: Location) -> dict[str, Any]:
    return {
        "id": stable_id("address", str(loc.uuid)), "location_id": str(loc.uuid),
        "address_1": loc.address_1, "city": loc.city, "state_province": "", "postal_code": loc.postcode,
        "country": "GB", "address_type": "physical",
    }  # fmt: skip


def location(loc: Location, entry: DirectoryEntry) -> dict[str, Any]:
    """A location that may be published (callers pass only public locations)."""
    out: dict[str, Any] = {
        "id": str(loc.uuid), "location_type": "physical", "name": loc.name,
        "addresses": [address(loc)],
    }  # fmt: skip
    if loc.latitude is not None and loc.longitude is not None:
        out["latitude"] = float(loc.latitude)
        out["longitude"] = float(loc.longitude)
    if entry.accessibility:
        out["accessibility"] = [
            {"id": stable_id("accessibility", str(loc.uuid)), "location_id": str(loc.uuid),
             "description": entry.accessibility}
        ]  # fmt: skip
    return out


def service_at_location(loc: Location, entry: DirectoryEntry, with_service: bool = False) -> dict[str, Any]:
    """A service at a location (one location serves one entry here, so it shares the location's id)."""
    out: dict[str, Any] = {
        "id": str(loc.uuid), "service_id": str(entry.uuid),
        "location_id": str(loc.uuid), "location": location(loc, entry),
    }  # fmt: skip
    if with_service:
        out["service"] = service_summary(entry)
    return out


def schedule(s: Schedule, entry: DirectoryEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(s.uuid), "service_id": str(entry.uuid), "freq": "WEEKLY", "byday": s.byday,
        "description": s.description or str(s),
    }  # fmt: skip
    if s.opens_at:
        out["opens_at"] = s.opens_at.strftime("%H:%M")
    if s.closes_at:
        out["closes_at"] = s.closes_at.strftime("%H:%M")
    return out


def service_full(entry: DirectoryEntry) -> dict[str, Any]:
    """``/services/{id}``: the whole nested service (public data only)."""
    sid = str(entry.uuid)
    out = service_summary(entry)
    out["organization"] = {
        "id": organisation_id(entry), "name": entry.owner.name,
        "description": entry.owner.name,
    }  # fmt: skip
    locations = getattr(entry, "public_locations", None)
    if locations is None:
        locations = [loc for loc in entry.locations.all() if not loc.hidden]
    out["service_at_locations"] = (
        [] if entry.confidential else [service_at_location(loc, entry) for loc in locations]
    )
    out["schedules"] = [schedule(s, entry) for s in entry.schedules.all()]
    out["service_areas"] = [
        {"id": stable_id("service_area", f"{entry.uuid}:{a.gss_code}"), "service_id": sid, "name": a.name,
         "extent_type": "gss_code", "extent": a.gss_code}
        for a in entry.service.areas.all()
    ]  # fmt: skip
    out["languages"] = [
        {"id": stable_id("language", f"{entry.uuid}:{name}"), "service_id": sid, "name": name}
        for name in entry.language_list
    ]  # fmt: skip
    cost: dict[str, Any] = {"id": stable_id("cost_option", sid), "service_id": sid}
    cost["option"] = "Free" if entry.cost_free else "Charge"
    if entry.cost_description:
        cost["amount_description"] = entry.cost_description
    out["cost_options"] = [cost]
    out["contacts"] = (
        [{"id": stable_id("contact", sid), "service_id": sid, "name": entry.contact_name}]
        if entry.contact_name
        else []
    )
    out["attributes"] = [
        {"id": stable_id("attribute", f"{sid}:{t.id}"), "link_id": sid, "link_type": "service",
         "taxonomy_term_id": t.id, "taxonomy_term": taxonomy_term(t)}
        for t in entry_terms(entry)
    ]  # fmt: skip
    out["funding"] = []
    return out


def page(contents: list[dict[str, Any]], total: int, number: int, size: int) -> dict[str, Any]:
    pages = max(1, -(-total // size)) if size else 1
    return {
        "total_items": total, "total_pages": pages, "page_number": number, "size": size,
        "first_page": number == 1, "last_page": number >= pages, "empty": not contents,
        "contents": contents,
    }  # fmt: skip
