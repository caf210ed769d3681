"""Querysets of the risk pages, the thread section and the API (select/prefetch in one place)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from jointly.accounts.permissions import Scope
from jointly.partnerships.models import Partnership
from jointly.risks import scoring
from jointly.risks.models import ProposalStatus, Risk, RiskMatrix, RiskProposal, RiskReview

# A provider sees the risks of the contracts and services its organisation provides (and nothing else).
PROVIDER_PATHS = ("contract__provider", "service__provider")
# ... and the risks its organisation proposed.
PROPOSAL_PROVIDER_PATHS = ("organisation",)


def scoped(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Risk]:
    qs = Risk.objects.filter(partnership=partnership)
    return qs if scope is None else scope.filter(qs, *PROVIDER_PATHS)


def listing(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Risk]:
    return scoped(partnership, scope).select_related(
        "partnership", "intention", "contract", "procurement", "service", "board", "fund"
    )


def detail(partnership: Partnership, scope: Scope | None = None) -> QuerySet[Risk]:
    return (
        listing(partnership, scope)
        .select_related("owner_organisation")
        .prefetch_related(
            "controls", "actions", Prefetch("reviews", queryset=RiskReview.objects.select_related("by"))
        )
    )


def matrix_row(partnership: Partnership) -> RiskMatrix | None:
    return RiskMatrix.objects.filter(partnership=partnership).select_related("escalation_board").first()


def matrix_for(partnership: Partnership) -> scoring.Matrix:
    """The partnership's matrix (one query); the NPSA default when it has none."""
    row = RiskMatrix.objects.filter(partnership=partnership).first()
    return row.as_matrix() if row is not None else scoring.DEFAULT_MATRIX


def proposals(partnership: Partnership, scope: Scope | None = None) -> QuerySet[RiskProposal]:
    """A partnership's proposed risks (a provider's own only), newest first (pages put waiting ones first)."""
    qs = RiskProposal.objects.filter(partnership=partnership)
    if scope is not None:
        qs = scope.filter(qs, *PROPOSAL_PROVIDER_PATHS)
    return qs.select_related("partnership", "organisation", "contract", "service", "risk").order_by(
        "-created_on", "-id"
    )


def waiting_proposals(partnership: Partnership) -> int:
    return RiskProposal.objects.filter(partnership=partnership, status=ProposalStatus.PROPOSED).count()
