"""The engagement part of an outcome's golden thread: "you said, we did" responses and engagement
activities linked to intentions that serve the outcome (see jointly/outcomes/thread.py)."""

from __future__ import annotations

from typing import Any

from jointly.accounts.permissions import Perm, has_permission
from jointly.engagement.models import EngagementActivity, Response
from jointly.outcomes.models import Outcome
from jointly.outcomes.thread import Section
from jointly.partnerships.models import Partnership


def section(outcome: Outcome, partnership: Partnership, user: Any) -> Section | None:
    """None for people who may not see planning (providers). Two queries."""
    if not has_permission(user, Perm.VIEW_PLANNING, partnership):
        return None
    responses = list(
        Response.objects.filter(local_offer__partnership=partnership, intentions__outcomes=outcome)
        .distinct()
        .select_related("local_offer")
        .order_by("-id")[:50]
    )
    activities = list(
        EngagementActivity.objects.filter(partnership=partnership, intentions__outcomes=outcome)
        .distinct()
        .order_by("-held_on", "title")[:50]
    )
    return Section(
        "Engagement: you said, we did",
        "engagement/_thread.html",
        {"responses": responses, "activities": activities, "slug": partnership.slug},
    )
