"""The rules of contracts, their funding shares, sub-contractors and procurement stages, used by
both their forms and the API.

Each uniqueness rule is backed by a constraint on the model (``contract_unique_reference``,
``funding_share_unique``, ``subcontractor_unique``, ``procurement_unique_reference``,
``procurement_stage_unique``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jointly.contracts import terms
from jointly.contracts.models import (
    Contract,
    ContractSubcontractor,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    Variation,
    VariationKind,
    VariationStatus,
)
from jointly.core.rules import Problems, unique
from jointly.partnerships.models import Organisation, Partnership

CONTRACT_REFERENCE_TAKEN = "Another contract in this partnership has this reference."
SHARE_TAKEN = "This commissioner already has a share from this stream in this year: edit that one."
NOT_OWN_SUBCONTRACTOR = "The lead provider is not its own sub-contractor."
SUBCONTRACTOR_TAKEN = "This organisation is already a sub-contractor."
PROCUREMENT_REFERENCE_TAKEN = "Another procurement project in this partnership has this reference."
STAGE_TAKEN = "This project already has that stage: edit it instead."
END_BEFORE_START = "The end date must be on or after the start date."
EXTENSIONS_HALF_GIVEN = "Give both the number of extensions and their length, or neither."
EFFICIENCY_WITHOUT_DATE = "Say from when the efficiency requirement applies."
NEGATIVE_SHARE = "A funding share cannot be negative."
RING_FENCE_NOT_PH = "Only money from the Public Health grant can be ring-fenced PH."
VARIATION_DECIDED = "A decided variation cannot be changed: propose a new one."
VALUE_CHANGE_MISSING = "A value variation needs the value change."
NEW_END_MISSING = "A term variation needs the new end date."
NEW_END_BEFORE_START = "The new end date must be after the contract starts."
EFFECTIVE_AFTER_END = (
    "A variation cannot take effect after the contract has ended ({end.day} {end:%B %Y}): "
    "a new arrangement needs a new contract."
)


def contract_terms(
    start: dt.date | None, end: dt.date | None, extension_count: int | None, extension_months: int | None,
    efficiency_percent: Any, efficiency_from: dt.date | None,
) -> Problems:  # fmt: skip
    """A contract ends on or after it starts (also a database check), its extension options give
    both count and length or neither, and an efficiency requirement says from when."""
    problems: Problems = {}
    if start and end and end < start:
        problems["end_date"] = END_BEFORE_START
    if bool(extension_count) != bool(extension_months):
        problems["extension_months"] = EXTENSIONS_HALF_GIVEN
    if efficiency_percent is not None and not efficiency_from:
        problems["efficiency_from"] = EFFICIENCY_WITHOUT_DATE
    return problems


def funding_amount(
    amount: Decimal | None, ring_fenced_public_health: bool, funding_stream: str | None
) -> Problems:
    """A share is not negative, and only Public Health grant money is ring-fenced PH."""
    problems: Problems = {}
    if amount is not None and amount < 0:
        problems["amount"] = NEGATIVE_SHARE
    if ring_fenced_public_health and funding_stream != "public_health_grant":
        problems["ring_fenced_public_health"] = RING_FENCE_NOT_PH
    return problems


def variation_open(instance: Variation | None) -> Problems:
    """A decided variation is the record of a decision: it is not edited (propose another)."""
    if instance is not None and instance.pk and instance.status != VariationStatus.PROPOSED:
        return {"status": VARIATION_DECIDED}
    return {}


def variation_terms(
    contract: Contract, kind: str | None, value_change: Any, new_end_date: dt.date | None
) -> Problems:
    """A value variation gives the change; a term variation the new end date, after the start."""
    problems: Problems = {}
    if kind == VariationKind.VALUE and value_change is None:
        problems["value_change"] = VALUE_CHANGE_MISSING
    if kind == VariationKind.TERM and new_end_date is None:
        problems["new_end_date"] = NEW_END_MISSING
    if new_end_date is not None and new_end_date < contract.start_date:
        problems["new_end_date"] = NEW_END_BEFORE_START
    return problems


def variation_in_term(
    contract: Contract, effective_date: dt.date | None, instance: Variation | None
) -> Problems:
    """A variation takes effect while the contract runs: on or before its current end date (the
    end after every other approved variation). Checked when proposed and again when approved."""
    if effective_date is None or contract is None:
        return {}
    others = [v for v in contract.variations.all() if instance is None or v.pk != instance.pk]
    end = terms.current_terms(contract.value, contract.end_date, others).end_date
    if effective_date > end:
        return {"effective_date": EFFECTIVE_AFTER_END.format(end=end)}
    return {}


def contract_reference(
    partnership: Partnership | None, reference: str, instance: Contract | None
) -> Problems:
    """A contract's reference is unique within its partnership."""
    clash = Contract.objects.filter(partnership=partnership, reference=reference)
    return unique(clash, instance, "reference", CONTRACT_REFERENCE_TAKEN)


def funding_share(
    contract: Contract, commissioner: Organisation, financial_year: Any, funding_stream: Any,
    instance: FundingShare | None,
) -> Problems:  # fmt: skip
    """One share per commissioner, financial year and funding stream of a contract."""
    clash = FundingShare.objects.filter(
        contract=contract, commissioner=commissioner, financial_year=financial_year,
        funding_stream=funding_stream,
    )  # fmt: skip
    return unique(clash, instance, "financial_year", SHARE_TAKEN)


def subcontractor(
    contract: Contract, organisation: Organisation, instance: ContractSubcontractor | None
) -> Problems:
    """The lead provider is not its own sub-contractor, and nobody is one twice."""
    if organisation.pk == contract.provider_id:
        return {"organisation": NOT_OWN_SUBCONTRACTOR}
    clash = ContractSubcontractor.objects.filter(contract=contract, organisation=organisation)
    return unique(clash, instance, "organisation", SUBCONTRACTOR_TAKEN)


def procurement_reference(
    partnership: Partnership | None, reference: str | None, instance: ProcurementProject | None
) -> Problems:
    """A procurement project's reference is unique within its partnership."""
    clash = ProcurementProject.objects.filter(partnership=partnership, reference=reference)
    return unique(clash, instance, "reference", PROCUREMENT_REFERENCE_TAKEN)


def procurement_stage(project: ProcurementProject, stage: str, instance: ProcurementStage | None) -> Problems:
    """A project has each stage at most once."""
    return unique(
        ProcurementStage.objects.filter(project=project, stage=stage), instance, "stage", STAGE_TAKEN
    )
