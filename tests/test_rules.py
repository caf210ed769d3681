"""Each model's rules live in one place (``<app>/rules.py``) and refuse the same way through its
form and through the API: same field, same words, nothing written.

One case per rule that used to be written twice, once in a form and again in a serializer, in
different words (the eight uniqueness rules first).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from jointly.contracts import rules as contract_rules
from jointly.contracts.models import ContractSubcontractor, FundingShare, ProcurementStage
from jointly.core.rules import current, unique
from jointly.intentions import rules as intention_rules
from jointly.intentions.models import Intention
from jointly.needs import rules as needs_rules
from jointly.needs.models import ComparatorGroup
from jointly.outcomes import rules as outcome_rules
from jointly.partnerships import rules as partnership_rules
from jointly.partnerships.models import Board
from tests import factories
from tests.contracts.conftest import contract, project
from tests.factories import api_token


@dataclass
class Case:
    name: str
    actor: str
    # (form url, form data, api url, api data, the field refused, the message)
    build: Callable[[factories.World], tuple[str, dict[str, Any], str, dict[str, Any], str, str]]


def board(w: factories.World) -> tuple:
    data = {"name": "Again", "slug": "icb", "kind": "group", "meeting_frequency": "monthly"}
    return ("/p/alpha/boards/new/", data, "/api/v1/boards/", {**data, "partnership": "alpha"}, "slug",
            partnership_rules.BOARD_SLUG_TAKEN)  # fmt: skip


def agreement(w: factories.World) -> tuple:
    form = {"title": "MOU", "slug": "s75", "kind": "mou", "host": w.council.pk,
            "parties": [w.council.pk, w.ccg.pk], "fund_type": "none", "start_date": "2014-04-01"}  # fmt: skip
    api = {**form, "partnership": "alpha", "host": "alpha-council", "parties": ["alpha-council", "alpha-ccg"]}
    return ("/p/alpha/agreements/new/", form, "/api/v1/agreements/", api, "slug",
            partnership_rules.AGREEMENT_SLUG_TAKEN)  # fmt: skip


def outcome(w: factories.World) -> tuple:
    return ("/p/alpha/outcomes/hwb/new/", {"code": "1", "title": "Again"}, "/api/v1/outcomes/",
            {"framework": w.framework.pk, "code": "1", "title": "Again"}, "code",
            outcome_rules.OUTCOME_CODE_TAKEN)  # fmt: skip


def progress(w: factories.World) -> tuple:
    period = w.progress.period
    data = {"period": period, "rag": "green", "narrative": "n", "author": "a", "date": "2013-09-01"}
    return ("/p/alpha/intentions/ALP-01/progress/new/", data, "/api/v1/progress/",
            {**data, "intention": w.intention.pk}, "period",
            f"There is already an update for {period}. Edit that one instead.")  # fmt: skip


def funding_share(w: factories.World) -> tuple:
    c = contract(w.p, w.provider, w.ccg)
    FundingShare.objects.create(
        contract=c, commissioner=w.council, financial_year="2014/15", funding_stream="public_health_grant",
        amount=Decimal("1000"),
    )  # fmt: skip
    data = {"commissioner": w.council.pk, "financial_year": "2014/15", "funding_stream": "public_health_grant",
            "amount": "500"}  # fmt: skip
    return (f"/p/alpha/contracts/{c.pk}/funding/new/", data, "/api/v1/funding-shares/",
            {**data, "contract": c.pk, "commissioner": "alpha-council"}, "financial_year",
            contract_rules.SHARE_TAKEN)  # fmt: skip


def subcontractor(w: factories.World) -> tuple:
    c = contract(w.p, w.provider, w.ccg)
    ContractSubcontractor.objects.create(contract=c, organisation=w.council)
    return (f"/p/alpha/contracts/{c.pk}/subcontractors/new/", {"organisation": w.council.pk, "role": "Delivery"},
            "/api/v1/subcontractors/", {"contract": c.pk, "organisation": "alpha-council", "role": "Delivery"}, "organisation",
            contract_rules.SUBCONTRACTOR_TAKEN)  # fmt: skip


def stage(w: factories.World) -> tuple:
    proj = project(w.p, w.council)
    ProcurementStage.objects.create(project=proj, stage="tender", planned_date=dt.date(2013, 9, 1))
    data = {"stage": "tender", "planned_date": "2013-10-01"}
    return (f"/p/alpha/contracts/procurement/{proj.pk}/stages/new/", data, "/api/v1/procurement-stages/",
            {**data, "project": proj.pk}, "stage", contract_rules.STAGE_TAKEN)  # fmt: skip


def comparator_group(w: factories.World) -> tuple:
    home, neighbour = factories.area(), factories.area()
    w.p.areas.add(home)
    group = ComparatorGroup.objects.create(partnership=w.p, name="Neighbours", area=home)
    group.members.add(neighbour)
    return ("/p/alpha/needs/comparators/new/",
            {"name": "Neighbours", "kind": "other", "area": home.pk, "members": [neighbour.pk]},
            "/api/v1/comparator-groups/",
            {"partnership": "alpha", "name": "Neighbours", "kind": "other", "members": [neighbour.gss_code]},
            "name", needs_rules.GROUP_NAME_TAKEN)  # fmt: skip


def ring_fence(w: factories.World) -> tuple:
    c = contract(w.p, w.provider, w.ccg)
    data = {"commissioner": w.council.pk, "financial_year": "2014/15", "funding_stream": "core",
            "amount": "500", "ring_fenced_public_health": True}  # fmt: skip
    return (f"/p/alpha/contracts/{c.pk}/funding/new/", {**data, "ring_fenced_public_health": "on"},
            "/api/v1/funding-shares/", {**data, "contract": c.pk, "commissioner": "alpha-council"},
            "ring_fenced_public_health", contract_rules.RING_FENCE_NOT_PH)  # fmt: skip


def intention_dates(w: factories.World) -> tuple:
    data = {
        "reference": "ALP-02",
        "title": "Short breaks",
        "start_date": "2014-04-01",
        "end_date": "2014-01-01",
    }
    return ("/p/alpha/intentions/new/", {**data, "stage": "plan", "integrated": "on", "lead_commissioner": w.council.pk},
            "/api/v1/intentions/", {**data, "partnership": "alpha", "lead_commissioner": "alpha-council"},
            "end_date", intention_rules.END_BEFORE_START)  # fmt: skip


CASES = [
    Case("board_slug", "partnership_admin", board),
    Case("agreement_slug", "partnership_admin", agreement),
    Case("outcome_code", "partnership_admin", outcome),
    Case("progress_period", "commissioner", progress),
    Case("funding_share", "commissioner", funding_share),
    Case("subcontractor", "commissioner", subcontractor),
    Case("procurement_stage", "commissioner", stage),
    Case("comparator_group_name", "analyst", comparator_group),
    Case("funding_ring_fenced_public_health", "commissioner", ring_fence),
    Case("intention_end_before_start", "partnership_admin", intention_dates),
]


def counts() -> tuple[int, ...]:
    models = (Board, FundingShare, ContractSubcontractor, ProcurementStage, ComparatorGroup, Intention)
    return tuple(m.objects.count() for m in models)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_rule_refuses_the_same_way_through_the_form_and_the_api(client, world, case):
    form_url, form_data, api_url, api_data, field, message = case.build(world)
    user = world.users[case.actor]
    before = counts()

    client.force_login(user)
    page = client.post(form_url, form_data)
    assert page.status_code == 400, form_url
    assert message in html.unescape(page.content.decode())

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    response = api.post(api_url, api_data, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {field: [message]}
    assert counts() == before


def test_current_takes_the_data_then_the_instance_then_none(world):
    board = world.board
    assert current({"slug": "new"}, board, "slug") == "new"
    assert current({}, board, "slug") == "icb"
    assert current({}, None, "slug") is None
    assert current({"slug": None}, board, "slug") is None  # a value sent as null is the value
    world.agreement.parties.set([world.council, world.ccg])
    assert sorted(o.slug for o in current({}, world.agreement, "parties")) == ["alpha-ccg", "alpha-council"]


def test_unique_ignores_the_record_being_edited(world):
    same = Board.objects.filter(partnership=world.p, slug="icb")
    assert unique(same, world.board, "slug", "taken") == {}
    assert unique(same, None, "slug", "taken") == {"slug": "taken"}
    assert unique(same, Board(partnership=world.p), "slug", "taken") == {"slug": "taken"}


def test_an_intention_reference_is_refused_by_one_rule(world):
    taken = intention_rules.intention_reference(world.p, "ALP-01", None)
    assert taken == {"reference": intention_rules.REFERENCE_TAKEN}
    assert intention_rules.intention_reference(world.p, "ALP-01", world.intention) == {}
    assert intention_rules.intention_reference(world.p, "A/1", None) == {
        "reference": intention_rules.REFERENCE_FORM
    }
