"""Every contracts page allowed/denied per role; providers see only their own contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from jointly.contracts.models import Contract, FundingShare, ProcurementProject, Variation
from tests.factories import edited_elsewhere

pytestmark = pytest.mark.django_db

READERS = ["viewer", "analyst", "finance", "commissioner", "partnership_admin"]
EDITORS = ["commissioner", "partnership_admin"]


def pages(cw):
    s, c, p = "alpha", cw.own.pk, cw.project.pk
    return {
        "register": reverse("contracts:register", args=[s]),
        "detail": reverse("contracts:detail", args=[s, c]),
        "expiry": reverse("contracts:expiry", args=[s]),
        "timeline": reverse("contracts:timeline", args=[s]),
        "pipeline": reverse("contracts:pipeline", args=[s]),
        "conflicts": reverse("contracts:conflicts", args=[s]),
        "procurement": reverse("contracts:procurement", args=[s, p]),
        "ocds": reverse("contracts:ocds_export", args=[s]),
    }


PROVIDER_ALLOWED = {"register", "detail", "expiry", "timeline"}


@pytest.mark.parametrize("role", READERS)
def test_readers_see_every_page(cw, client_for, role):
    client = client_for(cw.w.users[role])
    for name, url in pages(cw).items():
        assert client.get(url).status_code == 200, name


def test_provider_sees_only_own_contracts_and_no_procurement(cw, client_for):
    client = client_for(cw.w.users["provider"])
    for name, url in pages(cw).items():
        expected = 200 if name in PROVIDER_ALLOWED else 403
        assert client.get(url).status_code == expected, name
    register = client.get(reverse("contracts:register", args=["alpha"])).content.decode()
    assert "OWN-1" in register and "OTH-1" not in register
    assert client.get(reverse("contracts:detail", args=["alpha", cw.other.pk])).status_code == 404
    csv = client.get(reverse("contracts:register", args=["alpha"]) + "?format=csv").content.decode()
    assert "OWN-1" in csv and "OTH-1" not in csv
    expiry = client.get(reverse("contracts:expiry", args=["alpha"]) + "?months=120").content.decode()
    assert "OTH-1" not in expiry
    timeline = client.get(reverse("contracts:timeline", args=["alpha"])).content.decode()
    assert "OTH-1" not in timeline
    assert client.get(reverse("contracts:new", args=["alpha"])).status_code == 403


def test_outsiders_get_404_and_anonymous_are_sent_to_sign_in(cw, client_for):
    for name, url in pages(cw).items():
        assert client_for(cw.w.outsider).get(url).status_code == 404, name
        assert client_for(None).get(url).status_code == 302, name


@pytest.mark.parametrize("role", ["viewer", "analyst", "finance", "provider"])
def test_non_editors_cannot_edit(cw, client_for, role):
    client = client_for(cw.w.users[role])
    s, c = "alpha", cw.own.pk
    for url in [
        reverse("contracts:new", args=[s]),
        reverse("contracts:edit", args=[s, c]),
        *(
            [] if role == "finance" else [reverse("contracts:funding_new", args=[s, c])]
        ),  # finance keeps shares
        reverse("contracts:variation_new", args=[s, c]),
        reverse("contracts:document_new", args=[s, c]),
        reverse("contracts:subcontractor_new", args=[s, c]),
        reverse("contracts:procurement_new", args=[s]),
        reverse("contracts:stage_new", args=[s, cw.project.pk]),
        reverse("contracts:conflict_new", args=[s, cw.project.pk]),
        reverse("contracts:ocds_import", args=[s]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    decide = reverse("contracts:variation_decide", args=[s, c, cw.variation.pk])
    assert client.post(decide, {"decision": "approve", "reason": "x", "version": 1}).status_code == 403
    assert Variation.objects.get(pk=cw.variation.pk).status == "proposed"


def test_commissioner_adds_contract_and_edits_children(cw, client_for):
    w = cw.w
    client = client_for(w.users["commissioner"])
    data = {
        "reference": "NEW-1", "title": "Health visiting", "provider": w.provider.pk,
        "lead_commissioner": w.council.pk, "contract_type": "nhs_standard", "status": "live",
        "start_date": "2014-04-01", "end_date": "2017-03-31", "value": "250000",
        "extension_count": "2", "extension_months": "12", "notice_months": "6",
        "efficiency_percent": "5", "efficiency_from": "2014-04-01",
    }  # fmt: skip
    response = client.post(reverse("contracts:new", args=["alpha"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    c = Contract.objects.get(reference="NEW-1")
    assert c.created_by == w.users["commissioner"]
    assert c.history.count() == 1
    url = reverse("contracts:funding_new", args=["alpha", c.pk])
    ok = {
        "commissioner": w.ccg.pk,
        "financial_year": "2014/15",
        "funding_stream": "nhs_allocation",
        "amount": "1000",
    }
    assert client.post(url, ok).status_code == 302
    assert client.post(reverse("contracts:document_new", args=["alpha", c.pk]),
                       {"title": "Spec", "url": "https://example.org/spec.pdf", "kind": "specification"}).status_code == 302  # fmt: skip
    assert client.post(reverse("contracts:subcontractor_new", args=["alpha", c.pk]),
                       {"organisation": w.council.pk, "role": "Parenting"}).status_code == 302  # fmt: skip
    detail = client.get(c.get_absolute_url()).content.decode()
    assert "Spec" in detail and "Parenting" in detail and "2014/15" in detail


def test_procurement_children_saved(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    p = cw.project
    assert client.post(reverse("contracts:stage_new", args=["alpha", p.pk]),
                       {"stage": "go_live", "planned_date": "2014-04-01"}).status_code == 302  # fmt: skip
    assert client.post(reverse("contracts:conflict_new", args=["alpha", p.pk]),
                       {"person": "B", "interest": "Trustee of bidder", "declared_on": "2013-10-01",
                        "decision": "excluded_evaluation", "decision_notes": "Left the panel"}).status_code == 302  # fmt: skip
    page = client.get(reverse("contracts:conflicts", args=["alpha"])).content.decode()
    assert "Trustee of bidder" in page


def test_propose_approve_and_see_new_terms(cw, client_for):
    w = cw.w
    client = client_for(w.users["commissioner"])
    c = cw.own
    response = client.post(
        reverse("contracts:variation_new", args=["alpha", c.pk]),
        {"kind": "term", "description": "Extend to August", "new_end_date": "2015-08-31", "effective_date": "2015-03-01"},
    )  # fmt: skip
    assert response.status_code == 302
    v = Variation.objects.get(description="Extend to August")
    decide = reverse("contracts:variation_decide", args=["alpha", c.pk, v.pk])
    # four eyes: the proposer cannot approve their own variation; another person can
    response = client.post(decide, {"decision": "approve", "reason": "Board agreed", "version": v.version})
    assert response.status_code == 403
    client = client_for(w.users["partnership_admin"])
    response = client.post(decide, {"decision": "approve", "reason": "Board agreed", "version": v.version})
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.status == "approved" and v.decided_by == w.users["partnership_admin"]
    assert v.proposed_by == w.users["commissioner"]
    c.refresh_from_db()
    assert c.current_terms().end_date == dt.date(2015, 8, 31)
    assert c.status == "extended"
    page = client.get(c.get_absolute_url()).content.decode()
    assert "31 August 2015" in page and "Board agreed" in page
    # deciding twice is refused and changes nothing
    again = client.post(decide, {"decision": "reject", "reason": "Oops", "version": v.version})
    assert again.status_code == 409
    v.refresh_from_db()
    assert v.status == "approved"


def test_decision_bad_input_and_stale(cw, client_for):
    client = client_for(cw.w.users["commissioner"])
    v = cw.variation
    decide = reverse("contracts:variation_decide", args=["alpha", cw.own.pk, v.pk])
    bad = client.post(decide, {"decision": "approve", "reason": "", "version": v.version})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    seen = edited_elsewhere(v, description="Changed by someone else")
    stale = client.post(decide, {"decision": "approve", "reason": "ok", "version": seen})
    assert stale.status_code == 409
    assert Variation.objects.get(pk=v.pk).status == "proposed"


BAD_FORMS = [
    ("contracts:new", {"reference": "", "title": "", "contract_type": "nope", "start_date": "2014-04-01",
                       "end_date": "2013-01-01"}, ["end_date", "reference"]),
    ("contracts:new", {"reference": "OWN-1", "title": "Dup", "contract_type": "council", "status": "live",
                       "start_date": "2014-04-01", "end_date": "2015-01-01", "notice_months": "3",
                       "extension_count": "2", "extension_months": "0", "efficiency_percent": "5"},
     ["reference", "extension_months", "efficiency_from"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "fields"), BAD_FORMS)
def test_bad_contract_forms_write_nothing(cw, client_for, name, data, fields):
    client = client_for(cw.w.users["commissioner"])
    before = Contract.objects.count()
    response = client.post(reverse(name, args=["alpha"]), data)
    assert response.status_code == 400
    form = response.context["form"]
    for f in fields:
        assert f in form.errors, (f, form.errors)
    assert Contract.objects.count() == before


def test_bad_child_forms_write_nothing(cw, client_for):
    w = cw.w
    client = client_for(w.users["commissioner"])
    c = cw.own
    cases = [
        ("contracts:funding_new", {"commissioner": w.council.pk, "financial_year": "2014/16",
                                   "funding_stream": "core", "amount": "-5", "ring_fenced_public_health": "on"}),
        ("contracts:funding_new", {"commissioner": w.council.pk, "financial_year": "2014/15",
                                   "funding_stream": "public_health_grant", "amount": "5"}),  # duplicate
        ("contracts:variation_new", {"kind": "value", "description": "x", "effective_date": "2014-01-01"}),
        ("contracts:variation_new", {"kind": "term", "description": "x", "effective_date": "bad"}),
        ("contracts:document_new", {"title": "x", "url": "javascript:alert(1)", "kind": "other"}),
        ("contracts:subcontractor_new", {"organisation": w.provider.pk, "role": "self"}),
    ]  # fmt: skip
    counts = (FundingShare.objects.count(), Variation.objects.count())
    for name, data in cases:
        response = client.post(reverse(name, args=["alpha", c.pk]), data)
        assert response.status_code == 400, (name, data)
        assert "There is a problem" in response.content.decode()
    assert (FundingShare.objects.count(), Variation.objects.count()) == counts
    p = cw.project
    for name, data in [
        ("contracts:stage_new", {"stage": "tender", "planned_date": "2014-01-01"}),  # duplicate stage
        (
            "contracts:conflict_new",
            {"person": "x", "interest": "y", "declared_on": "2014-01-01", "decision": "withdrawn"},
        ),  # fmt: skip
    ]:
        assert client.post(reverse(name, args=["alpha", p.pk]), data).status_code == 400
    bad = client.post(reverse("contracts:procurement_new", args=["alpha"]),
                      {"reference": "PRJ-1", "title": "", "route": "x"})  # fmt: skip
    assert bad.status_code == 400
    assert ProcurementProject.objects.count() == 1


def test_stale_contract_edit_is_409(cw, client_for):
    w = cw.w
    client = client_for(w.users["commissioner"])
    c = cw.own
    seen = edited_elsewhere(c, notice_months=5)  # someone else saved it after this person opened the form
    data = {
        "reference": c.reference, "title": "Changed", "provider": w.provider.pk, "lead_commissioner": w.ccg.pk,
        "contract_type": "council", "status": "live", "start_date": "2013-04-01", "end_date": "2015-03-31",
        "notice_months": "3", "extension_count": "0", "extension_months": "0", "version": seen,
    }  # fmt: skip
    response = client.post(reverse("contracts:edit", args=["alpha", c.pk]), data)
    assert response.status_code == 409
    c.refresh_from_db()
    assert c.title == "School nursing"


def test_register_filters_and_exports(cw, client_for):
    client = client_for(cw.w.users["viewer"])
    url = reverse("contracts:register", args=["alpha"])
    page = client.get(url + "?q=sexual").content.decode()
    assert "OTH-1" in page and "OWN-1" not in page
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    csv = client.get(url + "?format=csv").content.decode()
    assert "current_value" in csv and "100000.0" in csv


def test_detail_shows_funding_ring_fence_and_derived_value(cw, client_for):
    cw.variation.status = "approved"
    cw.variation.save()
    page = client_for(cw.w.users["finance"]).get(cw.own.get_absolute_url()).content.decode()
    assert "PH ring-fenced" in page
    assert "£105,000.00" in page


def test_expiry_notice_and_alignment(cw, client_for):
    w = cw.w
    from tests.factories import contract

    today = dt.date.today()
    a = contract(w.p, w.provider, w.council, reference="ALIGN-A", start_date=today,
                 end_date=today + dt.timedelta(days=200), notice_months=3)  # fmt: skip
    b = contract(w.p, w.provider, w.ccg, reference="ALIGN-B", start_date=today,
                 end_date=today + dt.timedelta(days=260))  # fmt: skip
    client = client_for(w.users["viewer"])
    page = client.get(reverse("contracts:expiry", args=["alpha"]) + "?months=12&window=6").content.decode()
    assert "ALIGN-A" in page and "ALIGN-B" in page
    assert "same provider: Alpha Trust" in page
    narrow = client.get(reverse("contracts:expiry", args=["alpha"]) + "?months=1&window=1").content.decode()
    assert "same provider: Alpha Trust" not in narrow
    bad = client.get(reverse("contracts:expiry", args=["alpha"]) + "?months=abc")
    assert bad.status_code == 400
    timeline = client.get(reverse("contracts:timeline", args=["alpha"])).content.decode()
    assert "<svg" in timeline and a.reference in timeline and b.reference in timeline
    assert "<script" not in timeline.split("<svg")[1].split("</svg>")[0]
    assert 'style="' not in timeline


def test_pipeline_shows_joint_opportunities(cw, client_for):
    w = cw.w
    from jointly.contracts.models import ProcurementStage
    from tests.factories import project

    p2 = project(w.p, w.ccg, reference="PRJ-2", title="CCG project")
    p2.intentions.add(w.intention)
    ProcurementStage.objects.create(project=p2, stage="tender", planned_date=dt.date(2013, 8, 1))
    page = client_for(w.users["viewer"]).get(reverse("contracts:pipeline", args=["alpha"])).content.decode()
    assert "2013/14 Q2, Early help" in page
    csv = client_for(w.users["viewer"]).get(reverse("contracts:pipeline", args=["alpha"]) + "?format=csv")
    assert "PRJ-2" in csv.content.decode()


def test_links_in_nav_and_partnership_page(cw, client_for):
    page = (
        client_for(cw.w.users["viewer"]).get(reverse("partnerships:detail", args=["alpha"])).content.decode()
    )
    assert reverse("contracts:register", args=["alpha"]) in page
    provider_page = client_for(cw.w.users["provider"]).get(reverse("partnerships:detail", args=["alpha"]))
    assert reverse("contracts:register", args=["alpha"]) in provider_page.content.decode()


def test_golden_thread_section(cw, client_for):
    from jointly.contracts.thread import section

    w = cw.w
    s = section(w.outcome, w.p, w.users["viewer"])
    assert s is not None and [r.contract.reference for r, _, _ in s.context["rows"]] == ["OWN-1"]
    assert section(w.outcome, w.p, w.users["provider"]) is None
    page = client_for(w.users["viewer"]).get(w.outcome.get_absolute_url())
    assert page.status_code == 200 and "OWN-1" in page.content.decode()


def test_history_shows_variation_steps(cw, client_for):
    from jointly.contracts import actions

    actions.decide_variation(cw.variation, approve=False, reason="Too dear", expected_version=None,
                             by=cw.w.users["commissioner"])  # fmt: skip
    page = client_for(cw.w.users["viewer"]).get(cw.own.get_absolute_url()).content.decode()
    assert "Too dear" in page and "variation rejected" in page.lower()
    assert Decimal("100000") == Contract.objects.get(pk=cw.own.pk).current_terms().value
