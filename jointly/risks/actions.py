"""Writes that touch more than one record: recording a risk with its first review, re-scoring."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jointly.core.models import save_versioned
from jointly.risks import scoring
from jointly.risks.models import Risk, RiskMatrix, RiskReview


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
