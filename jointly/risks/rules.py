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
LINKS = ("intention", "contract", "procurement", "service", "board")


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
