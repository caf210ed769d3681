"""Querysets for partnership pages (select/prefetch kept in one place)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jointly.partnerships.models import (
    Action,
    Agreement,
    Board,
    Partnership,
    PartnershipMember,
    ReportingLine,
)

LINES = Prefetch("reporting_lines", queryset=ReportingLine.objects.select_related("to_board__partnership"))


def members(partnership: Partnership) -> QuerySet[PartnershipMember]:
    return partnership.members.select_related("organisation")


def boards(partnership: Partnership) -> QuerySet[Board]:
    return partnership.boards.select_related("reports_to__partnership", "partnership").prefetch_related(LINES)


def board_detail(partnership: Partnership) -> QuerySet[Board]:
    return partnership.boards.select_related("reports_to__partnership", "partnership").prefetch_related(
        LINES,
        Prefetch("reporting_lines_in", queryset=ReportingLine.objects.select_related("board__partnership")),
        Prefetch("managed_agreements", queryset=Agreement.objects.select_related("partnership")),
        "members__organisation",
        "meetings__decisions",
        Prefetch("actions", queryset=Action.objects.select_related("meeting")),
        Prefetch("reporting_groups", queryset=Board.objects.select_related("partnership")),
    )


def agreements(partnership: Partnership) -> QuerySet[Agreement]:
    return partnership.agreements.select_related(
        "host", "partnership", "delegated_by", "delegated_to", "pool_manager", "transfer_from", "transfer_to",
        "managing_board__partnership",
    ).prefetch_related("parties", "delegated_functions")  # fmt: skip
