"""Issue 10.16: remedial plans and change control that hold.

The provider drafts its remedial action plan, a commissioner (not its author) agrees it, and the
notice stays open until every action is done or a commissioner closes it with a reason. A contract
variation cannot be approved by its proposer, nor take effect after the contract has ended.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jointly.contracts import actions as contract_actions
from jointly.contracts.models import Variation
from jointly.performance import actions
from jointly.performance.models import NoticeStatus, PerformanceNotice, PlanStatus, RemedialAction
from tests.factories import LONG_RUNNING, contract, kpi, variation

pytestmark = pytest.mark.django_db


def _notice(world):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    return actions.raise_notice(c, [kpi(c)], reason="Below target", by=world.users["commissioner"])


# --- pages --------------------------------------------------------------------------------------


def test_provider_drafts_commissioner_agrees_notice_stays_open_until_actions_done(world, client_for):
    commissioner, provider = world.users["commissioner"], world.users["provider"]
    c = contract(world.p, world.provider, **LONG_RUNNING)
    k = kpi(c)
    web = client_for(commissioner)
    r = web.post(
        reverse("performance:notice_new", args=["alpha", c.pk]), {"kpis": [k.pk], "reason": "Below 95%"}
    )
    assert r.status_code == 302
    notice = PerformanceNotice.objects.get(contract=c)
    url = notice.get_absolute_url()
    assert "Awaited from Alpha Trust" in web.get(url).content.decode()
    # the provider drafts the plan and its actions
    web = client_for(provider)
    page = web.get(url).content.decode()
    assert "Draft the plan" in page
    r = web.post(reverse("performance:plan_edit", args=["alpha", notice.pk]), {"summary": "Train staff"})
    assert r.status_code == 302
    plan = PerformanceNotice.objects.get(pk=notice.pk).plan
    assert plan.proposed_by == provider and plan.status == PlanStatus.DRAFT
    action_url = reverse("performance:action_new", args=["alpha", notice.pk])
    for text in ("Train 40 staff", "Audit records"):
        r = web.post(action_url, {"description": text, "owner": "Head of L&D", "due_date": "2030-03-01",
                                  "status": "not_started"})  # fmt: skip
        assert r.status_code == 302
    # the provider cannot agree its own plan; a commissioner can
    assert web.post(url, {"action": "agree", "version": plan.version}).status_code == 403
    web = client_for(commissioner)
    assert web.post(url, {"action": "agree", "version": plan.version}).status_code == 302
    notice.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.agreed_by == commissioner
    assert notice.status == NoticeStatus.OPEN and notice.closed_on is None  # actions not done
    assert "plan agreed, actions under way" in web.get(url).content.decode()
    # the contract page still lists it as open
    assert url in web.get(c.get_absolute_url()).content.decode()
    # no new actions on an agreed plan
    web = client_for(provider)
    r = web.post(
        action_url, {"description": "More", "owner": "x", "due_date": "2030-03-01", "status": "not_started"}
    )
    assert r.status_code == 400 and RemedialAction.objects.filter(plan=plan).count() == 2
    # the provider marks the actions done: the last one closes the notice
    first, second = RemedialAction.objects.filter(plan=plan).order_by("id")
    edit = reverse("performance:action_edit", args=["alpha", notice.pk, first.pk])
    r = web.post(edit, {"description": first.description, "owner": first.owner, "due_date": "2030-03-01",
                        "status": "done", "version": first.version})  # fmt: skip
    assert r.status_code == 400  # when was it done?
    r = web.post(edit, {"description": first.description, "owner": first.owner, "due_date": "2030-03-01",
                        "status": "done", "completed_on": "2025-01-10", "version": first.version})  # fmt: skip
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN
    edit = reverse("performance:action_edit", args=["alpha", notice.pk, second.pk])
    r = web.post(edit, {"description": second.description, "owner": second.owner, "due_date": "2030-03-01",
                        "status": "done", "completed_on": "2025-02-03", "version": second.version})  # fmt: skip
    assert r.status_code == 302
    notice.refresh_from_db()
    plan.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_on == dt.date(2025, 2, 3)
    assert plan.status == PlanStatus.COMPLETED
    assert url not in client_for(commissioner).get(c.get_absolute_url()).content.decode()


def test_agreeing_alone_does_not_close_and_needs_actions(world):
    notice = _notice(world)
    plan = actions.save_plan(notice, summary="Recover", expected_version=None, by=world.users["provider"])
    with pytest.raises(actions.NoticeError, match="at least one action"):
        actions.agree_plan(plan, expected_version=plan.version, by=world.users["commissioner"])
    RemedialAction.objects.create(plan=plan, description="Train", owner="Lead", due_date=dt.date(2030, 1, 1))
    actions.agree_plan(plan, expected_version=plan.version, by=world.users["commissioner"])
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN and notice.closed_on is None
    with pytest.raises(actions.NoticeError, match="agreed"):
        actions.save_plan(
            notice, summary="Changed", expected_version=plan.version + 1, by=world.users["provider"]
        )


def test_commissioner_closes_with_a_reason(world, client_for):
    notice = _notice(world)
    url = notice.get_absolute_url()
    web = client_for(world.users["commissioner"])
    r = web.post(url, {"action": "close", "reason": "", "version": notice.version})
    assert r.status_code == 400
    assert PerformanceNotice.objects.get(pk=notice.pk).status == NoticeStatus.OPEN
    # a provider or a viewer may not close it
    for role in ("provider", "viewer"):
        r = client_for(world.users[role]).post(
            url, {"action": "close", "reason": "x", "version": notice.version}
        )
        assert r.status_code == 403
    web = client_for(world.users["commissioner"])
    r = web.post(url, {"action": "close", "reason": "Performance recovered", "version": notice.version})
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_reason == "Performance recovered"
    assert notice.closed_by == world.users["commissioner"]
    assert notice.closed_on == world.p.reference_date or notice.closed_on is not None
    page = web.get(url).content.decode()
    assert "Performance recovered" in page and "Close notice" not in page
    # a closed notice's plan no longer changes
    r = client_for(world.users["provider"]).post(
        reverse("performance:plan_edit", args=["alpha", notice.pk]), {"summary": "Late"}
    )
    assert r.status_code == 400


def test_only_the_contracts_provider_or_commissioners_draft(world, client_for):
    from tests import factories

    notice = _notice(world)
    plan_url = reverse("performance:plan_edit", args=["alpha", notice.pk])
    assert client_for(world.users["viewer"]).get(plan_url).status_code == 403
    assert client_for(world.users["finance"]).get(plan_url).status_code == 403
    other = factories.organisation(slug="other-trust", name="Other Trust", kind="nhs_trust")
    factories.member(world.p, other, "provider")
    stranger = factories.user(email="other-provider@alpha.test")
    factories.membership(stranger, other, "provider")
    assert client_for(stranger).get(plan_url).status_code == 404
    assert client_for(world.outsider).get(plan_url).status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_api_notice_without_a_plan_answers_null_as_its_schema_says(world, client_for):
    from drf_spectacular.generators import SchemaGenerator

    notice = _notice(world)
    r = client_for(world.users["commissioner"]).get(f"/api/v1/performance-notices/{notice.pk}/")
    assert r.status_code == 200, r.content
    assert (r.json()["plan_summary"], r.json()["plan_status"]) == (None, None)
    props = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]["Notice"][
        "properties"
    ]
    assert props["plan_summary"]["nullable"] is True and props["plan_status"]["nullable"] is True


def test_api_remedial_flow(world, client_for):
    notice = _notice(world)
    base = f"/api/v1/performance-notices/{notice.pk}"
    api = client_for(world.users["provider"])
    r = api.post(f"{base}/plan/", {"summary": "Recover"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["plan_status"] == "draft" and r.json()["stage"].startswith("Open: plan drafted")
    r = api.post(f"{base}/actions/", {"description": "Train", "owner": "Lead", "due_date": "2030-01-01"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    action = r.json()["actions"][0]
    plan_version = r.json()["plan_version"]
    # the provider may not agree, nor close
    assert (
        api.post(f"{base}/agree/", {"version": plan_version}, content_type="application/json").status_code
        == 403
    )
    r = api.post(f"{base}/close/", {"reason": "x", "version": 1}, content_type="application/json")
    assert r.status_code == 403
    api = client_for(world.users["commissioner"])
    r = api.post(f"{base}/agree/", {"version": plan_version}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "open" and r.json()["plan_status"] == "agreed"
    r = api.post(f"{base}/agree/", {"version": plan_version + 1}, content_type="application/json")
    assert r.status_code == 409
    api = client_for(world.users["provider"])
    r = api.post(f"{base}/actions/", {"id": action["id"], "version": action["version"], "status": "done",
                                      "completed_on": "2025-03-01"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed" and r.json()["closed_on"] == "2025-03-01"
    assert r.json()["plan_status"] == "completed"


def test_api_close_needs_a_reason_and_version(world, client_for):
    notice = _notice(world)
    api = client_for(world.users["commissioner"])
    url = f"/api/v1/performance-notices/{notice.pk}/close/"
    assert api.post(url, {"version": notice.version}, content_type="application/json").status_code == 400
    r = api.post(url, {"reason": "Recovered", "version": notice.version}, content_type="application/json")
    assert r.status_code == 200 and r.json()["closed_reason"] == "Recovered"
    r = api.post(url, {"reason": "Again", "version": r.json()["version"]}, content_type="application/json")
    assert r.status_code == 409


# --- change control -----------------------------------------------------------------------------


def test_variation_cannot_take_effect_after_the_contract_ended(world, client_for):
    c = contract(world.p, world.provider)  # ends 31 March 2015
    web = client_for(world.users["commissioner"])
    url = reverse("contracts:variation_new", args=["alpha", c.pk])
    r = web.post(
        url, {"kind": "value", "description": "Late", "value_change": "1000", "effective_date": "2015-06-01"}
    )
    assert r.status_code == 400 and "after the contract has ended (31 March 2015)" in r.content.decode()
    assert not Variation.objects.filter(contract=c).exists()
    api = client_for(world.users["commissioner"])
    r = api.post("/api/v1/variations/", {"contract": c.pk, "kind": "value", "description": "Late",
                                         "value_change": "1000", "effective_date": "2015-06-01"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 400 and "effective_date" in r.json()
    # an approved extension moves the end: then the later date is inside the term
    ext = variation(c, kind="term", value_change=None, new_end_date=dt.date(2015, 9, 30),
                    effective_date=dt.date(2015, 3, 1), proposed_by=world.users["partnership_admin"])  # fmt: skip
    contract_actions.decide_variation(ext, approve=True, reason="ok", expected_version=ext.version,
                                      by=world.users["commissioner"])  # fmt: skip
    r = web.post(url, {"kind": "value", "description": "In the extension", "value_change": "1000",
                       "effective_date": "2015-06-01"})  # fmt: skip
    assert r.status_code == 302


def test_a_late_proposal_cannot_be_approved(world):
    c = contract(world.p, world.provider)
    late = variation(c, effective_date=dt.date(2016, 1, 1), proposed_by=world.users["commissioner"])
    with pytest.raises(contract_actions.ChangeControlError, match="after the contract has ended"):
        contract_actions.decide_variation(late, approve=True, reason="ok", expected_version=late.version,
                                          by=world.users["partnership_admin"])  # fmt: skip
    assert Variation.objects.get(pk=late.pk).status == "proposed"
    # rejecting it is still possible
    contract_actions.decide_variation(late, approve=False, reason="too late", expected_version=late.version,
                                      by=world.users["partnership_admin"])  # fmt: skip


def test_proposer_cannot_approve_own_variation_by_api(world, client_for):
    c = contract(world.p, world.provider)
    api = client_for(world.users["commissioner"])
    r = api.post("/api/v1/variations/", {"contract": c.pk, "kind": "value", "description": "More",
                                         "value_change": "1000", "effective_date": "2014-06-01"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    v = r.json()
    r = api.post(f"/api/v1/variations/{v['id']}/approve/", {"reason": "ok", "version": v["version"]},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 403 and "Four eyes" in r.json()["detail"]
    assert Variation.objects.get(pk=v["id"]).status == "proposed"
