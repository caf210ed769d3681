"""Contracts fixtures: the shared ``world`` plus a contract, a variation and a procurement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from jointly.contracts.models import (
    ConflictOfInterest,
    Contract,
    FundingShare,
    ProcurementProject,
    ProcurementStage,
    Variation,
)
from tests import factories


def contract(p: Any, provider: Any, lead: Any, **kw: Any) -> Contract:
    i = factories.n()
    return Contract.objects.create(
        partnership=p, provider=provider, lead_commissioner=lead,
        **{"reference": f"C-{i}", "title": f"Contract {i}", "contract_type": "council",
           "start_date": dt.date(2013, 4, 1), "end_date": dt.date(2015, 3, 31),
           "value": Decimal("100000"), **kw},
    )  # fmt: skip


def variation(c: Contract, **kw: Any) -> Variation:
    return Variation.objects.create(
        contract=c, **{"kind": "value", "description": "More capacity", "value_change": Decimal("5000"),
                       "effective_date": dt.date(2014, 1, 1), **kw},
    )  # fmt: skip


def project(p: Any, lead: Any, **kw: Any) -> ProcurementProject:
    i = factories.n()
    return ProcurementProject.objects.create(
        partnership=p, lead_commissioner=lead,
        **{"reference": f"P-{i}", "title": f"Project {i}", "route": "pcr06b_advertised",
           "start_date": dt.date(2013, 6, 1), **kw},
    )  # fmt: skip


@dataclass
class ContractWorld:
    w: Any
    own: Contract  # provided by the world's provider organisation
    other: Contract  # provided by someone else
    variation: Variation
    share: FundingShare
    project: ProcurementProject
    stage: ProcurementStage
    conflict: ConflictOfInterest


@pytest.fixture
def cw(world):
    w = world
    outside_provider = factories.organisation(slug="other-trust", name="Other Trust", kind="nhs_trust")
    factories.member(w.p, outside_provider, "provider")
    own = contract(w.p, w.provider, w.ccg, reference="OWN-1", title="School nursing", notice_months=6)
    own.intentions.add(w.intention)
    other = contract(w.p, outside_provider, w.council, reference="OTH-1", title="Sexual health")
    v = variation(own)
    share = FundingShare.objects.create(
        contract=own, commissioner=w.council, financial_year="2014/15", funding_stream="public_health_grant",
        amount=Decimal("60000"), ring_fenced_public_health=True,
    )  # fmt: skip
    proj = project(w.p, w.council, reference="PRJ-1", title="Family Nurse Partnership")
    proj.intentions.add(w.intention)
    stage = ProcurementStage.objects.create(project=proj, stage="tender", planned_date=dt.date(2013, 9, 1))
    conflict = ConflictOfInterest.objects.create(
        project=proj,
        person="A Evaluator",
        interest="Former employee of a bidder",
        declared_on=dt.date(2013, 9, 1),
    )
    return ContractWorld(w, own, other, v, share, proj, stage, conflict)
