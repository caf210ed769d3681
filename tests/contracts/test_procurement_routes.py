"""The route of a procurement is checked against its start date and buyer: model, form, API, migration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jointly.contracts.forms import ProcurementForm
from jointly.contracts.models import ProcurementProject
from tests.fresh_database import FreshDatabase

pytestmark = pytest.mark.django_db


def test_model_clean_refuses_a_route_not_of_its_time(cw):
    p = cw.project  # the council's, begun 1 June 2013
    p.route = "psr_competitive"
    with pytest.raises(ValidationError) as err:
        p.full_clean()
    assert "route" in err.value.message_dict
    assert "1 June 2013" in err.value.message_dict["route"][0]
    p.route = "pcr06b_direct"
    p.full_clean()
    p.start_date = None
    with pytest.raises(ValidationError) as err:
        p.full_clean()
    assert "start_date" in err.value.message_dict
    p.route = "extension"
    p.full_clean()  # an extension needs no date


def test_buyer_decides(cw):
    # NHS (CCG) health care on 1 June 2015 is still PCR 2006 Part B; a council's is PCR 2015 light touch
    p = cw.project
    p.start_date = dt.date(2015, 6, 1)
    p.route = "pcr06b_advertised"
    p.lead_commissioner = cw.w.ccg
    p.full_clean()
    p.lead_commissioner = cw.w.council
    with pytest.raises(ValidationError):
        p.full_clean()
    p.route = "pcr15_ltr"
    p.full_clean()


def _form_data(cw, **kw):
    return {"reference": "PRJ-NEW", "title": "Sexual health", "lead_commissioner": cw.w.council.pk,
            "start_date": "2014-01-31", "service_kind": "healthcare", "route": "pcr06b_advertised",
            "status": "planned", **kw}  # fmt: skip


def test_form_refuses_wrong_route_with_a_clear_message(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    url = reverse("contracts:procurement_new", args=["alpha"])
    bad = client.post(url, _form_data(cw, route="pa23_open"))
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "was not a route for a council" in page and "31 January 2014" in page
    assert not ProcurementProject.objects.filter(reference="PRJ-NEW").exists()
    missing = client.post(url, _form_data(cw, start_date=""))
    assert missing.status_code == 400
    ok = client.post(url, _form_data(cw))
    assert ok.status_code == 302, ok.content.decode()[:3000]
    saved = ProcurementProject.objects.get(reference="PRJ-NEW")
    assert (saved.route, saved.start_date) == ("pcr06b_advertised", dt.date(2014, 1, 31))
    detail = client.get(saved.get_absolute_url()).content.decode()
    assert "Public Contracts Regulations 2006 (Part B services)" in detail


def test_form_offers_routes_by_date(cw):
    form = ProcurementForm(instance=cw.project, partnership=cw.w.p)
    groups = [c for c in form.fields["route"].choices if isinstance(c[1], list | tuple)]
    assert len(groups) == 1 and "1 June 2013" in groups[0][0]
    offered = {code for code, _ in groups[0][1]}
    assert offered == {"pcr06b_advertised", "pcr06b_invited", "pcr06b_direct", "pcr_framework", "extension"}
    new = ProcurementForm(partnership=cw.w.p)
    labels = [c[0] for c in new.fields["route"].choices]
    assert "Provider Selection Regime" in labels and "PCR 2006 Part B service" in labels


def test_api_refuses_wrong_route(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    body = {"partnership": "alpha", "reference": "PRJ-API", "title": "x", "lead_commissioner": cw.w.ccg.slug,
            "start_date": "2014-03-31", "route": "psr_competitive"}  # fmt: skip
    bad = client.post("/api/v1/procurements/", body, content_type="application/json")
    assert bad.status_code == 400
    assert "NHS (Procurement, Patient Choice and Competition)" in bad.json()["route"][0]
    no_date = client.post(
        "/api/v1/procurements/", {**body, "start_date": None}, content_type="application/json"
    )
    assert no_date.status_code == 400 and "start_date" in no_date.json()
    ok = client.post(
        "/api/v1/procurements/", {**body, "route": "pcr06b_advertised"}, content_type="application/json"
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["law_in_force"].startswith("Public Contracts Regulations 2006 (Part B services) and NHS")
    # a later change of date alone is checked against the stored route
    moved = client.patch(
        f"/api/v1/procurements/{ok.json()['id']}/",
        {"start_date": "2024-02-01", "version": ok.json()["version"]},
        content_type="application/json",
    )
    assert moved.status_code == 400 and "route" in moved.json()


def test_data_migration_gives_stored_routes_of_their_time(fresh_db: FreshDatabase):
    # A database of its own, migrated from nothing to `before` (ADR 0033): every table is as of the
    # migrations `before` needs, and the test database stays as it is.
    before = [("contracts", "0003_procurement_law_procurement")]
    after = [("contracts", "0004_procurement_routes_of_their_time_procurement")]
    apps = fresh_db.migrate(before)
    Org = apps.get_model("partnerships", "Organisation")
    Partnership = apps.get_model("partnerships", "Partnership")
    Project = apps.get_model("contracts", "ProcurementProject")
    Stage = apps.get_model("contracts", "ProcurementStage")
    p = Partnership.objects.create(slug="mig", name="Mig")
    council = Org.objects.create(slug="mig-cc", name="Mig CC", kind="council")
    nhse = Org.objects.create(slug="mig-nhse", name="Mig NHSE", kind="nhs_england")
    old = Project.objects.create(
        partnership=p, reference="A", title="A", route="pa23_open", lead_commissioner=council
    )
    Stage.objects.create(project=old, stage="tender", planned_date=dt.date(2014, 3, 1))
    Stage.objects.create(project=old, stage="specification", planned_date=dt.date(2014, 1, 5),
                         actual_date=dt.date(2013, 12, 20))  # fmt: skip
    fnp = Project.objects.create(partnership=p, reference="B", title="B", route="psr_most_suitable",
                                 lead_commissioner=nhse)  # fmt: skip
    Stage.objects.create(project=fnp, stage="options", planned_date=dt.date(2013, 6, 30))
    Project.objects.create(partnership=p, reference="C", title="C", route="pa23_open")
    modern = Project.objects.create(partnership=p, reference="D", title="D", route="psr_direct_c",
                                    lead_commissioner=council)  # fmt: skip
    Stage.objects.create(project=modern, stage="options", planned_date=dt.date(2024, 6, 1))

    apps = fresh_db.migrate(after)
    Project = apps.get_model("contracts", "ProcurementProject")
    got = {x.reference: (x.route, x.start_date) for x in Project.objects.all()}
    assert got == {
        "A": ("pcr06b_advertised", dt.date(2013, 12, 20)),
        "B": ("pcr06b_invited", dt.date(2013, 6, 30)),
        "C": ("pa23_open", None),
        "D": ("psr_direct_c", dt.date(2024, 6, 1)),
    }
    apps = fresh_db.migrate(before)  # reversible: dates cleared, routes kept
    assert set(
        apps.get_model("contracts", "ProcurementProject").objects.values_list("start_date", flat=True)
    ) == {None}


def test_form_accepts_a_new_date_and_a_route_of_that_date_together(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    p = cw.project  # begun 1 June 2013 under PCR 2006 Part B
    url = reverse("contracts:procurement_edit", args=["alpha", p.pk])
    data = _form_data(cw, reference=p.reference, title=p.title, start_date="2024-06-01", route="psr_competitive",
                      version=p.version)  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    p.refresh_from_db()
    assert (p.start_date, p.route) == (dt.date(2024, 6, 1), "psr_competitive")


def test_public_health_pays_as_its_council(cw, client_for):
    from decimal import Decimal

    from jointly.contracts.models import FundingShare
    from jointly.partnerships.models import Organisation
    from tests import factories

    ph = Organisation.objects.create(slug="alpha-ph", name="Alpha Public Health", kind="public_health",
                                     parent=cw.w.council)  # fmt: skip
    factories.member(cw.w.p, ph, "partner")
    share = FundingShare(contract=cw.own, commissioner=ph, financial_year="2014/15",
                         funding_stream="public_health_grant", amount=Decimal("1"))  # fmt: skip
    with pytest.raises(ValidationError) as err:
        share.full_clean()
    assert "is part of Alpha Council" in err.value.message_dict["commissioner"][0]
    client = client_for(cw.w.users["commissioner"])
    body = {"contract": cw.own.pk, "commissioner": ph.slug, "financial_year": "2015/16",
            "funding_stream": "public_health_grant", "amount": "1"}  # fmt: skip
    r = client.post("/api/v1/funding-shares/", body, content_type="application/json")
    assert r.status_code == 400 and "is part of" in r.json()["commissioner"][0]
