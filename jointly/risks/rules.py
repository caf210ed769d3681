"""The rules of a risk, used by the risk forms, the importer and the API (same words everywhere)."""

from __future__ import annotations

from typing import Any

from jointly.core.rules import Problems, unique
from jointly.partnerships.models import Partnership
from jointly.risks import scoring
from jointly.risks.models import Risk

REFERENCE_MISSING = "Enter the risk's reference."
REFERENCE_TAKEN = "Another risk in this partnership has this reference."
NOT_IN_PARTNERSHIP = "Choose one of this partnership's records."
LINKS = ("intention", "contract", "procurement", "service", "board", "fund")


def reference(partnership: Partnership, value: str, instance: Risk | None) -> Problems:
    """A risk has a reference, unique (ignoring case) within its partnership."""
    if not (value or "").strip():
        return {"reference": REFERENCE_MISSING}
    clash = Risk.objects.filter(partnership=partnership, reference__iexact=value.strip())
    return unique(clash, instance, "reference", REFERENCE_TAKEN)


def scores(values: dict[str, Any]) -> Problems:
    """Each of the three scores is a pair of 1–5 or blank; the target is not above the inherent."""
    errors: Problems = {}
    for kind in ("inherent", "current", "target"):
        errors.update(
            scoring.pair_problems(
                values.get(f"{kind}_impact"), values.get(f"{kind}_likelihood"), prefix=f"{kind}_"
            )
        )
    if not errors:
        inherent = scoring.rating(values.get("inherent_impact"), values.get("inherent_likelihood"))
        target = scoring.rating(values.get("target_impact"), values.get("target_likelihood"))
        errors.update(scoring.target_problems(inherent, target))
    return errors


def links(partnership: Partnership, values: dict[str, Any]) -> Problems:
    """What a risk threatens belongs to the same partnership."""
    errors: Problems = {}
    for name in LINKS:
        obj = values.get(name)
        if obj is not None and getattr(obj, "partnership_id", None) != partnership.pk:
            errors[name] = NOT_IN_PARTNERSHIP
    return errors


def matrix(values: dict[str, Any]) -> Problems:
    """The matrix's bounds rise and its band names differ; the threshold is a possible rating."""
    errors = scoring.matrix_problems(
        [values.get("low_max"), values.get("moderate_max"), values.get("high_max")],
        [values.get(f"{k}_label") or "" for k in scoring.BAND_KEYS],
    )
    threshold = values.get("escalation_threshold")
    if threshold is not None and not 1 <= threshold <= scoring.MAX_RATING:
        errors["escalation_threshold"] = f"The threshold is a rating from 1 to {scoring.MAX_RATING}."
    board = values.get("escalation_board")
    if (
        board is not None
        and values.get("partnership") is not None
        and board.partnership_id != values["partnership"].pk
    ):
        errors["escalation_board"] = NOT_IN_PARTNERSHIP
    return errors


PROPOSAL_NEEDS_A_RECORD = "Choose the contract or the service the risk is on."
PROPOSAL_NOT_YOURS = "Choose one of your organisation's contracts or services."
PROPOSAL_NO_PROVIDER = "No provider is recorded for it, so nobody can propose a risk on it."
PROPOSAL_TWO_PROVIDERS = "The contract and the service have different providers: choose one of them."
DECLINE_NEEDS_A_REASON = "Give the reason for declining the proposed risk."


def proposal(partnership: Partnership, values: dict[str, Any], allows: Any) -> Problems:
    """A proposed risk is on a contract or a service (or both, of one provider) of this partnership
    that the proposer provides (``allows(organisation_id)``), with an impact and a likelihood of 1–5."""
    errors: Problems = {}
    contract, service = values.get("contract"), values.get("service")
    for name, obj in (("contract", contract), ("service", service)):
        if obj is not None and (obj.partnership_id != partnership.pk or not allows(obj.provider_id)):
            errors[name] = PROPOSAL_NOT_YOURS
        elif obj is not None and obj.provider_id is None:
            errors[name] = PROPOSAL_NO_PROVIDER
    if contract is None and service is None:
        errors["contract"] = PROPOSAL_NEEDS_A_RECORD
    elif contract is not None and service is not None and not errors:
        if contract.provider_id != service.provider_id:
            errors["service"] = PROPOSAL_TWO_PROVIDERS
    for name in ("impact", "likelihood"):
        value = values.get(name)
        if value is None:
            errors[name] = f"Give the {name}: {scoring.SCORE_RANGE}."
        elif not scoring.valid_score(value):
            errors[name] = f"The {name} is {scoring.SCORE_RANGE}."
    return errors
