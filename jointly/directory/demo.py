"""Demo Local Offers (``demo_data.json``): Essex and Leeds, with entries for their published services
and an information page per Schedule 2 heading (``information``: general text about the law in
England, with each offer's invented local contacts filled in, so every page is marked illustrative).

Idempotent: offers are matched on slug, entries on their service, locations on (entry, name),
schedules on (entry, days, description). Every reference is checked before anything is written.
Every entry is illustrative: the contact details, places and times are invented.
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.core.seeding import SeedDataError, Stats, set_m2m, upsert
from jointly.directory.models import (
    DirectoryEntry,
    InformationPage,
    InformationTopic,
    LocalOffer,
    Location,
    Schedule,
)
from jointly.partnerships.models import Area, Organisation, Partnership
from jointly.services.models import Service

DATA_FILE = Path(__file__).resolve().parent / "demo_data.json"
SOURCE = "illustrative: contact details, places and times invented for the demo"
PAGE_SOURCE = "illustrative: our own summary of the law in England; local names and contacts invented"
ENTRY_FIELDS = (
    "how_to_access", "self_referral", "eligibility", "send_needs", "cost_free", "cost_description", "languages",
    "accessibility", "contact_name", "contact_email", "contact_phone", "website", "confidential",
    "contact_instructions",
)  # fmt: skip
DEFAULTS: dict[str, Any] = {"self_referral": False, "cost_free": True, "confidential": False}


def _coord(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.00001"))


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def _problems(data: dict[str, Any], orgs: dict[str, Organisation], areas: dict[str, Area],
              partnerships: dict[str, Partnership], services: dict[tuple[str, str], Service]) -> list[str]:  # fmt: skip
    found: list[str] = []
    for o in data["offers"]:
        if o["council"] not in orgs:
            found.append(f"offer {o['slug']}: unknown council {o['council']}")
        if o["partnership"] not in partnerships:
            found.append(f"offer {o['slug']}: unknown partnership {o['partnership']}")
        found += [f"offer {o['slug']}: unknown area {a}" for a in o["areas"] if a not in areas]
    for e in data["entries"]:
        key = (e["partnership"], e["service"])
        if key not in services:
            found.append(f"entry {key}: unknown service")
        elif not services[key].published:
            found.append(f"entry {key}: the service is not marked published")
        if e["owner"] not in orgs:
            found.append(f"entry {key}: unknown owner {e['owner']}")
    info = data.get("information", {"offers": {}, "pages": []})
    slugs = {o["slug"] for o in data["offers"]}
    found += [f"information: unknown offer {s}" for s in info["offers"] if s not in slugs]
    for page in info["pages"]:
        if page["topic"] not in InformationTopic.values:
            found.append(f"information page {page['slug']}: unknown topic {page['topic']}")
        for name, values in info["offers"].items():
            try:
                _fill(page, values)
            except KeyError as exc:
                found.append(f"information page {page['slug']} for {name}: no value for {exc}")
    return found


def _fill(page: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The page's texts with the offer's local names and (invented) contacts filled in."""
    return {k: page[k].format(**values) for k in ("title", "summary", "body", "contact")}


def _information(data: dict[str, Any], offers: dict[str, LocalOffer], stats: Stats) -> None:
    info = data.get("information", {"offers": {}, "pages": []})
    today = timezone.localdate()
    for slug, values in info["offers"].items():
        offer = offers[slug]
        for page in info["pages"]:
            days = 200 if page["slug"] in values.get("stale", []) else 30
            upsert(
                InformationPage, stats, {"local_offer": offer, "slug": page["slug"]},
                {**_fill(page, values), "topic": page["topic"], "links": page["links"], "owner": offer.council,
                 "published": True, "last_checked": today - timedelta(days=days), "illustrative": True,
                 "source": PAGE_SOURCE},
            )  # fmt: skip


@transaction.atomic
def load(stats: Stats, path: Path = DATA_FILE) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    orgs = {o.slug: o for o in Organisation.objects.all()}
    areas = {a.gss_code: a for a in Area.objects.all()}
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    services = {(s.partnership.slug, s.name): s for s in Service.objects.select_related("partnership")}
    problems = _problems(data, orgs, areas, partnerships, services)
    if problems:
        raise SeedDataError(problems)
    offers: dict[str, LocalOffer] = {}
    for o in data["offers"]:
        offers[o["slug"]] = offer = upsert(
            LocalOffer, stats, {"slug": o["slug"]},
            {"name": o["name"], "council": orgs[o["council"]], "partnership": partnerships[o["partnership"]],
             "introduction": o.get("introduction", ""), "freshness_days": o.get("freshness_days", 180)},
        )  # fmt: skip
        set_m2m(offer.areas, [areas[a] for a in o["areas"]])
    _information(data, offers, stats)
    today = timezone.localdate()
    for e in data["entries"]:
        values = {name: e.get(name, DEFAULTS.get(name, "")) for name in ENTRY_FIELDS}
        values.update(
            owner=orgs[e["owner"]], illustrative=True, source=SOURCE,
            last_checked=today - timedelta(days=e.get("checked_days_ago", 30)),
        )  # fmt: skip
        entry = upsert(DirectoryEntry, stats, {"service": services[(e["partnership"], e["service"])]}, values)
        for loc in e.get("locations", []):
            upsert(
                Location, stats, {"entry": entry, "name": loc["name"]},
                {"address_1": loc.get("address_1", ""), "city": loc.get("city", ""), "postcode": loc.get("postcode", ""),
                 "latitude": _coord(loc.get("latitude")), "longitude": _coord(loc.get("longitude")),
                 "confidential": bool(loc.get("confidential")), "illustrative": True, "source": SOURCE},
            )  # fmt: skip
        for s in e.get("schedules", []):
            upsert(
                Schedule, stats, {"entry": entry, "byday": s["byday"], "description": s.get("description", "")},
                {"opens_at": _time(s.get("opens_at")), "closes_at": _time(s.get("closes_at"))},
            )  # fmt: skip
