"""Querysets for intention pages (select/prefetch in one place)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jointly.intentions.models import Intention, Milestone, ProgressUpdate
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import Partnership


def register(partnership: Partnership) -> QuerySet[Intention]:
    return (
        Intention.objects.filter(partnership=partnership)
        .select_related("partnership", "lead_commissioner", "coordinating_commissioner")
        .prefetch_related(
            "themes",
            "partner_commissioners",
            "outcomes",
            # the latest update first: the register shows its RAG and quarter
            Prefetch("progress", queryset=ProgressUpdate.objects.order_by("-period", "-date")),
        )
        .order_by("reference")
    )


def detail(partnership: Partnership) -> QuerySet[Intention]:
    return (
        Intention.objects.filter(partnership=partnership)
        .select_related("lead_commissioner", "coordinating_commissioner", "partnership")
        .prefetch_related(
            "themes",
            "partner_commissioners",
            "providers_affected",
            Prefetch("outcomes", queryset=Outcome.objects.select_related("framework__partnership")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch("progress", queryset=ProgressUpdate.objects.order_by("-period", "-date")),
        )
    )
