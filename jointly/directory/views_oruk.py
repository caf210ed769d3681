"""The Open Referral UK v3 API of a Local Offer (read-only, public, no key).

Base address: ``/local-offer/<slug>/oruk/``. Endpoints: ``/`` (version, profile, openapi_url),
``/services`` (``search`` or ``text``, ``minimum_age``, ``maximum_age``, ``taxonomy_term_id``,
``taxonomy_id``, ``day``, ``start_time``, ``end_time``, ``page``, ``per_page``),
``/services/{id}``, ``/service_at_locations`` (+ ``postcode``, ``proximity``),
``/service_at_locations/{id}``, ``/taxonomies(/{id})``, ``/taxonomy_terms(/{id})``.
Only published services of the Local Offer appear; filters combine with AND; every list is
paginated (``per_page`` at most 100) with ``total_items``.
"""

from __future__ import annotations

import math
import re
import uuid as uuidlib
from collections.abc import Callable
from datetime import time
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Avg, Exists, ExpressionWrapper, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from jointly.directory import facts, oruk, queries
from jointly.directory.models import DirectoryEntry, LocalOffer, Location, Schedule
from jointly.directory.public import API_CSP


class BadQuery(Exception):
    pass


def _answer(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Security-Policy"] = API_CSP
    response.headers["Cache-Control"] = "public, max-age=300" if status == 200 else "no-store"
    return response


def oruk_view(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _answer({"detail": "This API is read-only: use GET."}, 405)
            response.headers["Allow"] = "GET, HEAD"
            return response
        offer = queries.public_offers().filter(slug=slug).first()
        if offer is None:
            return _answer({"detail": "No such Local Offer."}, 404)
        try:
            return view(request, offer, *args, **kwargs)
        except BadQuery as exc:
            return _answer({"detail": str(exc)}, 400)

    return wrapper


def _int(request: HttpRequest, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"\d{1,9}", raw):
        raise BadQuery(f"{name} must be a whole number from {lo} to {hi}.")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadQuery(f"{name} must be a whole number from {lo} to {hi}.")
    return value


def _uuid(raw: str) -> str | None:
    try:
        return str(uuidlib.UUID(raw))
    except ValueError:
        return None


def _time(request: HttpRequest, name: str) -> time | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?", raw)
    if not match:
        raise BadQuery(f"{name} must be a time as HH:MM.")
    return time(int(match.group(1)), int(match.group(2)))


def _paged(request: HttpRequest, qs: QuerySet[Any], item: Callable[[Any], dict[str, Any]]) -> JsonResponse:
    number = _int(request, "page", 1, 1, 10**6) or 1
    size = _int(request, "per_page", oruk.DEFAULT_PER_PAGE, 1, oruk.MAX_PER_PAGE) or oruk.DEFAULT_PER_PAGE
    total = qs.count()
    rows = list(qs[(number - 1) * size : number * size]) if (number - 1) * size < total else []
    return _answer(oruk.page([item(r) for r in rows], total, number, size))


def _filter_services(request: HttpRequest, qs: QuerySet[DirectoryEntry]) -> QuerySet[DirectoryEntry]:
    words = request.GET.get("search") or request.GET.get("text") or ""
    if len(words) > 200:
        raise BadQuery("search must be at most 200 characters.")
    search = queries.Search(words=words)
    qs = search.apply(qs)
    minimum = _int(request, "minimum_age", None, 0, 120)
    maximum = _int(request, "maximum_age", None, 0, 120)
    if minimum is not None:
        qs = qs.filter(service__age_max__gte=minimum)
    if maximum is not None:
        qs = qs.filter(service__age_min__lte=maximum)
    term_id = request.GET.get("taxonomy_term_id")
    if term_id:
        term = oruk.TERMS_BY_ID.get(_uuid(term_id) or "")
        if term is None:
            return qs.none()
        if term.taxonomy == "level-of-need":
            qs = qs.filter(service__level_of_need=term.code)
        else:
            qs = qs.filter(send_needs__contains=term.code)
    taxonomy_id = request.GET.get("taxonomy_id")
    if taxonomy_id:
        slug = oruk.TAXONOMY_IDS.get(_uuid(taxonomy_id) or "")
        if slug == "level-of-need":
            qs = qs.exclude(service__level_of_need="")
        elif slug == "send-need":
            qs = qs.exclude(send_needs="")
        else:
            return qs.none()
    day = request.GET.get("day", "").upper()
    start, end = _time(request, "start_time"), _time(request, "end_time")
    if day and day not in facts.DAYS:
        raise BadQuery("day must be one of " + ", ".join(facts.DAYS) + ".")
    if day or start or end:
        sched = Schedule.objects.filter(entry_id=OuterRef("pk"))
        if day:
            sched = sched.filter(byday__contains=day)
        if start:
            sched = sched.filter(Q(opens_at__isnull=True) | Q(opens_at__lte=start))
        if end:
            sched = sched.filter(Q(closes_at__isnull=True) | Q(closes_at__gte=end))
        qs = qs.filter(Exists(sched))
    return qs


@oruk_view
def root(request: HttpRequest, offer: LocalOffer) -> JsonResponse:
    return _answer(
        {
            "version": oruk.VERSION,
            "profile": oruk.PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("directory_oruk:openapi", args=[offer.slug])),
        }
    )


@oruk_view
def openapi(request: HttpRequest, offer: LocalOffer) -> JsonResponse:
    from jointly.directory.oruk_openapi import document

    base = request.build_absolute_uri(reverse("directory_oruk:root", args=[offer.slug]))
    return _answer(document(offer.name, base))


def _entries(offer: LocalOffer) -> QuerySet[DirectoryEntry]:
    return queries.in_offer(offer).select_related("service", "owner").order_by("service__name", "pk")


@oruk_view
def services(request: HttpRequest, offer: LocalOffer) -> JsonResponse:
    return _paged(request, _filter_services(request, _entries(offer)), oruk.service_summary)


@oruk_view
def service(request: HttpRequest, offer: LocalOffer, id: str) -> JsonResponse:
    key = _uuid(id)
    entry = queries.for_display(queries.in_offer(offer)).filter(uuid=key).first() if key else None
    if entry is None:
        return _answer({"detail": "No such service."}, 404)
    return _answer(oruk.service_full(entry))


METRES_PER_DEGREE = 111_195.0  # of latitude (mean Earth radius 6,371 km)


def within(qs: QuerySet[Location], lat: float, lon: float, metres: int) -> QuerySet[Location]:
    """Locations within ``metres`` of a point, in SQL on any engine: a bounding box (indexable), then
    the equirectangular distance, which at a few tens of kilometres differs from the great-circle
    distance by far less than a postcode district's size."""
    ky = METRES_PER_DEGREE
    kx = METRES_PER_DEGREE * math.cos(math.radians(lat))
    dlat, dlon = metres / ky, metres / kx
    box = qs.filter(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
    dy = (Cast("latitude", FloatField()) - Value(lat)) * Value(ky)
    dx = (Cast("longitude", FloatField()) - Value(lon)) * Value(kx)
    return box.annotate(distance2=ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())).filter(
        distance2__lte=float(metres) ** 2
    )


def _public_sal(offer: LocalOffer) -> QuerySet[Location]:
    return (
        queries.public_locations()
        .filter(entry__in=queries.in_offer(offer))
        .select_related("entry", "entry__service", "entry__owner")
        .order_by("entry__service__name", "name", "pk")
    )


@oruk_view
def service_at_locations(request: HttpRequest, offer: LocalOffer) -> JsonResponse:
    qs = _public_sal(offer)
    words = request.GET.get("search") or request.GET.get("text") or ""
    for word in words.split()[:10]:
        qs = qs.filter(
            Q(entry__service__name__icontains=word) | Q(entry__service__description__icontains=word)
        )
    postcode = request.GET.get("postcode", "")
    proximity = _int(request, "proximity", None, 1, 200000)
    if postcode:
        district = facts.postcode_district(postcode)
        if not district:
            raise BadQuery("postcode must be a UK postcode or postcode district.")
        if proximity is None:
            qs = qs.filter(postcode_district=district)
        else:
            # No postcode register ships with Jointly: the centre is the mean of our own public
            # locations in the postcode's district (documented in the README).
            centre = (
                queries.public_locations()
                .filter(postcode_district=district, latitude__isnull=False, longitude__isnull=False)
                .aggregate(lat=Avg(Cast("latitude", FloatField())), lon=Avg(Cast("longitude", FloatField())))
            )
            if centre["lat"] is None:
                qs = qs.none()
            else:
                lat, lon = centre["lat"], centre["lon"]
                qs = within(qs, lat, lon, proximity)
    elif proximity is not None:
        raise BadQuery("proximity needs a postcode.")
    return _paged(request, qs, lambda loc: oruk.service_at_location(loc, loc.entry, with_service=True))


@oruk_view
def service_at_location(request: HttpRequest, offer: LocalOffer, id: str) -> JsonResponse:
    key = _uuid(id)
    loc = _public_sal(offer).filter(uuid=key).first() if key else None
    if loc is not None:
        return _answer(oruk.service_at_location(loc, loc.entry, with_service=True))
    return _answer({"detail": "No such service at location."}, 404)


@oruk_view
def taxonomies(request: HttpRequest, offer: LocalOffer) -> JsonResponse:
    items = [oruk.taxonomy(slug) for slug in oruk.TAXONOMIES]
    return _answer(oruk.page(items, len(items), 1, max(len(items), 1)))


@oruk_view
def taxonomy(request: HttpRequest, offer: LocalOffer, id: str) -> JsonResponse:
    slug = oruk.TAXONOMY_IDS.get(_uuid(id) or "")
    if slug is None:
        return _answer({"detail": "No such taxonomy."}, 404)
    return _answer(oruk.taxonomy(slug, with_terms=True))


@oruk_view
def taxonomy_terms(request: HttpRequest, offer: LocalOffer) -> JsonResponse:
    terms = oruk.TERMS
    if request.GET.get("taxonomy_id"):
        slug = oruk.TAXONOMY_IDS.get(_uuid(request.GET["taxonomy_id"]) or "")
        terms = [t for t in terms if t.taxonomy == slug]
    items = [oruk.taxonomy_term(t) for t in terms]
    return _answer(oruk.page(items, len(items), 1, max(len(items), 1)))


@oruk_view
def taxonomy_term(request: HttpRequest, offer: LocalOffer, id: str) -> JsonResponse:
    term = oruk.TERMS_BY_ID.get(_uuid(id) or "")
    if term is None:
        return _answer({"detail": "No such taxonomy term."}, 404)
    return _answer(oruk.taxonomy_term(term, with_taxonomy=True))
