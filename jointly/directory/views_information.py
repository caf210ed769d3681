"""Signed-in pages of a Local Offer's information pages (Schedule 2 of the SEND Regulations 2014).

Inside the partnership's Local Offer area (``/p/<slug>/directory/offers/<offer>/``), for the Local
Offers the partnership keeps. Who: the roles that read the partnership's directory (every member
who sees contracts and services, not a provider) read; those who edit directory entries
(``EDIT_CONTRACTS``: commissioners and partnership admins) create, edit and publish. People outside
the partnership, and any offer it does not keep, get 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from jointly.accounts.permissions import Perm, has_permission
from jointly.core import asat
from jointly.core.access import get_partnership
from jointly.core.history import history_for
from jointly.core.models import StaleEdit
from jointly.core.pages import partnership_context
from jointly.core.views import handle_versioned_form
from jointly.directory import actions, facts, queries
from jointly.directory.forms import InformationPageForm, PublishForm
from jointly.directory.models import InformationPage, InformationTopic, LocalOffer


def _offer(request: HttpRequest, slug: str, offer: str, perm: Perm = Perm.VIEW_CONTRACTS):  # type: ignore[no-untyped-def]
    partnership = get_partnership(request, slug, perm)
    found = queries.offers_of(partnership).filter(slug=offer).first()
    if found is None:
        raise Http404("No such Local Offer kept by this partnership")
    return partnership, found


def _page(offer: LocalOffer, pk: int) -> InformationPage:
    page = queries.information_pages(offer).filter(pk=pk).first()
    if page is None:
        raise Http404("No such information page")
    page.local_offer = offer
    return page


def _on(request: HttpRequest) -> dt.date:
    """The date freshness is judged at: ``?as_at=``, else today (the public pages' date)."""
    return asat.requested_as_at(request) or timezone.localdate()


def index(request: HttpRequest, slug: str, offer: str) -> HttpResponse:
    partnership, local_offer = _offer(request, slug, offer)
    on = _on(request)
    pages = list(queries.information_pages(local_offer))
    for p in pages:
        p.out_of_date = facts.is_stale(p.last_checked, local_offer.freshness_days, on)
    return render(
        request, "directory/information/index.html",
        partnership_context(
            request, partnership, offer=local_offer, pages=pages, on=on,
            stale_count=sum(1 for p in pages if p.published and p.out_of_date),
            can_edit=has_permission(request.user, Perm.EDIT_CONTRACTS, partnership),
        ),
    )  # fmt: skip


def coverage(request: HttpRequest, slug: str, offer: str) -> HttpResponse:
    """Which Schedule 2 topics have a published page, which are missing or out of date, as at a date."""
    partnership, local_offer = _offer(request, slug, offer)
    on = _on(request)
    rows = queries.coverage(local_offer, on)
    return render(
        request, "directory/information/coverage.html",
        partnership_context(
            request, partnership, offer=local_offer, rows=rows, on=on,
            covered=sum(1 for r in rows if r.status == "covered"),
            can_edit=has_permission(request.user, Perm.EDIT_CONTRACTS, partnership),
        ),
    )  # fmt: skip


def page(request: HttpRequest, slug: str, offer: str, pk: int | None = None) -> HttpResponse:
    """A new page (editors only), or a page: editors edit it, readers read it and its history."""
    editing = request.method == "POST" or pk is None
    partnership, local_offer = _offer(
        request, slug, offer, Perm.EDIT_CONTRACTS if editing else Perm.VIEW_CONTRACTS
    )
    instance = InformationPage(local_offer=local_offer) if pk is None else _page(local_offer, pk)
    if pk is None and request.method != "POST":
        instance.owner_id = local_offer.council_id
        instance.last_checked = timezone.localdate()
        if request.GET.get("topic") in InformationTopic.values:
            instance.topic = request.GET["topic"]
    form = InformationPageForm(request.POST if request.method == "POST" else None, instance=instance)
    can_edit = has_permission(request.user, Perm.EDIT_CONTRACTS, partnership)
    context = partnership_context(
        request, partnership, offer=local_offer, item=instance, can_edit=can_edit,
        history=history_for(instance) if instance.pk else None,
        out_of_date=facts.is_stale(instance.last_checked, local_offer.freshness_days, timezone.localdate()),
    )  # fmt: skip
    success = (
        reverse("directory:information", args=[slug, offer, instance.pk])
        if instance.pk
        else reverse("directory:information_index", args=[slug, offer])
    )
    return handle_versioned_form(
        request, form, template="directory/information/page.html", context=context,
        success_message="Information page saved." if instance.pk else "Information page created (not yet published).",
        success_url=success,
    )  # fmt: skip


def publish(request: HttpRequest, slug: str, offer: str, pk: int) -> HttpResponse:
    """Publish an unpublished page, or withdraw a published one (GET: the question; POST: do it)."""
    partnership, local_offer = _offer(request, slug, offer, Perm.EDIT_CONTRACTS)
    item = _page(local_offer, pk)
    form = PublishForm(request.POST if request.method == "POST" else None, initial={"version": item.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.set_published(
                    item, not item.published, expected_version=form.cleaned_data["version"], by=request.user
                )
            except StaleEdit as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(
                    request, "Published." if item.published else "Withdrawn from the public Local Offer."
                )
                return HttpResponseRedirect(reverse("directory:information", args=[slug, offer, item.pk]))
        else:
            status = 400
    return render(
        request, "directory/information/publish.html",
        partnership_context(request, partnership, offer=local_offer, item=item, form=form),
        status=status,
    )  # fmt: skip
