"""Querysets for partnership pages (select/prefetch kept in one place)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jointly.partnerships.models import Action, Agreement, Board, Partnership, PartnershipMember


def members(partnership: Partnership) -> QuerySet[PartnershipMember]:
    return partnership.members.select_related("organisation")


def boards(partnership: Partnership) -> QuerySet[Board]:
    return partnership.boards.select_related("reports_to")


def board_detail(partnership: Partnership) -> QuerySet[Board]:
    return partnership.boards.select_related("reports_to", "partnership").prefetch_related(
        "members__organisation",
        "meetings__decisions",
        Prefetch("actions", queryset=Action.objects.select_related("meeting")),
        Prefetch("reporting_groups", queryset=Board.objects.select_related("partnership")),
    )


def agreements(partnership: Partnership) -> QuerySet[Agreement]:
    return partnership.agreements.select_related("host").prefetch_related("parties", "delegated_functions")
