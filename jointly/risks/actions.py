"""Writes that touch more than one record: recording a risk with its first review, re-scoring, and
proposing a risk as a provider and deciding that proposal (four eyes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jointly.core.approvals import check_four_eyes
from jointly.core.models import StaleEdit, save_versioned
from jointly.risks import rules, scoring
from jointly.risks.models import ProposalStatus, Risk, RiskMatrix, RiskProposal, RiskReview


def escalation_threshold(risk: Risk) -> int | None:
    row = RiskMatrix.objects.filter(partnership_id=risk.partnership_id).only("escalation_threshold").first()
    return row.escalation_threshold if row is not None else None


def record_first_review(risk: Risk, *, on: dt.date, by: Any) -> RiskReview | None:
    """The score a risk was recorded with is its first review (current, else inherent)."""
    impact = risk.current_impact if risk.current_impact is not None else risk.inherent_impact
    likelihood = risk.current_likelihood if risk.current_likelihood is not None else risk.inherent_likelihood
    if impact is None or likelihood is None or risk.reviews.exists():
        return None
    return RiskReview.objects.create(
        risk=risk, reviewed_on=on, impact=impact, likelihood=likelihood, note="Recorded",
        by=by if getattr(by, "pk", None) else None, illustrative=risk.illustrative,
    )  # fmt: skip


def rescore(
    risk: Risk,
    *,
    impact: int,
    likelihood: int,
    reviewed_on: dt.date,
    note: str = "",
    review_due: dt.date | None = None,
    expected_version: int | None,
    by: Any,
) -> RiskReview:
    """Keep a review and make it the risk's current score; escalate when it reaches the threshold.

    Raises :class:`~jointly.core.models.StaleEdit` (nothing written) when the risk changed since
    ``expected_version`` was read.
    """
    value = scoring.rating(impact, likelihood)
    with transaction.atomic():
        risk.current_impact, risk.current_likelihood = impact, likelihood
        if review_due is not None:
            risk.review_due = review_due
        if scoring.escalates(value, escalation_threshold(risk)):
            risk.escalated = True
        save_versioned(risk, expected_version=expected_version, by=by)
        return RiskReview.objects.create(
            risk=risk, reviewed_on=reviewed_on, impact=impact, likelihood=likelihood, note=note,
            by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip


class ProposalError(Exception):
    """A decision the proposal's state or the register refuses (decided already, reference taken,
    no reason given); nothing is written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


def propose(
    partnership: Any,
    *,
    contract: Any = None,
    service: Any = None,
    title: str,
    description: str,
    category: str = "",
    impact: int,
    likelihood: int,
    by: Any,
) -> RiskProposal:
    """Record a provider's proposed risk (the caller has checked the rules and the proposer's scope).
    The proposing organisation is the provider of the contract (else of the service)."""
    record = contract if contract is not None else service
    proposal = RiskProposal(
        partnership=partnership, organisation_id=record.provider_id, contract=contract, service=service,
        title=title, description=description, category=category, impact=impact, likelihood=likelihood,
    )  # fmt: skip
    return save_versioned(proposal, expected_version=None, by=by)


def decide_proposal(
    proposal: RiskProposal,
    *,
    accept: bool,
    reference: str = "",
    reason: str = "",
    on: dt.date,
    expected_version: int | None,
    by: Any,
) -> RiskProposal:
    """Accept a proposed risk (it becomes a risk in the register under ``reference``, scored as
    proposed, with its first review) or decline it (``reason`` required). Never by whoever proposed
    it or last changed it (four eyes: :class:`~jointly.core.approvals.FourEyesError`); a proposal
    already decided, a reference taken or a missing reason raise :class:`ProposalError`; a stale
    ``expected_version`` raises :class:`StaleEdit`. One transaction: nothing is half-written."""
    reference, reason = (reference or "").strip(), (reason or "").strip()
    with transaction.atomic():
        fresh = (
            RiskProposal.objects.select_for_update(of=("self",))
            .select_related("partnership", "organisation", "contract", "service")
            .get(pk=proposal.pk)
        )
        if fresh.status != ProposalStatus.PROPOSED:
            raise ProposalError(f"This proposal was already {fresh.get_status_display().lower()}.")
        if expected_version is not None and fresh.version != expected_version:
            raise StaleEdit(fresh)
        check_four_eyes(by, fresh.proposed_by_id, record=fresh, also=[fresh.modified_by_id],
                        what="risk", decide="accept or decline")  # fmt: skip
        if accept:
            problems = rules.reference(fresh.partnership, reference, None)
            if problems:
                raise ProposalError(problems["reference"], "reference")
            risk = Risk(
                partnership=fresh.partnership, reference=reference, title=fresh.title,
                description=fresh.description, category=fresh.category, inherent_impact=fresh.impact,
                inherent_likelihood=fresh.likelihood, identified_on=on, contract=fresh.contract,
                service=fresh.service, illustrative=fresh.illustrative,
                source=f"Proposed by {fresh.organisation.name}"[:300],
            )  # fmt: skip
            save_versioned(risk, expected_version=None, by=by)
            record_first_review(risk, on=on, by=by)
            fresh.risk = risk
            fresh.status = ProposalStatus.ACCEPTED
        else:
            if not reason:
                raise ProposalError(rules.DECLINE_NEEDS_A_REASON, "reason")
            fresh.status = ProposalStatus.DECLINED
        fresh.reason = reason
        fresh.decided_on = on
        fresh.decided_by = by if getattr(by, "pk", None) else None
        return save_versioned(fresh, expected_version=fresh.version, by=by)


class RiskStateError(Exception):
    """A change of status the risk's state does not allow (accepting a closed risk)."""


def accept(risk: Risk, *, reason: str, by: Any) -> Risk:
    """Accept ``risk`` (tolerate it at its current rating; RESOLUTIONS 21: a status), naming ``by`` and
    ``reason`` in its audit history. A closed risk is not accepted (:class:`RiskStateError`)."""
    from jointly.risks.models import RiskStatus

    with transaction.atomic():
        fresh = Risk.objects.select_for_update().get(pk=risk.pk)
        if fresh.status == RiskStatus.CLOSED:
            raise RiskStateError("The risk is closed: reopen it before accepting it.")
        if fresh.status == RiskStatus.ACCEPTED:
            return fresh
        fresh.status = RiskStatus.ACCEPTED
        fresh._change_reason = reason[:100]  # type: ignore[attr-defined]
        if getattr(by, "pk", None):
            fresh._history_user = by  # type: ignore[attr-defined]
        save_versioned(fresh, expected_version=fresh.version, by=by)
    return fresh
