"""The public Local Offer: search, service pages, the list of Local Offers (no sign-in).

Everything shown comes from :mod:`jointly.directory.queries` (``in_offer``: published services
only) and public fields; a confidential service's or location's address is never passed to a
template.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jointly.directory import facts, queries
from jointly.directory.forms import SearchForm
from jointly.directory.models import DirectoryEntry, InformationPage, LocalOffer
from jointly.directory.public import public_page, render_public

PER_PAGE = 20
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def now() -> datetime:
    """The moment asked about ("open now"); tests replace it."""
    return timezone.localtime()


def _offer(slug: str) -> LocalOffer:
    return get_object_or_404(queries.public_offers(), slug=slug)


def _mark_stale(entries: list[DirectoryEntry] | list[InformationPage], offer: LocalOffer) -> None:
    today = timezone.localdate()
    for e in entries:
        e.out_of_date = facts.is_stale(e.last_checked, offer.freshness_days, today)


def _published_pages(offer: LocalOffer) -> list[InformationPage]:
    pages = list(queries.published_pages(offer))
    _mark_stale(pages, offer)
    return pages


@public_page
def offers(request: HttpRequest) -> HttpResponse:
    return render_public("directory/public/offers.html", {"offers": list(queries.public_offers())})


@public_page
def search(request: HttpRequest, slug: str) -> HttpResponse:
    offer = _offer(slug)
    moment = now()
    form = SearchForm(request.GET or None, offer=offer, today=moment.date())
    entries = queries.for_display(form.search(moment).apply(queries.in_offer(offer))).order_by(
        "service__name", "pk"
    )
    paginator = Paginator(entries, PER_PAGE)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = paginator.get_page(number)
    rows = list(page.object_list)
    _mark_stale(rows, offer)
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    pages = _published_pages(offer)
    words = form.cleaned_data.get("q", "") if form.is_bound and form.is_valid() else ""
    matching = list(queries.matching_pages(queries.published_pages(offer), words)) if words.strip() else []
    return render_public(
        "directory/public/search.html",
        {"offer": offer, "form": form, "page": page, "entries": rows, "query": query.urlencode(),
         "searched": form.is_bound, "topics": [t for t in queries.by_topic(pages) if t[2]],
         "matching_pages": matching},
        status=status,
    )  # fmt: skip


@public_page
def service(request: HttpRequest, slug: str, uuid: str) -> HttpResponse:
    offer = _offer(slug)
    try:
        key = uuidlib.UUID(uuid)
    except ValueError as exc:
        raise Http404("No such service in this Local Offer") from exc
    entry = queries.for_display(queries.in_offer(offer)).filter(uuid=key).first()
    if entry is None:
        raise Http404("No such service in this Local Offer")
    _mark_stale([entry], offer)
    return render_public("directory/public/service.html", {"offer": offer, "entry": entry})


#: Services on one printable part; a larger Local Offer prints in numbered parts, each saying so.
PRINT_PER_PART = 500


@public_page
def printable(request: HttpRequest, slug: str) -> HttpResponse:
    """Every published service, for printing (for people without the internet): one page, or
    numbered parts of :data:`PRINT_PER_PART` services that say which part of how many they are."""
    offer = _offer(slug)
    paginator = Paginator(
        queries.for_display(queries.in_offer(offer)).order_by("service__name", "pk"), PRINT_PER_PART
    )
    try:
        number = int(request.GET.get("part", "1"))
    except ValueError:
        number = 1
    part = paginator.get_page(number)
    entries = list(part.object_list)
    _mark_stale(entries, offer)
    # The information pages open the first part (every part says where they are).
    pages = _published_pages(offer) if part.number == 1 else []
    topics = [t for t in queries.by_topic(pages) if t[2]]
    return render_public(
        "directory/public/print.html", {"offer": offer, "entries": entries, "part": part, "topics": topics}
    )


@public_page
def information_index(request: HttpRequest, slug: str) -> HttpResponse:
    """Every published information page of the Local Offer, under its Schedule 2 heading."""
    offer = _offer(slug)
    topics = [t for t in queries.by_topic(_published_pages(offer)) if t[2]]
    return render_public("directory/public/information_index.html", {"offer": offer, "topics": topics})


@public_page
def information(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    """One published information page (a draft's address is a 404, like one that does not exist)."""
    offer = _offer(slug)
    if not SLUG.fullmatch(page):
        raise Http404("No such information page in this Local Offer")
    item = queries.published_pages(offer).filter(slug=page).first()
    if item is None:
        raise Http404("No such information page in this Local Offer")
    _mark_stale([item], offer)
    return render_public("directory/public/information.html", {"offer": offer, "item": item})
