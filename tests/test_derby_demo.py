"""Issue 10.11: a fuller Derby demo. Derby gets its contracts (the Transforming Community Services
contract ending in March 2015, 2014/15 variations), services and KPIs with returns, all labelled
illustrative where invented; the demo has performance notices and remedial action plans."""

from __future__ import annotations

import datetime as dt

import pytest

from jointly.accounts.models import User
from jointly.contracts.models import Contract, Variation
from jointly.core import attention
from jointly.demo import loader
from jointly.performance.models import Kpi, KpiReturn, NoticeStatus, PerformanceNotice, PlanStatus
from jointly.services.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    loader.load(with_users=True)


def test_derby_has_contracts_services_kpis_and_returns(demo, client_for):
    tcs = Contract.objects.get(partnership__slug="derby", reference="DER-C-TCS")
    assert tcs.current_terms().end_date == dt.date(2015, 3, 31)  # seed 002, 1.8
    assert tcs.illustrative and "illustrative" in tcs.description
    assert (
        Variation.objects.filter(
            contract__partnership__slug="derby", effective_date=dt.date(2014, 4, 1)
        ).count()
        >= 2
    )  # the 2014/15 contract variations (seed 002, 4.9)
    assert Contract.objects.filter(partnership__slug="derby").count() >= 3
    assert Service.objects.filter(partnership__slug="derby", illustrative=True).count() >= 5
    kpis = Kpi.objects.filter(partnership__slug="derby")
    assert kpis.count() >= 4 and all(k.illustrative for k in kpis)
    returns = KpiReturn.objects.filter(kpi__partnership__slug="derby")
    assert returns.exists() and all(r.illustrative for r in returns)
    assert returns.filter(status="queried").exists()
    assert User.objects.filter(email="provider.derby@jointly.test").exists()
    web = client_for(User.objects.get(email="commissioner.derby@jointly.test"))
    for url, marker in (
        ("/p/derby/contracts/", "DER-C-TCS"),
        ("/p/derby/services/", "Health visiting (Derby)"),
        ("/p/derby/performance/", "DER-PAED-LTC"),
        (f"/p/derby/contracts/{tcs.pk}/", "Some values here are illustrative"),
    ):
        response = web.get(url)
        assert response.status_code == 200 and marker in response.content.decode(), url


def test_demo_has_notices_and_remedial_plans(demo):
    essex = PerformanceNotice.objects.get(contract__reference="ESX-C-CH-NE")
    assert essex.illustrative and essex.status == NoticeStatus.OPEN
    assert essex.plan.status == PlanStatus.AGREED and essex.plan.actions.count() == 2
    derby = PerformanceNotice.objects.get(contract__reference="DER-C-PAED")
    assert derby.status == NoticeStatus.OPEN and not hasattr(derby, "plan") or derby.plan is None
    # as at Essex's date one agreed action is overdue; Derby's provider owes its plan
    kinds = {i.kind for i in attention.collect(User.objects.get(email="commissioner.essex@jointly.test"))}
    assert "remedial_action_overdue" in kinds
    provider = User.objects.get(email="provider.derby@jointly.test")
    kinds = {(i.partnership.slug, i.kind) for i in attention.collect(provider)}
    assert ("derby", "plan_awaited") in kinds and ("derby", "return_queried") in kinds
