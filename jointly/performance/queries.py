"""Querysets for performance pages and the API (select/prefetch in one place), and provider scoping."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from jointly.accounts.permissions import Perm, has_permission, provider_organisation_ids
from jointly.contracts.models import Contract
from jointly.core.access import get_partnership
from jointly.partnerships.models import Partnership
from jointly.performance.models import (
    Kpi,
    KpiReturn,
    PerformanceNotice,
    RemedialAction,
    ReturnComment,
    ReturnRevision,
)


def access(request: HttpRequest, slug: str) -> tuple[Partnership, set[int] | None]:
    """The partnership and the provider scope of the person: ``None`` = every contract.

    Non-members get 404; members who may see no contracts at all get 403; providers are scoped
    to the contracts their organisations provide.
    """
    partnership = get_partnership(request, slug, Perm.VIEW_PARTNERSHIP)
    return partnership, scope_for(request.user, partnership)


def scope_for(user: Any, partnership: Partnership) -> set[int] | None:
    if has_permission(user, Perm.VIEW_CONTRACTS, partnership):
        return None
    if has_permission(user, Perm.VIEW_OWN_CONTRACTS, partnership):
        return provider_organisation_ids(user, partnership)
    raise PermissionDenied("You do not have permission to see contract performance in this partnership.")


def submit_scope(user: Any, partnership: Partnership) -> set[int] | None:
    """Organisations whose contracts ``user`` may submit returns for (``None`` = any: superusers)."""
    if not has_permission(user, Perm.SUBMIT_RETURNS, partnership):
        raise PermissionDenied("Only the provider can submit returns.")
    if user.is_superuser:
        return None
    return provider_organisation_ids(user, partnership)


def scope_kpis(qs: QuerySet[Kpi], orgs: set[int] | None) -> QuerySet[Kpi]:
    if orgs is None:
        return qs
    return qs.filter(Q(contract__provider_id__in=orgs) | Q(service__provider_id__in=orgs))


def scope_contracts(qs: QuerySet[Contract], orgs: set[int] | None) -> QuerySet[Contract]:
    return qs if orgs is None else qs.filter(provider_id__in=orgs)


def kpis(partnership: Partnership, orgs: set[int] | None = None) -> QuerySet[Kpi]:
    """KPIs with what their status and valid span need (contract terms, service, outcomes)."""
    qs = (
        Kpi.objects.filter(partnership=partnership)
        .select_related("partnership", "contract__provider", "contract__partnership", "service__provider")
        .prefetch_related("contract__variations")
        .order_by("code")
    )
    return scope_kpis(qs, orgs)


def contracts(partnership: Partnership, orgs: set[int] | None = None) -> QuerySet[Contract]:
    return scope_contracts(
        Contract.objects.filter(partnership=partnership).select_related("provider", "partnership"), orgs
    )


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


def kpi_detail(partnership: Partnership, orgs: set[int] | None) -> QuerySet[Kpi]:
    return kpis(partnership, orgs).prefetch_related(
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


def notices(partnership: Partnership, orgs: set[int] | None = None) -> QuerySet[PerformanceNotice]:
    qs = (
        PerformanceNotice.objects.filter(contract__partnership=partnership)
        .select_related("contract__partnership", "contract__provider", "plan")
        .prefetch_related(
            "kpis",
            Prefetch("plan__actions", queryset=RemedialAction.objects.order_by("due_date", "id")),
            "escalations__by",
        )
    )
    return qs if orgs is None else qs.filter(contract__provider_id__in=orgs)


def returns_for(partnership: Partnership, orgs: set[int] | None = None) -> QuerySet[KpiReturn]:
    qs = KpiReturn.objects.filter(kpi__partnership=partnership).select_related(
        "kpi__partnership", "kpi__contract", "kpi__service"
    )
    if orgs is not None:
        qs = qs.filter(Q(kpi__contract__provider_id__in=orgs) | Q(kpi__service__provider_id__in=orgs))
    return qs
