"""Import an Open Referral UK feed (v1 ``HSDS-UK-1.0`` or v3 ``HSDS-UK-3.0``) into a partnership.

Whole or nothing: every item is checked first and every problem listed by item (row = its
position, from 1) and field; only then are services written, unpublished, each with its directory
entry. A service whose name (and provider, when the feed names one we know) matches an existing
service of the partnership is not duplicated: its entry is filled from the feed. The report lists
the fields of the feed that Jointly does not map, with how many items carried each, and values
left out (a malformed e-mail or web address, which real feeds carry: a file loads, its bad values
are reported rather than refused).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from jointly.core.imports import Problem, load_json, write_whole
from jointly.core.models import save_versioned
from jointly.directory.models import DirectoryEntry
from jointly.partnerships.models import Organisation, Partnership
from jointly.services.models import Service

MAPPED = {"id", "name", "description", "url", "email", "fees", "assured_date", "organization", "minimum_age",
          "maximum_age", "status"}  # fmt: skip
SOURCE = "Open Referral UK import"


@dataclass
class Report:
    created: int = 0
    matched: int = 0
    unmapped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


class FeedRefused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:20]))


def items_of(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("contents", "content"):  # v3 page, v1 page
            if isinstance(data.get(key), list):
                return data[key]
        if "name" in data:
            return [data]
    raise FeedRefused([Problem(None, "", "The file is not an Open Referral UK list of services.")])


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _check(row: int, item: Any) -> list[Problem]:
    if not isinstance(item, dict):
        return [Problem(row, "", "Each service must be a JSON object.")]
    found = []
    name = _text(item, "name")
    if not name:
        found.append(Problem(row, "name", "A service needs a name."))
    elif len(name) > 300:
        found.append(Problem(row, "name", "A name is at most 300 characters."))
    for key in ("minimum_age", "maximum_age"):
        value = item.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 120
        ):
            found.append(Problem(row, key, "An age is a number from 0 to 120."))
    return found


def _valid(value: str, check: Any) -> bool:
    try:
        check(value)
    except ValidationError:
        return False
    return True


def clean_url(text: str) -> str:
    """Real feeds often leave out the scheme ("www.example.org/x"): add https://; "" if still invalid."""
    if text and "://" not in text:
        text = "https://" + text
    return text if text and len(text) <= 200 and _valid(text, URLValidator()) else ""


def clean_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def import_feed(content: bytes | IO[bytes], partnership: Partnership, *, by: Any = None) -> Report:
    items = items_of(load_json(content))
    problems = [p for row, item in enumerate(items, start=1) for p in _check(row, item)]
    if problems:
        raise FeedRefused(problems)
    members = {
        o.name.lower(): o
        for o in Organisation.objects.filter(partnership_memberships__partnership=partnership).distinct()
    }
    host = (
        Organisation.objects.filter(partnership_memberships__partnership=partnership)
        .order_by("partnership_memberships__role", "pk")
        .first()
    )
    existing = {s.name.lower(): s for s in Service.objects.filter(partnership=partnership)}
    report = Report()

    def write() -> Report:
        for row, item in enumerate(items, start=1):
            report.unmapped.update(k for k in item if k not in MAPPED)
            org = item.get("organization") if isinstance(item.get("organization"), dict) else {}
            provider = members.get(_text(org, "name").lower())
            if org and provider is None:
                report.notes.append(
                    f"item {row}: provider {_text(org, 'name')!r} is not a member: left blank"
                )
            name = _text(item, "name")
            service = existing.get(name.lower())
            if service is not None and (provider is None or service.provider_id in (None, provider.pk)):
                report.matched += 1
            else:
                service = Service(
                    partnership=partnership, name=name, description=_text(item, "description"),
                    provider=provider, level_of_need="universal", published=False,
                    age_min=min(int(item.get("minimum_age") or 0), 25),
                    age_max=min(int(item.get("maximum_age") or 25), 25),
                )  # fmt: skip
                if service.age_min > service.age_max:
                    service.age_min = 0
                if service.name.lower() in existing:
                    service.name = f"{name} (imported, item {row})"
                save_versioned(service, expected_version=None, by=by)
                existing[service.name.lower()] = service
                report.created += 1
                report.notes.append(f"item {row}: level of need not in the feed: set to universal, check it")
            fees = _text(item, "fees")
            entry = DirectoryEntry.objects.filter(service=service).first() or DirectoryEntry(
                service=service, owner=provider or host
            )
            entry.website = clean_url(_text(item, "url"))
            email = _text(item, "email")
            entry.contact_email = email if email and _valid(email, EmailValidator()) else ""
            for key, kept in (("url", entry.website), ("email", entry.contact_email)):
                if _text(item, key) and not kept:
                    report.notes.append(
                        f"item {row}: {key} {_text(item, key)[:60]!r} is not valid: left blank"
                    )
            entry.cost_free = not fees or "free" in fees.lower()
            entry.cost_description = fees[:300]
            checked = clean_date(_text(item, "assured_date"))
            if checked:
                entry.last_checked = checked
            elif _text(item, "assured_date"):
                report.notes.append(f"item {row}: assured_date is not a date: not used")
            entry.source = SOURCE
            save_versioned(entry, expected_version=entry.version if entry.pk else None, by=by)
        return report

    return write_whole(write)
