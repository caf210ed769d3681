"""Querysets of engagement."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from jointly.directory.models import LocalOffer
from jointly.engagement.models import EngagementActivity, Feedback, Response
from jointly.partnerships.models import Partnership


def received_since(offer: LocalOffer, since: date) -> QuerySet[Feedback]:
    return Feedback.objects.filter(local_offer=offer, received_on__gte=since)


def published_responses(offer: LocalOffer) -> QuerySet[Response]:
    """Only what the public may read: the response texts and theme. The linked intentions and
    services stay on the signed-in pages (an intention may reveal procurement plans)."""
    return (
        Response.objects.filter(local_offer=offer, published=True)
        .select_related("theme")
        .only("you_said", "we_did", "published_on", "theme__name", "illustrative", "local_offer_id")
        .order_by("-published_on", "-id")
    )


def offers(partnership: Partnership) -> QuerySet[LocalOffer]:
    return LocalOffer.objects.filter(partnership=partnership).order_by("name")


def feedback(partnership: Partnership) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(local_offer__partnership=partnership)
        .select_related("local_offer", "theme", "entry__service")
        .order_by("-received_on", "-id")
    )


def responses(partnership: Partnership) -> QuerySet[Response]:
    return (
        Response.objects.filter(local_offer__partnership=partnership)
        .select_related("local_offer", "theme")
        .prefetch_related("intentions", "services")
        .order_by("-id")
    )


def activities(partnership: Partnership) -> QuerySet[EngagementActivity]:
    return (
        EngagementActivity.objects.filter(partnership=partnership)
        .prefetch_related("intentions", "services")
        .order_by("-held_on", "title")
    )
