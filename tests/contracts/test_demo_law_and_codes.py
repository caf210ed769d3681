"""The demo data tells procurement law, codes, populations and KPIs right, and reloads unchanged."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from jointly.contracts.models import ProcurementProject
from jointly.demo import loader
from jointly.partnerships.models import Area, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    loader.load(with_users=False)
    return loader.load(with_users=False)  # the second load's stats


def test_demo_reload_changes_nothing(demo):
    changed = [k for k, n in demo.items() if n and k.endswith(("created", "updated", "deleted"))]
    assert not changed, changed


def test_demo_procurements_have_routes_of_their_time(demo):
    projects = {p.reference: p for p in ProcurementProject.objects.select_related("lead_commissioner")}
    for ref in ("ESX-P-HCP519", "ESX-P-SH"):  # the council's 2014 public health tenders
        assert projects[ref].route == "pcr06b_advertised"
        assert projects[ref].regimes_text() == "Public Contracts Regulations 2006 (Part B services)"
    fnp = projects["ESX-P-FNP"]
    assert fnp.route == "pcr06b_invited" and "NHS (Procurement, Patient Choice" in fnp.regimes_text()
    for ref in ("NEE-P-UC", "NEE-P-HWB", "NEE-P-EOL"):
        assert projects[ref].route == "pcr06b_advertised" and projects[ref].start_date == dt.date(2014, 3, 31)
    assert all(p.route_problem() is None for p in projects.values())


def test_demo_codes_are_valid_and_real(demo):
    for area in Area.objects.all():
        area.full_clean()
    for org in Organisation.objects.select_related("parent"):
        org.full_clean(validate_unique=False)
    leeds = {a.name: a.gss_code for a in Area.objects.filter(name__startswith="NHS Leeds")}
    assert leeds == {
        "NHS Leeds North CCG": "E38000094",
        "NHS Leeds South and East CCG": "E38000095",
        "NHS Leeds West CCG": "E38000096",
    }
    trusts = {
        o.short_name: (o.ods_code, o.code_valid_to) for o in Organisation.objects.exclude(short_name="")
    }
    assert trusts == {
        "CHUFT": ("RDE", None),
        "SEPT": ("RWN", dt.date(2017, 3, 31)),
        "NELFT": ("RAT", None),
        "NEPFT": ("RRD", dt.date(2017, 3, 31)),
        "MEHT": ("RQ8", dt.date(2020, 3, 31)),
        "PAH": ("RQW", None),
    }
    for ph in Organisation.objects.filter(kind="public_health"):
        assert ph.parent is not None and ph.parent.kind == "council", ph.slug
    assert Organisation.objects.get(slug="public-health-england").kind == "national_body"


def test_demo_services_and_kpis(demo):
    from jointly.performance.models import Kpi
    from jointly.services.models import Service

    for name in ("Urgent care bundle", "End of life care bundle"):
        bundle = Service.objects.get(partnership__slug="north-east-essex", name=name)
        assert bundle.population == "all_ages" and bundle.level_of_need == "" and bundle.ages == "All ages"
    for s in Service.objects.all():
        s.full_clean(validate_unique=False, validate_constraints=False)
    kpis = {k.code: k for k in Kpi.objects.select_related("contract")}
    assert kpis["NEE-RTT18"].contract.reference == "NEE-C-ACUTE"
    assert kpis["NEE-CAN62"].contract.reference == "NEE-C-ACUTE"
    assert kpis["NEE-AMB8"].contract.reference == "NEE-C-AMB"
    assert not [k for k in kpis.values() if k.contract.reference == "NEE-C-UC" and k.code != "NEE-AE4H"]
    assert {kpis[c].quadrant for c in ("NEE-AMB8", "CAM-HV-NBV", "NEE-RTT18", "NEE-AE4H")} == {"how_well"}
    for k in kpis.values():  # returns lie within the contract they measure
        periods = Counter(r.period_start >= k.contract.start_date for r in k.returns.all())
        assert periods[False] == 0, k.code
