"""Minuted decisions applied to the records they name, through each record's own app (ADR 0030).

A :class:`~jointly.packs.models.DecisionLink` says what a board decided: an intention's stage, a
contract variation (approved or rejected), a proposed fund change (approved or rejected) or a risk's
acceptance. :func:`apply` carries it out with the record's own action, so that app's rules and audit
hold exactly as on its own page:

- an intention's stage: :func:`jointly.intentions.actions.set_stage`;
- a variation: :func:`jointly.contracts.actions.decide_variation` (four eyes, change control);
- a fund change: :func:`jointly.finance.actions.decide_change` (four eyes, the approving board, the
  Public Health consultation), with the meeting's board, date and minute as the decision;
- a risk's acceptance: :func:`jointly.risks.actions.accept`.

Who may: minuting needs ``edit_governance``; applying also needs the permission the record's own page
asks for (:data:`~jointly.packs.models.APPLY_PERMISSION`). When the minuting person may not apply it,
or the record's rules refuse, the link is kept with ``not_applied`` saying why, and nothing else is
written; someone allowed may confirm it later (:func:`apply` again).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jointly.accounts.permissions import Perm, has_permission
from jointly.contracts import actions as contracts
from jointly.core.approvals import FourEyesError
from jointly.core.models import StaleEdit
from jointly.finance import actions as finance
from jointly.intentions import actions as intentions
from jointly.packs.models import APPLY_PERMISSION, DecisionKind, DecisionLink, DecisionOutcome
from jointly.risks import actions as risks

#: What the records' own actions raise when their rules refuse (kept as the link's ``not_applied``).
REFUSALS = (
    FourEyesError, StaleEdit, ValidationError, ValueError, contracts.ChangeControlError,
    finance.ChangeControlError, risks.RiskStateError,
)  # fmt: skip
WAITING = "Waiting for someone allowed to {what} to confirm it."
WHAT = {
    DecisionKind.INTENTION_STAGE: "change intentions",
    DecisionKind.VARIATION: "approve variations",
    DecisionKind.FUND: "decide fund changes",
    DecisionKind.RISK_ACCEPTANCE: "change risks",
}


def partnership_of(link: DecisionLink) -> Any:
    return link.decision.meeting.board.partnership


def may_apply(user: Any, link: DecisionLink) -> bool:
    """Whether ``user`` may apply ``link``'s decision to its record (the record's own permission)."""
    need = APPLY_PERMISSION.get(link.kind)  # type: ignore[call-overload]
    return need is not None and has_permission(user, Perm(need), partnership_of(link))


def reference(link: DecisionLink) -> str:
    """The minute as a reference: board, meeting date and decision number."""
    meeting = link.decision.meeting
    return f"{meeting.board.name}, {meeting.date:%-d %B %Y}, decision {link.decision_id}"[:200]


def record(link: DecisionLink, *, by: Any) -> DecisionLink:
    """Save a new link (its decision already minuted) and apply it when ``by`` may; else say why not."""
    with transaction.atomic():
        if link.fund_change_id and not link.fund_id:
            link.fund_id = link.fund_change.fund_id
        link._history_user = by if getattr(by, "pk", None) else None  # type: ignore[attr-defined]
        link.save()
        if link.applies:
            if may_apply(by, link):
                apply(link, by=by)
            else:
                _mark(link, not_applied=WAITING.format(what=WHAT[link.kind]), by=by)  # type: ignore[index]
    return link


def apply(link: DecisionLink, *, by: Any) -> DecisionLink:
    """Carry the decision out on its record (the caller checked :func:`may_apply`).

    The record's own refusal (four eyes, change control, a stale record, a closed risk) is kept in
    ``not_applied``; whatever the action had begun is rolled back, so nothing but the link is written.
    Applying twice does nothing the second time.
    """
    if link.applied or not link.applies:
        return link
    try:
        with transaction.atomic():
            _carry_out(link, by)
    except REFUSALS as exc:
        return _mark(link, not_applied=_message(exc), by=by)
    return _mark(link, applied=True, by=by)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:500]
    return (str(exc) or exc.__class__.__name__)[:500]


def _carry_out(link: DecisionLink, by: Any) -> None:
    decision = link.decision
    why = f"Board decision: {decision.text}"
    approve = link.outcome == DecisionOutcome.APPROVE
    if link.kind == DecisionKind.INTENTION_STAGE:
        if link.intention is None:
            raise ValueError("The intention no longer exists.")
        intentions.set_stage(link.intention, link.stage, reason=f"Board decision {decision.pk}", by=by)
    elif link.kind == DecisionKind.VARIATION:
        if link.variation is None:
            raise ValueError("The variation no longer exists.")
        contracts.decide_variation(
            link.variation, approve=approve, reason=f"{why} ({reference(link)})", expected_version=None,
            by=by, on=decision.meeting.date,
        )  # fmt: skip
    elif link.kind == DecisionKind.FUND:
        if link.fund_change is None:
            raise ValueError("The fund change no longer exists.")
        finance.decide_change(
            link.fund_change, approve=approve, board=decision.meeting.board, decided_on=decision.meeting.date,
            decision_reference=reference(link), reason="" if approve else why, expected_version=None, by=by,
        )  # fmt: skip
    elif link.kind == DecisionKind.RISK_ACCEPTANCE:
        if link.risk is None:
            raise ValueError("The risk no longer exists.")
        risks.accept(link.risk, reason=f"Board decision {decision.pk}", by=by)


def _mark(link: DecisionLink, *, applied: bool = False, not_applied: str = "", by: Any) -> DecisionLink:
    person = by if getattr(by, "pk", None) else None
    link.applied_on = timezone.now() if applied else None
    link.applied_by = person if applied else None
    link.not_applied = "" if applied else not_applied
    link._history_user = person  # type: ignore[attr-defined]
    link._change_reason = "Applied to its record" if applied else "Not applied"  # type: ignore[attr-defined]
    link.save()
    return link
