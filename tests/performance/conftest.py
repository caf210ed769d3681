"""Fixtures for performance tests: the shared ``world`` plus contracts, KPIs and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from jointly.contracts.models import Contract
from jointly.performance import actions
from jointly.performance import returns as rules
from jointly.performance.models import Kpi, Route
from tests import factories
from tests.factories import LONG_RUNNING, contract, kpi


def add_returns(k: Kpi, values: list[float], start: dt.date = dt.date(2022, 1, 1), by: Any = None) -> None:
    """Monthly percentage returns (denominator 1000) from ``start``, through the real action."""
    period = rules.period_of(start, k.frequency)
    clean = []
    for v in values:
        clean.append(
            rules.CleanReturn(
                row=0,
                kpi=k.code,
                period=period,
                numerator=rules.Decimal(str(round(v * 10))),
                denominator=rules.Decimal(1000) if k.measure != "count" else None,
                value=round(v * 10) / 10 if k.measure != "count" else v,
                reason="",
                is_revision=False,
            )
        )
        period = rules.next_period(period)
    actions.submit_returns(clean, [k], by=by, route=Route.DEMO)


@dataclass
class Perf:
    w: Any
    contract: Contract
    other_contract: Contract  # same partnership, another provider
    beta_contract: Contract  # another partnership
    kpi: Kpi
    count_kpi: Kpi
    other_kpi: Kpi
    beta_kpi: Kpi


@pytest.fixture
def perf(world) -> Perf:
    w = world
    other_provider = factories.organisation(slug="other-trust", name="Other Trust", kind="nhs_trust")
    factories.member(w.p, other_provider, "provider")
    c = contract(w.p, w.provider, **LONG_RUNNING, reference="ALP-C1", title="Community health")
    oc = contract(w.p, other_provider, **LONG_RUNNING, reference="ALP-C2", title="Ambulance")
    bc = contract(w.other, w.other_council, **LONG_RUNNING, reference="BET-C1")
    k = kpi(c, code="SG-L3", name="Safeguarding training level 3")
    k.outcomes.add(w.outcome)
    ck = kpi(
        c,
        code="FNP",
        name="FNP places",
        measure="count",
        unit="places",
        target=100,
        tolerance=None,
        frequency="quarterly",
    )
    ok = kpi(oc, code="AMB-8", name="Ambulance 8 minutes", target=75)
    bk = kpi(bc, code="BET-1", name="Beta KPI")
    add_returns(k, [96, 95, 97, 96, 95, 96, 97, 95, 96, 94, 96, 95, 97, 96, 95])
    add_returns(ok, [70, 72, 71, 69, 70, 72, 71, 70, 73, 71, 70, 72, 70, 71, 69])
    return Perf(w, c, oc, bc, k, ck, ok, bk)
