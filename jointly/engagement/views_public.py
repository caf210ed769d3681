"""Public engagement pages of a Local Offer: leave a comment, read "you said, we did"."""

from __future__ import annotations

import hashlib
import uuid as uuidlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from jointly.directory import queries as directory_queries
from jointly.directory.public import public_page, render_public
from jointly.engagement import queries, summary
from jointly.engagement.forms import PublicFeedbackForm
from jointly.engagement.models import CommenterCategory, Feedback

RETENTION_DAYS = 365 * 2
RATE_LIMIT = 5  # comments an hour from one address
RATE_WINDOW = 3600


def _limited(request: HttpRequest) -> bool:
    """Count this address's comments in the shared cache (the address itself is never stored)."""
    raw = f"{settings.SECRET_KEY}:{request.META.get('REMOTE_ADDR', '')}".encode()
    key = "jointly:feedback:" + hashlib.sha256(raw).hexdigest()[:32]
    cache.add(key, 0, RATE_WINDOW)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW)
        used = 1
    return used > RATE_LIMIT


@public_page
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(directory_queries.public_offers(), slug=slug)
    form = PublicFeedbackForm(
        request.POST if request.method == "POST" else None,
        initial={"service": request.GET.get("service", "")},
    )
    status = 200
    if request.method == "POST":
        if _limited(request):
            form.add_error(None, "You have sent several comments in the last hour. Please try again later.")
            status = 429
        elif form.is_valid():
            if form.cleaned_data.get("nickname"):
                # A robot filled the trap: answer as if accepted, keep nothing.
                return HttpResponseRedirect(reverse("engagement_public:thanks", args=[slug]))
            entry = None
            try:
                key = uuidlib.UUID(form.cleaned_data.get("service") or "")
                entry = directory_queries.in_offer(offer).filter(uuid=key).first()
            except ValueError:
                entry = None
            today = timezone.localdate()
            Feedback.objects.create(
                local_offer=offer, entry=entry, category=form.cleaned_data["category"],
                comment=form.cleaned_data["comment"], received_on=today,
                retain_until=today + timedelta(days=RETENTION_DAYS),
            )  # fmt: skip
            return HttpResponseRedirect(reverse("engagement_public:thanks", args=[slug]))
        else:
            status = 400
    return render_public(
        "engagement/public/feedback.html",
        {"offer": offer, "form": form, "csrf_token": get_token(request)},
        status=status,
        cache=False,
    )


@public_page
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    offer = get_object_or_404(directory_queries.public_offers(), slug=slug)
    return render_public("engagement/public/thanks.html", {"offer": offer})


@public_page
def you_said(request: HttpRequest, slug: str) -> HttpResponse:
    """The published responses and the regulation 56 summary of the last twelve months."""
    offer = get_object_or_404(directory_queries.public_offers(), slug=slug)
    since = timezone.localdate() - timedelta(days=365)
    rows = list(queries.received_since(offer, since).values_list("category", "theme__name"))
    labels = {str(k): str(v) for k, v in CommenterCategory.choices}
    responses = list(queries.published_responses(offer))
    # Theme names are the partnership's working labels: only those with a published response show.
    public_themes = sorted({r.theme.name for r in responses if r.theme_id})
    theme_counts = {t: sum(1 for _, x in rows if x == t) for t in public_themes}
    other = sum(1 for _, x in rows if x not in public_themes)
    by_theme = []
    if theme_counts:
        if other:
            theme_counts["Other topics"] = other
        by_theme = list(zip(theme_counts, summary.table(list(theme_counts.values())), strict=True))
    return render_public(
        "engagement/public/you_said.html",
        {"offer": offer, "responses": responses,
         "by_category": summary.counts(rows, labels), "by_theme": by_theme, "total": summary.total(len(rows)),
         "since": since},
    )  # fmt: skip
