"""Querysets of the directory: what the public may see of a Local Offer, and the partnership's entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from jointly.accounts.permissions import Scope
from jointly.directory import facts
from jointly.directory.models import (
    REQUIRED_TOPICS,
    DirectoryEntry,
    InformationPage,
    InformationTopic,
    LocalOffer,
    Location,
    Schedule,
)
from jointly.partnerships.models import Partnership
from jointly.services.models import Service


def public_offers() -> QuerySet[LocalOffer]:
    return LocalOffer.objects.select_related("council").order_by("name")


def published() -> QuerySet[DirectoryEntry]:
    """Every entry the public may see somewhere: its service is marked published."""
    return DirectoryEntry.objects.filter(service__published=True)


def in_offer(offer: LocalOffer) -> QuerySet[DirectoryEntry]:
    """Published entries of services (of any partnership) that serve one of the Local Offer's areas.

    A semi-join driven from the offer's areas (``service_id IN (services serving them)``), never
    an ``EXISTS`` tested on every published entry: with 100,000 entries in another Local Offer
    that made a 10,000-entry search ten times slower on SQLite (``bench/directory.py``)."""
    serving = Service.areas.through.objects.filter(area_id__in=offer.areas.values("pk")).values("service_id")
    return published().filter(service_id__in=serving)


def public_locations() -> QuerySet[Location]:
    """Locations whose address may be published (never a confidential service's or location's)."""
    return Location.objects.filter(confidential=False, entry__confidential=False)


def for_display(qs: QuerySet[DirectoryEntry]) -> QuerySet[DirectoryEntry]:
    return qs.select_related("service", "service__provider", "owner").prefetch_related(
        Prefetch("locations", queryset=public_locations().order_by("name", "id"), to_attr="public_locations"),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        "service__areas",
    )


@dataclass
class Search:
    """The public search's filters; empty values filter nothing (filters combine with AND)."""

    words: str = ""
    age: int | None = None
    area_id: int | None = None
    district: str = ""
    level: str = ""
    send_need: str = ""
    cost: str = ""  # "free" | "paid" | ""
    day: str = ""  # an iCal day code
    open_now: tuple[str, time] | None = None  # (day code, time) as at the moment asked
    taxonomy_code: str = ""

    def apply(self, qs: QuerySet[DirectoryEntry]) -> QuerySet[DirectoryEntry]:
        for word in self.words.split()[:10]:
            qs = qs.filter(Q(service__name__icontains=word) | Q(service__description__icontains=word))
        if self.age is not None:
            qs = qs.filter(service__age_min__lte=self.age, service__age_max__gte=self.age)
        if self.area_id is not None:
            qs = qs.filter(
                Exists(
                    Service.areas.through.objects.filter(
                        service_id=OuterRef("service_id"), area_id=self.area_id
                    )
                )
            )
        if self.district:
            qs = qs.filter(
                Exists(public_locations().filter(entry_id=OuterRef("pk"), postcode_district=self.district))
            )
        if self.level:
            qs = qs.filter(service__level_of_need=self.level)
        if self.send_need:
            qs = qs.filter(send_needs__contains=self.send_need)
        if self.cost == "free":
            qs = qs.filter(cost_free=True)
        elif self.cost == "paid":
            qs = qs.filter(cost_free=False)
        if self.day:
            qs = qs.filter(Exists(Schedule.objects.filter(entry_id=OuterRef("pk"), byday__contains=self.day)))
        if self.open_now is not None:
            day, at = self.open_now
            open_then = Schedule.objects.filter(entry_id=OuterRef("pk"), byday__contains=day).filter(
                Q(opens_at__isnull=True) | Q(opens_at__lte=at, closes_at__gt=at)
            )
            qs = qs.filter(Exists(open_then))
        return qs


def stale(qs: QuerySet[DirectoryEntry], window_days: int, on: date) -> QuerySet[DirectoryEntry]:
    from datetime import timedelta

    return qs.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=on - timedelta(days=window_days)))


def partnership_entries(partnership: Partnership, scope: Scope) -> QuerySet[DirectoryEntry]:
    """The partnership's entries a person may see: all of them, or (a provider) those its
    organisation owns or provides."""
    qs = scope.filter(
        DirectoryEntry.objects.filter(service__partnership=partnership), "owner", "service__provider"
    )
    return qs.select_related("service", "owner", "service__provider").order_by("service__name")


def offers_of(partnership: Partnership) -> QuerySet[LocalOffer]:
    return LocalOffer.objects.filter(partnership=partnership).select_related("council")


def freshness_window(partnership: Partnership) -> int:
    """The partnership's freshness window: the shortest of its Local Offers' windows, else the default."""
    windows = list(offers_of(partnership).values_list("freshness_days", flat=True))
    return min(windows) if windows else facts.DEFAULT_FRESHNESS_DAYS


# --- information pages (Schedule 2) -----------------------------------------------------------


def information_pages(offer: LocalOffer) -> QuerySet[InformationPage]:
    """Every information page of the Local Offer, published or not (the signed-in pages)."""
    return InformationPage.objects.filter(local_offer=offer).select_related("owner").order_by("title", "pk")


def published_pages(offer: LocalOffer) -> QuerySet[InformationPage]:
    """The pages the public may see: published ones only (guessing a draft's address finds nothing)."""
    return information_pages(offer).filter(published=True)


def matching_pages(qs: QuerySet[InformationPage], words: str) -> QuerySet[InformationPage]:
    """Pages whose title, summary or body hold every word (the public search's words)."""
    for word in words.split()[:10]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
    return qs


def by_topic(pages: list[InformationPage]) -> list[tuple[str, str, list[InformationPage]]]:
    """``(topic, its label, its pages)`` for every topic, in Schedule 2 order (pages already read)."""
    grouped: dict[str, list[InformationPage]] = {t: [] for t in InformationTopic.values}
    for page in pages:
        grouped.setdefault(page.topic, []).append(page)
    labels = dict(InformationTopic.choices)
    return [(t, labels.get(t, t), grouped[t]) for t in grouped]


@dataclass
class TopicCoverage:
    """Whether one required topic has a published, fresh page as at a date."""

    topic: str
    label: str
    pages: list[InformationPage]
    status: str  # "covered" | "stale" | "missing"

    @property
    def status_label(self) -> str:
        return {"covered": "Covered", "stale": "Out of date", "missing": "Missing"}[self.status]


def coverage(offer: LocalOffer, on: date) -> list[TopicCoverage]:
    """Each Schedule 2 topic: covered (a published page checked within the freshness window), stale
    (published pages, none checked within it) or missing (no published page). One query."""
    pages = list(information_pages(offer))
    for page in pages:
        page.out_of_date = facts.is_stale(page.last_checked, offer.freshness_days, on)
    rows = []
    for topic, label, found in by_topic(pages):
        if topic not in REQUIRED_TOPICS:
            continue
        live = [p for p in found if p.published]
        status = "missing" if not live else "covered" if any(not p.out_of_date for p in live) else "stale"
        rows.append(TopicCoverage(topic, label, found, status))
    return rows
