"""Four eyes (proposer ≠ approver, in pages and the API) and nothing lost (deletes refused
when others' records depend on the record, naming them; unreferenced records still delete)."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from jointly.contracts.models import ConflictOfInterest, Contract, FundingShare, ProcurementStage, Variation
from jointly.core import approvals, deletes
from jointly.core.models import save_versioned
from jointly.intentions.models import Intention, Milestone, ProgressUpdate
from jointly.performance import actions as perf_actions
from jointly.performance.models import (
    KpiReturn,
    PerformanceNotice,
    RemedialPlan,
    ReturnComment,
    ReturnRevision,
    Route,
)
from jointly.services.models import Service
from tests import factories
from tests.factories import contract as make_contract
from tests.factories import kpi
from tests.factories import project as make_project
from tests.performance.conftest import add_returns

pytestmark = pytest.mark.django_db

VARIATION_MSG = "Four eyes: you proposed this variation, so another person must approve or reject it."
PLAN_MSG = "Four eyes: you proposed this remedial action plan, so another person must agree it."
RETURN_MSG = "Four eyes: you submitted this return, so another person must accept it."


# --- the helper ----------------------------------------------------------------------------------


def test_helper_refuses_the_proposer_and_anonymous_and_allows_another(world):
    commissioner, admin = world.users["commissioner"], world.users["partnership_admin"]
    with pytest.raises(approvals.FourEyesError) as err:
        approvals.check_four_eyes(commissioner, commissioner.pk, what="variation", decide="approve or reject")
    assert str(err.value) == VARIATION_MSG
    for nobody in (None, AnonymousUser()):
        with pytest.raises(approvals.FourEyesError):
            approvals.check_four_eyes(nobody, commissioner.pk)
    approvals.check_four_eyes(admin, commissioner.pk)  # another person: allowed
    with pytest.raises(approvals.FourEyesError):  # whoever last changed the proposal
        approvals.check_four_eyes(admin, commissioner.pk, also=[admin.pk])
    # a platform admin (superuser) is not exempt
    with pytest.raises(approvals.FourEyesError):
        approvals.check_four_eyes(world.admin, world.admin.pk)
    assert approvals.may_decide(admin, commissioner.pk) and not approvals.may_decide(
        commissioner, commissioner.pk
    )


def test_unknown_proposer_falls_back_to_everyone_in_the_history(world):
    commissioner, admin = world.users["commissioner"], world.users["partnership_admin"]
    c = make_contract(world.p, world.provider, world.ccg)
    v = Variation(
        contract=c, kind="value", description="x", value_change=1, effective_date=dt.date(2014, 1, 1)
    )
    v._history_user = commissioner
    save_versioned(v, expected_version=None, by=commissioner)
    Variation.objects.filter(pk=v.pk).update(proposed_by=None, created_by=None, modified_by=None)
    v.refresh_from_db()
    assert v.proposed_by_id is None
    with pytest.raises(approvals.FourEyesError):  # the history names the commissioner
        approvals.check_four_eyes(commissioner, None, record=v)
    approvals.check_four_eyes(admin, None, record=v)
    # a record no person wrote (a script) can be decided by anyone allowed to
    scripted = Variation.objects.create(
        contract=c, kind="scope", description="y", effective_date=dt.date(2014, 1, 1)
    )
    approvals.check_four_eyes(commissioner, None, record=scripted)


# --- variations: pages and API -------------------------------------------------------------------


def _propose_by_api(client, c: Contract) -> dict:
    r = client.post(
        "/api/v1/variations/",
        {"contract": c.pk, "kind": "value", "description": "Add capacity", "value_change": "1000",
         "effective_date": "2014-06-01"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201, r.content
    return r.json()


def test_api_proposer_cannot_approve_or_reject_own_variation(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    client = client_for(world.users["commissioner"])
    body = _propose_by_api(client, c)
    v = Variation.objects.get(pk=body["id"])
    assert v.proposed_by == world.users["commissioner"]
    for verb in ("approve", "reject"):
        r = client.post(f"/api/v1/variations/{v.pk}/{verb}/", {"reason": "Fine", "version": v.version},
                        content_type="application/json")  # fmt: skip
        assert r.status_code == 403
        assert r.json() == {"detail": VARIATION_MSG}
    v.refresh_from_db()
    assert v.status == "proposed" and v.decided_by is None
    other = client_for(world.users["partnership_admin"])
    r = other.post(f"/api/v1/variations/{v.pk}/approve/", {"reason": "Fine", "version": v.version},
                   content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "approved"
    v.refresh_from_db()
    assert v.decided_by == world.users["partnership_admin"]


def test_api_superuser_is_not_exempt(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    client = client_for(world.admin)
    v = Variation.objects.get(pk=_propose_by_api(client, c)["id"])
    r = client.post(f"/api/v1/variations/{v.pk}/approve/", {"reason": "Fine", "version": v.version},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403 and r.json()["detail"] == VARIATION_MSG
    assert Variation.objects.get(pk=v.pk).status == "proposed"


def test_api_whoever_changed_the_proposal_cannot_approve_it(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    v = Variation.objects.get(pk=_propose_by_api(client_for(world.users["commissioner"]), c)["id"])
    editor = client_for(world.users["partnership_admin"])
    r = editor.patch(f"/api/v1/variations/{v.pk}/", {"value_change": "9000", "version": v.version},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 200
    version = r.json()["version"]
    r = editor.post(f"/api/v1/variations/{v.pk}/approve/", {"reason": "Fine", "version": version},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    r = client_for(world.admin).post(f"/api/v1/variations/{v.pk}/approve/", {"reason": "Fine", "version": version},
                                     content_type="application/json")  # fmt: skip
    assert r.status_code == 200


def test_page_proposer_sees_the_message_and_nothing_changes(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    client = client_for(world.users["commissioner"])
    r = client.post(reverse("contracts:variation_new", args=["alpha", c.pk]),
                    {"kind": "value", "description": "Add capacity", "value_change": "1000",
                     "effective_date": "2014-06-01"})  # fmt: skip
    assert r.status_code == 302
    v = Variation.objects.get(contract=c)
    decide = reverse("contracts:variation_decide", args=["alpha", c.pk, v.pk])
    r = client.post(decide, {"decision": "reject", "reason": "Withdrawn", "version": v.version})
    assert r.status_code == 403 and VARIATION_MSG in r.content.decode()
    assert Variation.objects.get(pk=v.pk).status == "proposed"


# --- remedial plans and returns ------------------------------------------------------------------


def test_plan_drafter_cannot_agree_it(world):
    commissioner, admin = world.users["commissioner"], world.users["partnership_admin"]
    c = make_contract(world.p, world.provider, world.ccg)
    k = kpi(c)
    notice = perf_actions.raise_notice(c, [k], reason="Below", plan_summary="Recover", by=commissioner)
    plan = RemedialPlan.objects.get(notice=notice)
    assert plan.proposed_by == commissioner
    plan.actions.create(description="Train", owner="Lead", due_date=dt.date(2030, 1, 1))
    with pytest.raises(approvals.FourEyesError) as err:
        perf_actions.agree_plan(plan, expected_version=plan.version, by=commissioner)
    assert str(err.value) == PLAN_MSG
    assert RemedialPlan.objects.get(pk=plan.pk).status == "draft"
    perf_actions.agree_plan(plan, expected_version=plan.version, by=admin)
    plan.refresh_from_db()
    assert plan.status == "agreed" and plan.agreed_by == admin


def test_submitter_cannot_accept_own_return_but_may_query_it(world, client_for):
    c = make_contract(
        world.p, world.provider, world.ccg, start_date=dt.date(2021, 1, 1), end_date=dt.date(2030, 1, 1)
    )
    k = kpi(c)
    add_returns(k, [90], by=world.admin)  # a platform admin keyed the figure in
    ret = KpiReturn.objects.get(kpi=k)
    client = client_for(world.admin)
    r = client.post("/api/v1/return-comments/", {"kpi_return": ret.pk, "kind": "accept", "text": "OK"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403 and r.json() == {"detail": RETURN_MSG}
    assert KpiReturn.objects.get(pk=ret.pk).status == "submitted" and not ReturnComment.objects.exists()
    r = client.post("/api/v1/return-comments/", {"kpi_return": ret.pk, "kind": "query", "text": "Why?"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    page = client.post(reverse("performance:return", args=["alpha", ret.pk]),
                       {"action": "review", "decision": "accept", "text": "OK"})  # fmt: skip
    assert page.status_code == 403 and RETURN_MSG in page.content.decode()
    r = client_for(world.users["commissioner"]).post(
        "/api/v1/return-comments/", {"kpi_return": ret.pk, "kind": "accept", "text": "OK"},
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201
    assert KpiReturn.objects.get(pk=ret.pk).status == "accepted"


# --- existing rows: the data migrations -----------------------------------------------------------


def test_migration_fills_proposer_from_the_first_history_record(world):
    commissioner = world.users["commissioner"]
    c = make_contract(world.p, world.provider, world.ccg)
    v = Variation(
        contract=c, kind="value", description="x", value_change=1, effective_date=dt.date(2014, 1, 1)
    )
    v._history_user = commissioner
    save_versioned(v, expected_version=None, by=commissioner)
    unknown = Variation.objects.create(
        contract=c, kind="scope", description="y", effective_date=dt.date(2014, 1, 1)
    )
    Variation.objects.update(proposed_by=None, created_by=None)
    migration = importlib.import_module("jointly.contracts.migrations.0002_four_eyes_nothing_lost")
    migration.fill_proposers(django_apps, None)
    assert Variation.objects.get(pk=v.pk).proposed_by == commissioner
    assert Variation.objects.get(pk=unknown.pk).proposed_by is None  # unknown stays unknown


# --- nothing lost: deletes -----------------------------------------------------------------------


def _counts() -> dict[str, int]:
    models = (Contract, Variation, KpiReturn, ReturnRevision, ReturnComment, PerformanceNotice,
              Intention, Milestone, ProgressUpdate, ConflictOfInterest, Service)  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_message_counts_dependents_by_kind(world):
    c = make_contract(world.p, world.provider, world.ccg)
    k = kpi(c)
    Variation.objects.create(contract=c, kind="scope", description="y", effective_date=dt.date(2014, 1, 1))
    with pytest.raises(deletes.DeleteRefused) as err:
        deletes.delete_or_refuse(c)
    assert err.value.counts == {"variation": 1}
    assert str(err.value) == (
        "This contract cannot be deleted because other records depend on it: 1 variation. "
        "They record what people submitted or decided and are kept. Nothing was deleted."
    )
    assert Contract.objects.filter(pk=c.pk).exists() and type(k).objects.filter(pk=k.pk).exists()


def test_api_contract_delete_refused_naming_returns_and_variations(world, client_for):
    c = make_contract(
        world.p, world.provider, world.ccg, start_date=dt.date(2021, 1, 1), end_date=dt.date(2030, 1, 1)
    )
    add_returns(kpi(c), [90, 91, 92], by=world.users["provider"])
    for i in range(2):
        Variation.objects.create(
            contract=c, kind="scope", description=f"v{i}", effective_date=dt.date(2022, 1, 1)
        )
    before = _counts()
    r = client_for(world.users["commissioner"]).delete(f"/api/v1/contracts/{c.pk}/")
    assert r.status_code == 409
    assert r["Content-Type"] == "application/json"
    assert r.json() == {
        "detail": "This contract cannot be deleted because other records depend on it: 3 KPI returns, "
        "2 variations. They record what people submitted or decided and are kept. Nothing was deleted."
    }
    assert _counts() == before


def test_api_contract_without_dependents_deletes_with_its_own_parts(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    kpi(c)  # a KPI nobody has returned against goes with the contract
    FundingShare.objects.create(contract=c, commissioner=world.council, financial_year="2014/15",
                                funding_stream="core", amount=Decimal("1"))  # fmt: skip
    r = client_for(world.users["commissioner"]).delete(f"/api/v1/contracts/{c.pk}/")
    assert r.status_code == 204
    assert not Contract.objects.filter(pk=c.pk).exists()


def test_api_contract_with_a_performance_notice_is_kept(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    perf_actions.raise_notice(c, [kpi(c)], reason="Below", plan_summary="Recover", by=None)
    r = client_for(world.users["commissioner"]).delete(f"/api/v1/contracts/{c.pk}/")
    assert r.status_code == 409 and "1 performance notice." in r.json()["detail"]
    assert Contract.objects.filter(pk=c.pk).exists()


def test_api_intention_delete_refused_then_allowed_once_unreferenced(world, client_for):
    client = client_for(world.users["commissioner"])
    before = _counts()
    r = client.delete(f"/api/v1/intentions/{world.intention.pk}/")
    assert r.status_code == 409
    assert "1 milestone, 1 progress update." in r.json()["detail"]
    assert _counts() == before
    bare = factories.intention(world.p, world.council, reference="ALP-99")
    assert client.delete(f"/api/v1/intentions/{bare.pk}/").status_code == 204
    assert not Intention.objects.filter(pk=bare.pk).exists()


def test_api_procurement_with_declarations_kept_stage_deletes(world, client_for):
    client = client_for(world.users["commissioner"])
    p = make_project(world.p, world.council)
    stage = ProcurementStage.objects.create(project=p, stage="tender", planned_date=dt.date(2013, 9, 1))
    ConflictOfInterest.objects.create(project=p, person="A", interest="B", declared_on=dt.date(2013, 9, 1))
    r = client.delete(f"/api/v1/procurements/{p.pk}/")
    assert r.status_code == 409 and "1 conflict of interest declaration." in r.json()["detail"]
    assert client.delete(f"/api/v1/procurement-stages/{stage.pk}/").status_code == 204
    assert ConflictOfInterest.objects.filter(project=p).count() == 1


def test_api_service_with_returns_kept(world, client_for):
    s = Service.objects.create(
        partnership=world.p, name="Health visiting", provider=world.provider, level_of_need="universal"
    )
    k = kpi(None, service=s)
    perf_actions.submit_returns(
        perf_actions.check([{"kpi": k.code, "period": "2022-01", "numerator": "5", "denominator": "10"}], [k])[0],
        [k], by=world.users["provider"], route=Route.API,
    )  # fmt: skip
    assert KpiReturn.objects.filter(kpi=k).count() == 1
    r = client_for(world.users["commissioner"]).delete(f"/api/v1/services/{s.pk}/")
    assert r.status_code == 409 and "1 KPI return." in r.json()["detail"]
    assert Service.objects.filter(pk=s.pk).exists()


def test_plan_edit_form_cannot_agree_a_draft(world, client_for):
    commissioner = world.users["commissioner"]
    c = make_contract(world.p, world.provider, world.ccg)
    notice = perf_actions.raise_notice(c, [kpi(c)], reason="Below", plan_summary="Recover", by=commissioner)
    plan = RemedialPlan.objects.get(notice=notice)
    url = reverse("performance:plan_edit", args=["alpha", notice.pk])
    r = client_for(commissioner).post(
        url, {"summary": "Recover", "status": "agreed", "version": plan.version}
    )
    assert r.status_code == 302  # the form has no status: a plan is agreed only with "Agree plan"
    assert RemedialPlan.objects.get(pk=plan.pk).status == "draft"


def test_contract_page_tells_the_proposer_instead_of_offering_the_decision(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    client = client_for(world.users["commissioner"])
    _propose_by_api(client, c)
    page = client.get(c.get_absolute_url()).content.decode()
    assert VARIATION_MSG in page and 'name="decision"' not in page
    page = client_for(world.users["partnership_admin"]).get(c.get_absolute_url()).content.decode()
    assert VARIATION_MSG not in page and 'name="decision"' in page


@pytest.mark.django_db
def test_demo_variations_have_distinct_proposer_and_decider():
    from jointly.demo import loader

    loader.load()  # with the demo sign-ins
    decided = Variation.objects.exclude(status="proposed")
    assert decided.exists()
    for v in decided.select_related("proposed_by", "decided_by"):
        assert v.proposed_by is not None and v.decided_by is not None
        assert v.proposed_by != v.decided_by
        assert v.proposed_by.email.startswith("commissioner.") and v.decided_by.email.startswith(
            "partnership-admin."
        )
    assert not Variation.objects.filter(proposed_by__isnull=True).exists()
    assert loader.load()["Variation updated"] == 0  # idempotent


def test_api_decided_variation_is_kept_a_proposal_can_be_withdrawn(world, client_for):
    c = make_contract(world.p, world.provider, world.ccg)
    decided = Variation.objects.create(
        contract=c, kind="scope", description="d", effective_date=dt.date(2014, 1, 1), status="approved"
    )
    proposal = Variation.objects.create(
        contract=c, kind="scope", description="p", effective_date=dt.date(2014, 1, 1)
    )
    client = client_for(world.users["commissioner"])
    r = client.delete(f"/api/v1/variations/{decided.pk}/")
    assert r.status_code == 409
    assert r.json() == {
        "detail": "This variation was approved and is kept as the record of that decision. Nothing was deleted."
    }
    assert client_for(world.users["viewer"]).delete(f"/api/v1/variations/{decided.pk}/").status_code == 403
    assert (
        client_for(world.users["commissioner"]).delete(f"/api/v1/variations/{proposal.pk}/").status_code
        == 204
    )
    assert list(Variation.objects.filter(contract=c)) == [decided]
