"""Querysets for performance pages and the API (select/prefetch in one place), narrowed by a scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from jointly.accounts.permissions import Perm, Scope, has_permission, scope_for
from jointly.contracts.models import Contract
from jointly.core.access import get_scope
from jointly.partnerships.models import Partnership
from jointly.performance.models import (
    Kpi,
    KpiReturn,
    PerformanceNotice,
    RemedialAction,
    ReturnComment,
    ReturnRevision,
)

KPI_PROVIDERS = ("contract__provider", "service__provider")


def access(request: HttpRequest, slug: str) -> tuple[Partnership, Scope]:
    """The partnership and the person's scope in it (see :func:`jointly.core.access.get_scope`)."""
    return get_scope(
        request, slug, message="You do not have permission to see contract performance in this partnership."
    )


def submit_scope(user: Any, partnership: Partnership) -> Scope:
    """The contracts ``user`` may submit returns for: a provider's own (everything for a platform
    admin); ``PermissionDenied`` for anyone who may not submit returns."""
    return scope_for(
        user,
        partnership,
        every=None,
        own=Perm.SUBMIT_RETURNS,
        message="Only the provider can submit returns.",
    )


def keys_in_on_behalf(user: Any, partnership: Partnership) -> bool:
    """Does ``user`` key in returns on a provider's behalf here? A commissioner who is not
    themselves a provider may, for a small provider without the means (recorded on the return)."""
    return has_permission(user, Perm.REVIEW_RETURNS, partnership) and not has_permission(
        user, Perm.SUBMIT_RETURNS, partnership
    )


def kpis(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Kpi]:
    """KPIs with what their status and valid span need (contract terms, service, outcomes)."""
    qs = (
        Kpi.objects.filter(partnership=partnership)
        .select_related("partnership", "contract__provider", "contract__partnership", "service__provider")
        .prefetch_related("contract__variations")
        .order_by("code")
    )
    return qs if scope is None else scope.filter(qs, *KPI_PROVIDERS)


def contracts(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Contract]:
    qs = Contract.objects.filter(partnership=partnership).select_related("provider", "partnership")
    return qs if scope is None else scope.filter(qs, "provider")


def return_rows(kpi_qs: QuerySet[Kpi]) -> list[tuple]:
    """``(kpi id, period start, value, period label)`` for every return of these KPIs (one query)."""
    return list(
        KpiReturn.objects.filter(kpi__in=kpi_qs.values("pk"))
        .order_by("kpi_id", "period_start")
        .values_list("kpi_id", "period_start", "value", "period")
    )


def submitted_rows(kpi_qs: QuerySet[Kpi]) -> list[tuple]:
    """``(kpi id, period label, first submitted date)`` (one query)."""
    return [
        (k, p, when.date())
        for k, p, when in KpiReturn.objects.filter(kpi__in=kpi_qs.values("pk")).values_list(
            "kpi_id", "period", "first_submitted_on"
        )
    ]


def kpi_detail(partnership: Partnership, scope: Scope | None) -> QuerySet[Kpi]:
    return kpis(partnership, scope).prefetch_related(
        "outcomes__framework",
        Prefetch(
            "returns",
            queryset=KpiReturn.objects.order_by("-period_start").prefetch_related(
                Prefetch("revisions", queryset=ReturnRevision.objects.select_related("submitted_by")),
                Prefetch("comments", queryset=ReturnComment.objects.select_related("author")),
            ),
        ),
        Prefetch(
            "notices",
            queryset=PerformanceNotice.objects.select_related("contract__partnership"),
        ),
    )


def notices(partnership: Partnership, scope: Scope | None = None) -> QuerySet[PerformanceNotice]:
    qs = (
        PerformanceNotice.objects.filter(contract__partnership=partnership)
        .select_related("contract__partnership", "contract__provider", "plan")
        .prefetch_related(
            "kpis",
            Prefetch("plan__actions", queryset=RemedialAction.objects.order_by("due_date", "id")),
            "escalations__by",
        )
    )
    return qs if scope is None else scope.filter(qs, "contract__provider")


def returns_for(partnership: Partnership, scope: Scope | None = None) -> QuerySet[KpiReturn]:
    qs = KpiReturn.objects.filter(kpi__partnership=partnership).select_related(
        "kpi__partnership", "kpi__contract", "kpi__service"
    )
    return qs if scope is None else scope.filter(qs, *(f"kpi__{path}" for path in KPI_PROVIDERS))
