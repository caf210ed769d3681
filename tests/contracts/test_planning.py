"""The planning module is pure: its status and stage names are the models' own."""

from __future__ import annotations

from jointly.contracts import planning, terms
from jointly.contracts.models import ContractStatus, StageKind


def test_planning_names_the_statuses_and_stages_of_the_models():
    assert terms.RECORDED_CLOSED == (ContractStatus.ENDED, ContractStatus.DECOMMISSIONED)
    assert planning.MARKET_STAGES == (StageKind.TENDER, StageKind.MARKET_ENGAGEMENT)
    assert planning.GO_LIVE == StageKind.GO_LIVE
