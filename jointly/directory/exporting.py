"""CSV and XLSX export of a partnership's directory entries (the signed-in entries page).

Rows come from :func:`jointly.directory.queries.partnership_entries` (the reader's scope) and
cells go through :mod:`jointly.core.exports` (formula cells neutralised, XLSX text typed).
Never in a file: the address, postcode or place name of a confidential service or location (the
file says "address withheld" and the entry's contact instructions), and no contact person's
name, e-mail or telephone (the entry's ``personal_fields``), since files travel further than pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from jointly.directory import facts
from jointly.directory.models import DirectoryEntry, Location, Schedule

HEADERS = [
    "service", "entry id", "provider", "owner", "published", "level of need", "minimum age", "maximum age",
    "how to get it", "families can refer themselves", "who it is for", "SEND needs", "free to use", "cost",
    "languages", "accessibility", "website", "confidential", "how to make contact instead", "locations",
    "days and times", "last checked", "may be out of date",
]  # fmt: skip
WITHHELD = "address withheld (confidential)"


def with_children(qs: QuerySet[DirectoryEntry]) -> QuerySet[DirectoryEntry]:
    return qs.prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("name", "id")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
    )


def _place(location: Location, entry: DirectoryEntry) -> str:
    if location.confidential or entry.confidential:
        return WITHHELD
    return ", ".join(x for x in (location.name, location.address_1, location.city, location.postcode) if x)


def _times(schedule: Schedule) -> str:
    return f"{schedule.days_label} {schedule.hours_label}".strip()


def rows(entries: Iterable[DirectoryEntry], window_days: int, today: date) -> Iterator[list[Any]]:
    for e in entries:
        s = e.service
        places = [_place(loc, e) for loc in e.locations.all()]
        if e.confidential and not places:
            places = [WITHHELD]
        yield [
            s.name, str(e.uuid), s.provider.name if s.provider_id else "", e.owner.name, s.published,
            s.get_level_of_need_display(), s.age_min, s.age_max, e.how_to_access, e.self_referral,
            e.eligibility, ", ".join(e.send_need_labels), e.cost_free, e.cost_description, e.languages,
            e.accessibility, e.website, e.confidential, e.contact_instructions,
            "; ".join(dict.fromkeys(places)), "; ".join(_times(x) for x in e.schedules.all()),
            e.last_checked, facts.is_stale(e.last_checked, window_days, today),
        ]  # fmt: skip
