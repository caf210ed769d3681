"""Signed-in engagement pages: feedback to theme, "you said, we did" responses, activities.

Readers need ``VIEW_PLANNING`` (responses link to intentions, so providers do not see them);
writers ``EDIT_INTENTIONS``. Feedback belongs to Local Offers this partnership keeps.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jointly.accounts.permissions import Perm, has_permission
from jointly.core.access import get_partnership
from jointly.core.history import history_for
from jointly.core.pages import partnership_context
from jointly.core.views import handle_versioned_form
from jointly.engagement import queries
from jointly.engagement.forms import ActivityForm, ResponseForm, ThemeFeedbackForm
from jointly.engagement.models import EngagementActivity, Response


def _perm(request: HttpRequest) -> Perm:
    return Perm.EDIT_INTENTIONS if request.method == "POST" else Perm.VIEW_PLANNING


def index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    return render(
        request,
        "engagement/index.html",
        partnership_context(
            request, partnership, offers=list(queries.offers(partnership)),
            feedback=list(queries.feedback(partnership)[:200]), responses=list(queries.responses(partnership)[:200]),
            activities=list(queries.activities(partnership)[:200]),
            can_edit=has_permission(request.user, Perm.EDIT_INTENTIONS, partnership),
        ),
    )  # fmt: skip


def feedback(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, _perm(request))
    item = queries.feedback(partnership).filter(pk=pk).first()
    if item is None:
        raise Http404("No such feedback")
    form = ThemeFeedbackForm(
        request.POST if request.method == "POST" else None, instance=item, offer=item.local_offer
    )
    return handle_versioned_form(
        request, form, template="engagement/feedback.html",
        context=partnership_context(request, partnership, item=item),
        success_message="Feedback themed.", success_url=reverse("engagement:index", args=[slug]),
    )  # fmt: skip


def response(
    request: HttpRequest, slug: str, pk: int | None = None, offer: str | None = None
) -> HttpResponse:
    partnership = get_partnership(request, slug, _perm(request) if pk else Perm.EDIT_INTENTIONS)
    if pk is None:
        local_offer = queries.offers(partnership).filter(slug=offer).first()
        if local_offer is None:
            raise Http404("No such Local Offer")
        instance = Response(local_offer=local_offer)
    else:
        found = queries.responses(partnership).filter(pk=pk).first()
        if found is None:
            raise Http404("No such response")
        instance, local_offer = found, found.local_offer
    form = ResponseForm(
        request.POST if request.method == "POST" else None, instance=instance, offer=local_offer
    )
    context = partnership_context(
        request, partnership, item=instance, offer=local_offer,
        history=history_for(instance) if instance.pk else None,
        can_edit=has_permission(request.user, Perm.EDIT_INTENTIONS, partnership),
    )  # fmt: skip
    return handle_versioned_form(
        request, form, template="engagement/response.html", context=context, success_message="Response saved."
    )


def activity(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, _perm(request) if pk else Perm.EDIT_INTENTIONS)
    if pk is None:
        instance = EngagementActivity(partnership=partnership)
    else:
        found = queries.activities(partnership).filter(pk=pk).first()
        if found is None:
            raise Http404("No such activity")
        instance = found
    form = ActivityForm(
        request.POST if request.method == "POST" else None, instance=instance, partnership=partnership
    )
    context = partnership_context(
        request, partnership, item=instance, history=history_for(instance) if instance.pk else None,
        can_edit=has_permission(request.user, Perm.EDIT_INTENTIONS, partnership),
    )  # fmt: skip
    return handle_versioned_form(
        request, form, template="engagement/activity.html", context=context, success_message="Activity saved.",
        success_url=reverse("engagement:index", args=[slug]),
    )  # fmt: skip
