"""The rules of contracts, their funding shares, sub-contractors and procurement stages, used by
both their forms and the API.

Each uniqueness rule is backed by a constraint on the model (``contract_unique_reference``,
``funding_share_unique``, ``subcontractor_unique``, ``procurement_unique_reference``,
``procurement_stage_unique``).
"""

from __future__ import annotations

from typing import Any

from jointly.contracts.models import (
    Contract,
    ContractSubcontractor,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
)
from jointly.core.rules import Problems, unique
from jointly.partnerships.models import Organisation, Partnership

CONTRACT_REFERENCE_TAKEN = "Another contract in this partnership has this reference."
SHARE_TAKEN = "This commissioner already has a share from this stream in this year: edit that one."
NOT_OWN_SUBCONTRACTOR = "The lead provider is not its own sub-contractor."
SUBCONTRACTOR_TAKEN = "This organisation is already a sub-contractor."
PROCUREMENT_REFERENCE_TAKEN = "Another procurement project in this partnership has this reference."
STAGE_TAKEN = "This project already has that stage: edit it instead."


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
