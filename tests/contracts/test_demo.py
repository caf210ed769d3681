"""Demo contracts load idempotently, derive the seed's extension dates and export valid OCDS."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jointly.contracts import exporting, ocds
from jointly.contracts.models import Contract, ProcurementProject
from jointly.demo import loader

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_matches_the_seeds():
    loader.load(with_users=False)
    counts = (Contract.objects.count(), ProcurementProject.objects.count())
    second = loader.load(with_users=False)
    assert (Contract.objects.count(), ProcurementProject.objects.count()) == counts
    assert not [k for k in second if k.startswith(("Contract", "Variation", "Procurement", "FundingShare"))]
    sn = Contract.objects.get(partnership__slug="essex", reference="ESX-C-SN-S")
    assert sn.current_terms().end_date == dt.date(2014, 8, 31)
    assert sn.efficiency_percent == Decimal("5.00") and sn.efficiency_from == dt.date(2014, 4, 1)
    sh = Contract.objects.get(partnership__slug="essex", reference="ESX-C-SH-W")
    assert sh.current_terms().end_date == dt.date(2014, 9, 30)
    fnp = ProcurementProject.objects.get(partnership__slug="essex", reference="ESX-P-FNP")
    assert fnp.stages.get(stage="go_live").planned_date == dt.date(2014, 4, 1)
    assert Contract.objects.filter(partnership__slug="north-east-essex", bundle=True).count() == 2
    assert Contract.objects.filter(partnership__slug="cambridgeshire").count() >= 5
    for slug in ("essex", "north-east-essex", "cambridgeshire"):
        from jointly.partnerships.models import Partnership

        assert ocds.validate(exporting.ocds_package(Partnership.objects.get(slug=slug))) == []
