"""Bad input on every form and API write endpoint: a clear 400 and nothing written.

"Nothing written" is checked by taking every row of every table of the partnerships,
outcomes and intentions apps (their history tables and many-to-many tables included)
before and after the request.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from jointly.partnerships.models import BoardMember
from tests import factories
from tests.factories import api_token


def snapshot() -> dict[str, list]:
    result = {}
    for label in ("partnerships", "outcomes", "intentions"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            result[model._meta.label] = list(model.objects.order_by("pk").values())
    return result


@dataclass
class Extra:
    fw2: Any
    outcome2: Any
    child: Any
    sub_board: Any
    beta_outcome: Any
    beta_theme: Any
    beta_board: Any
    other_meeting: Any
    meeting: Any


@pytest.fixture
def extra(world: factories.World) -> Extra:
    fw2 = factories.framework(world.p, slug="plan", name="Partnership plan")
    outcome2 = factories.outcome(fw2, code="A")
    child = factories.outcome(world.framework, code="1.1", parent=world.outcome)
    sub_board = factories.board(world.p, slug="sub-group", reports_to=world.board)
    factories.link(world.outcome, outcome2)
    beta_fw = factories.framework(world.other, slug="beta-hwb")
    return Extra(
        fw2=fw2,
        outcome2=outcome2,
        child=child,
        sub_board=sub_board,
        beta_outcome=factories.outcome(beta_fw, code="9"),
        beta_theme=factories.theme(world.other, name="Beta theme"),
        beta_board=factories.board(world.other, slug="beta-board"),
        other_meeting=factories.meeting(sub_board),
        meeting=factories.meeting(world.board),
    )


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


@dataclass
class Case:
    name: str
    url: Callable[[factories.World, Extra], str]
    data: Callable[[factories.World, Extra], dict[str, Any]]
    message: str
    method: str = "post"
    actor: str = "partnership_admin"


def intention_form(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {
        "reference": "ALP-02", "title": "Short breaks", "stage": "plan", "integrated": "on",
        "lead_commissioner": w.council.pk, "start_date": "2014-04-01", "end_date": "2015-03-31", **kw,
    }  # fmt: skip


def agreement_form(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {
        "title": "MOU", "slug": "mou", "kind": "mou", "host": w.council.pk,
        "parties": [w.council.pk, w.ccg.pk], "fund_type": "none", "start_date": "2014-04-01", **kw,
    }  # fmt: skip


def board_form(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {"name": "Group", "slug": "group", "kind": "group", "meeting_frequency": "monthly", **kw}


INVALID_CHOICE = "Select a valid choice"

PAGE_CASES = [
    Case("partnership_ages_reversed", lambda w, e: "/p/alpha/edit/",
         lambda w, e: {"name": "Alpha", "population_group": "CYP", "age_min": 12, "age_max": 5, "version": w.p.version},
         "The upper age must not be below the lower age."),
    Case("partnership_age_over_25", lambda w, e: "/p/alpha/edit/",
         lambda w, e: {"name": "Alpha", "population_group": "CYP", "age_min": 0, "age_max": 30, "version": w.p.version},
         "Children's and young people's services cover ages 0 to 25."),
    Case("partnership_missing_name", lambda w, e: "/p/alpha/edit/",
         lambda w, e: {"name": "", "population_group": "CYP", "age_min": 0, "age_max": 19, "version": w.p.version},
         "This field is required."),
    Case("board_duplicate_slug", lambda w, e: "/p/alpha/boards/new/", lambda w, e: board_form(w, e, slug="icb"),
         "Another board in this partnership already uses this slug."),
    Case("board_missing_name", lambda w, e: "/p/alpha/boards/new/", lambda w, e: board_form(w, e, name=""),
         "This field is required."),
    Case("board_reporting_loop", lambda w, e: "/p/alpha/boards/icb/edit/",
         lambda w, e: board_form(w, e, name="ICB", slug="icb", reports_to=e.sub_board.pk, version=w.board.version),
         "That would make a reporting loop."),
    Case("board_reports_to_other_partnership", lambda w, e: "/p/alpha/boards/new/",
         lambda w, e: board_form(w, e, reports_to=e.beta_board.pk), INVALID_CHOICE),
    Case("member_duplicate_name", lambda w, e: "/p/alpha/boards/icb/members/new/",
         lambda w, e: {"name": "chair of the board", "role": "member"}, "This person or post is already a member."),
    Case("member_organisation_of_other_partnership", lambda w, e: "/p/alpha/boards/icb/members/new/",
         lambda w, e: {"name": "Someone", "organisation": w.other_council.pk, "role": "member"}, INVALID_CHOICE),
    Case("meeting_date_not_a_date", lambda w, e: "/p/alpha/boards/icb/meetings/new/",
         lambda w, e: {"date": "next tuesday", "title": "January"}, "Enter a real date, for example 31 3 2014"),
    Case("meeting_missing_title", lambda w, e: "/p/alpha/boards/icb/meetings/new/",
         lambda w, e: {"date": "2014-01-15", "title": "", "decisions": "Agreed"}, "This field is required."),
    Case("action_due_date_not_a_date", lambda w, e: "/p/alpha/boards/icb/actions/new/",
         lambda w, e: {"description": "Do", "owner": "Chair", "due_date": "soon", "status": "open"}, "Enter a real date, for example 31 3 2014"),
    Case("action_meeting_of_other_board", lambda w, e: f"/p/alpha/boards/icb/actions/{w.action.pk}/",
         lambda w, e: {"description": "Do", "owner": "Chair", "due_date": "2014-01-01", "status": "open",
                       "meeting": e.other_meeting.pk, "version": w.action.version}, INVALID_CHOICE),
    Case("agreement_end_before_start", lambda w, e: "/p/alpha/agreements/new/",
         lambda w, e: agreement_form(w, e, end_date="2014-03-31"), "The end date must be on or after the start date."),
    Case("agreement_review_before_start", lambda w, e: "/p/alpha/agreements/s75/edit/",
         lambda w, e: agreement_form(w, e, slug="s75", review_date="2013-01-01", version=w.agreement.version),
         "The review date must be on or after the start date."),
    Case("agreement_duplicate_slug", lambda w, e: "/p/alpha/agreements/new/", lambda w, e: agreement_form(w, e, slug="s75"),
         "Another agreement in this partnership already uses this slug."),
    Case("agreement_host_not_a_party", lambda w, e: "/p/alpha/agreements/new/",
         lambda w, e: agreement_form(w, e, parties=[w.ccg.pk]), "The host must be one of the parties."),
    Case("agreement_party_of_other_partnership", lambda w, e: "/p/alpha/agreements/new/",
         lambda w, e: agreement_form(w, e, parties=[w.council.pk, w.other_council.pk]), INVALID_CHOICE),
    Case("agreement_start_not_a_date", lambda w, e: "/p/alpha/agreements/new/",
         lambda w, e: agreement_form(w, e, start_date="01/13/2014"), "Enter a real date, for example 31 3 2014"),
    Case("outcome_duplicate_code", lambda w, e: "/p/alpha/outcomes/hwb/new/", lambda w, e: {"code": "1", "title": "Again"},
         "Another outcome in this framework already has this code."),
    Case("outcome_missing_title", lambda w, e: "/p/alpha/outcomes/hwb/new/", lambda w, e: {"code": "2", "title": ""},
         "This field is required."),
    Case("outcome_parent_loop", lambda w, e: f"/p/alpha/outcomes/hwb/{w.outcome.pk}/edit/",
         lambda w, e: {"code": "1", "title": "Best start", "parent": e.child.pk, "version": w.outcome.version},
         "An outcome cannot sit under itself."),
    Case("outcome_parent_of_other_framework", lambda w, e: "/p/alpha/outcomes/hwb/new/",
         lambda w, e: {"code": "2", "title": "T", "parent": e.outcome2.pk}, INVALID_CHOICE),
    Case("link_duplicate", lambda w, e: f"/p/alpha/outcomes/o/{w.outcome.pk}/link/",
         lambda w, e: {"target": e.outcome2.pk}, "That link already exists."),
    Case("link_to_other_partnership", lambda w, e: f"/p/alpha/outcomes/o/{w.outcome.pk}/link/",
         lambda w, e: {"target": e.beta_outcome.pk}, INVALID_CHOICE),
    Case("link_missing_target", lambda w, e: f"/p/alpha/outcomes/o/{w.outcome.pk}/link/", lambda w, e: {"target": ""},
         "This field is required."),
    Case("intention_end_before_start", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, end_date="2014-01-01"), "The end date must be on or after the start date."),
    Case("intention_duplicate_reference", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, reference="ALP-01"), "Another intention in this partnership has this reference."),
    Case("intention_reference_with_slash", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, reference="ALP/02"), "Use letters, numbers and hyphens only."),
    Case("intention_lead_listed_as_partner", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, partner_commissioners=[w.council.pk, w.ccg.pk]),
         "The lead commissioner is not also a partner."),
    # (No "single-partner with partners" case: a partner's own intention may name several
    # commissioners, as Essex's CCG intentions do; issue 10.1 and tests/test_demo_round_trip.py.)
    Case("intention_lead_of_other_partnership", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, lead_commissioner=w.other_council.pk), INVALID_CHOICE),
    Case("intention_outcome_of_other_partnership", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, outcomes=[e.beta_outcome.pk]), INVALID_CHOICE),
    Case("intention_theme_of_other_partnership", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, themes=[e.beta_theme.pk]), INVALID_CHOICE),
    Case("intention_missing_title", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, title=""), "This field is required."),
    Case("intention_start_not_a_date", lambda w, e: "/p/alpha/intentions/new/",
         lambda w, e: intention_form(w, e, start_date="April 2014"), "Enter a real date, for example 31 3 2014"),
    Case("intention_edit_end_before_start", lambda w, e: "/p/alpha/intentions/ALP-01/edit/",
         lambda w, e: intention_form(w, e, reference="ALP-01", end_date="2014-01-01", version=w.intention.version),
         "The end date must be on or after the start date.", actor="commissioner"),
    Case("milestone_missing_due_date", lambda w, e: "/p/alpha/intentions/ALP-01/milestones/new/",
         lambda w, e: {"title": "Live"}, "This field is required.", actor="commissioner"),
    Case("milestone_due_date_not_a_date", lambda w, e: f"/p/alpha/intentions/ALP-01/milestones/{w.milestone.pk}/",
         lambda w, e: {"title": "Live", "due_date": "2014-13-01", "version": w.milestone.version}, "Enter a real date, for example 31 3 2014",
         actor="commissioner"),
    Case("progress_invalid_period", lambda w, e: "/p/alpha/intentions/ALP-01/progress/new/",
         lambda w, e: {"period": "2013-Q5", "rag": "green", "narrative": "n", "author": "a", "date": "2013-12-01"},
         "is not a period (expected a financial quarter, e.g. 2013/14 Q2)", actor="commissioner"),
    Case("progress_duplicate_period", lambda w, e: "/p/alpha/intentions/ALP-01/progress/new/",
         lambda w, e: {"period": "2013/14-q2", "rag": "green", "narrative": "n", "author": "a", "date": "2013-09-01"},
         "There is already an update for 2013/14 Q2", actor="commissioner"),
    Case("progress_missing_narrative", lambda w, e: "/p/alpha/intentions/ALP-01/progress/new/",
         lambda w, e: {"period": "2013/14 Q4", "rag": "green", "narrative": "", "author": "a", "date": "2014-03-01"},
         "This field is required.", actor="commissioner"),
    Case("progress_bad_rag", lambda w, e: f"/p/alpha/intentions/ALP-01/progress/{w.progress.pk}/",
         lambda w, e: {"period": "2013/14 Q2", "rag": "purple", "narrative": "n", "author": "a", "date": "2013-09-01",
                       "version": w.progress.version}, INVALID_CHOICE, actor="commissioner"),
]  # fmt: skip


@pytest.fixture
def member(world, extra):
    BoardMember.objects.create(board=world.board, name="Chair of the board")


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.name)
def test_form_bad_input_is_refused_with_message_and_writes_nothing(client, world, extra, member, case):
    client.force_login(world.users[case.actor])
    url, data = case.url(world, extra), case.data(world, extra)
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 400, url
    assert case.message in text_of(response)
    assert snapshot() == before


def api(world: factories.World, actor: str) -> APIClient:
    client = APIClient()
    user = world.admin if actor == "admin" else world.users[actor]
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def intention_json(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {
        "partnership": "alpha", "reference": "ALP-02", "title": "Short breaks",
        "lead_commissioner": "alpha-council", "start_date": "2014-04-01", "end_date": "2015-03-31", **kw,
    }  # fmt: skip


def agreement_json(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {
        "partnership": "alpha", "slug": "mou", "kind": "mou", "title": "MOU", "host": "alpha-council",
        "parties": ["alpha-council", "alpha-ccg"], "start_date": "2014-04-01", **kw,
    }  # fmt: skip


NOT_FOUND = "object does not exist"

API_CASES = [
    Case("partnership_ages_reversed", lambda w, e: "/api/v1/partnerships/alpha/",
         lambda w, e: {"age_min": 12, "age_max": 5, "version": w.p.version}, "Must not be below age_min.", method="patch"),
    Case("board_duplicate_slug", lambda w, e: "/api/v1/boards/",
         lambda w, e: {"partnership": "alpha", "slug": "icb", "name": "Again"}, "Another board in this partnership already uses this slug."),
    Case("board_missing_name", lambda w, e: "/api/v1/boards/",
         lambda w, e: {"partnership": "alpha", "slug": "new"}, "This field is required."),
    Case("board_reporting_loop", lambda w, e: f"/api/v1/boards/{w.board.pk}/",
         lambda w, e: {"reports_to": e.sub_board.pk, "version": w.board.version}, "That would make a reporting loop.",
         method="patch"),
    Case("board_reports_to_itself", lambda w, e: f"/api/v1/boards/{w.board.pk}/",
         lambda w, e: {"reports_to": w.board.pk, "version": w.board.version}, "That would make a reporting loop.",
         method="patch"),
    Case("board_reports_to_other_partnership", lambda w, e: "/api/v1/boards/",
         lambda w, e: {"partnership": "alpha", "slug": "new", "name": "N", "reports_to": e.beta_board.pk},
         "Must be a board of the same partnership.", actor="admin"),
    Case("board_member_organisation_of_other_partnership", lambda w, e: "/api/v1/board-members/",
         lambda w, e: {"board": w.board.pk, "name": "Someone", "organisation": "beta-council"},
         "Beta Council is not a member of this partnership."),
    Case("meeting_date_not_a_date", lambda w, e: "/api/v1/meetings/",
         lambda w, e: {"board": w.board.pk, "date": "next tuesday", "title": "January"}, "Date has wrong format"),
    Case("meeting_missing_title", lambda w, e: "/api/v1/meetings/",
         lambda w, e: {"board": w.board.pk, "date": "2014-01-15"}, "This field is required."),
    Case("decision_missing_text", lambda w, e: "/api/v1/decisions/", lambda w, e: {"meeting": e.meeting.pk},
         "This field is required."),
    Case("action_meeting_of_other_board", lambda w, e: "/api/v1/actions/",
         lambda w, e: {"board": w.board.pk, "meeting": e.other_meeting.pk, "description": "D", "owner": "O",
                       "due_date": "2014-01-01"}, "Must be a meeting of the same board."),
    Case("action_due_date_not_a_date", lambda w, e: f"/api/v1/actions/{w.action.pk}/",
         lambda w, e: {"due_date": "soon", "version": w.action.version}, "Date has wrong format", method="patch"),
    Case("agreement_end_before_start", lambda w, e: "/api/v1/agreements/",
         lambda w, e: agreement_json(w, e, end_date="2014-03-31"), "Must be on or after the start date."),
    Case("agreement_review_before_start", lambda w, e: f"/api/v1/agreements/{w.agreement.pk}/",
         lambda w, e: {"review_date": "2013-01-01", "version": w.agreement.version}, "Must be on or after the start date.",
         method="patch"),
    Case("agreement_duplicate_slug", lambda w, e: "/api/v1/agreements/",
         lambda w, e: agreement_json(w, e, slug="s75"), "Another agreement in this partnership already uses this slug."),
    Case("agreement_host_not_a_party", lambda w, e: "/api/v1/agreements/",
         lambda w, e: agreement_json(w, e, parties=["alpha-ccg"]), "The host must be one of the parties."),
    Case("agreement_party_of_other_partnership", lambda w, e: "/api/v1/agreements/",
         lambda w, e: agreement_json(w, e, parties=["alpha-council", "beta-council"]),
         "Not members of this partnership: Beta Council"),
    Case("agreement_start_not_a_date", lambda w, e: "/api/v1/agreements/",
         lambda w, e: agreement_json(w, e, start_date="01/13/2014"), "Date has wrong format"),
    Case("framework_duplicate_slug", lambda w, e: "/api/v1/frameworks/",
         lambda w, e: {"partnership": "alpha", "slug": "hwb", "name": "Again", "kind": "other"},
         "Another framework in this partnership uses this slug."),
    Case("framework_bad_kind", lambda w, e: "/api/v1/frameworks/",
         lambda w, e: {"partnership": "alpha", "slug": "x", "name": "X", "kind": "wishlist"}, "is not a valid choice."),
    Case("outcome_duplicate_code", lambda w, e: "/api/v1/outcomes/",
         lambda w, e: {"framework": w.framework.pk, "code": "1", "title": "Again"},
         "Another outcome in this framework already has this code."),
    Case("outcome_parent_loop", lambda w, e: f"/api/v1/outcomes/{w.outcome.pk}/",
         lambda w, e: {"parent": e.child.pk, "version": w.outcome.version}, "An outcome cannot sit under itself.",
         method="patch"),
    Case("outcome_parent_of_other_framework", lambda w, e: "/api/v1/outcomes/",
         lambda w, e: {"framework": w.framework.pk, "code": "2", "title": "T", "parent": e.outcome2.pk},
         "Must be an outcome of the same framework."),
    Case("outcome_missing_title", lambda w, e: "/api/v1/outcomes/",
         lambda w, e: {"framework": w.framework.pk, "code": "2"}, "This field is required."),
    Case("link_to_itself", lambda w, e: "/api/v1/outcome-links/",
         lambda w, e: {"source": w.outcome.pk, "target": w.outcome.pk}, "An outcome cannot contribute to itself."),
    Case("link_duplicate", lambda w, e: "/api/v1/outcome-links/",
         lambda w, e: {"source": w.outcome.pk, "target": e.outcome2.pk}, "That link already exists."),
    Case("link_to_other_partnership", lambda w, e: "/api/v1/outcome-links/",
         lambda w, e: {"source": w.outcome.pk, "target": e.beta_outcome.pk},
         "Both outcomes must belong to the same partnership.", actor="admin"),
    Case("link_to_invisible_outcome", lambda w, e: "/api/v1/outcome-links/",
         lambda w, e: {"source": w.outcome.pk, "target": e.beta_outcome.pk}, NOT_FOUND),
    Case("theme_duplicate_name", lambda w, e: "/api/v1/themes/",
         lambda w, e: {"partnership": "alpha", "name": "Early help"}, "must make a unique set"),
    Case("theme_missing_name", lambda w, e: "/api/v1/themes/", lambda w, e: {"partnership": "alpha"},
         "This field is required."),
    Case("intention_end_before_start", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, end_date="2014-01-01"), "The end date must be on or after the start date."),
    Case("intention_patch_end_before_start", lambda w, e: f"/api/v1/intentions/{w.intention.pk}/",
         lambda w, e: {"start_date": "2014-04-01", "end_date": "2014-01-01", "version": w.intention.version},
         "The end date must be on or after the start date.", method="patch"),
    Case("intention_duplicate_reference", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, reference="ALP-01"), "Another intention in this partnership has this reference."),
    Case("intention_reference_with_slash", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, reference="ALP/02"), "Use letters, numbers and hyphens only."),
    Case("intention_lead_listed_as_partner", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, partner_commissioners=["alpha-council", "alpha-ccg"]),
         "The lead commissioner is not also a partner."),
    Case("intention_lead_of_other_partnership", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, lead_commissioner="beta-council"),
         "Beta Council is not a member of this partnership."),
    Case("intention_partner_of_other_partnership", lambda w, e: f"/api/v1/intentions/{w.intention.pk}/",
         lambda w, e: {"partner_commissioners": ["beta-council"], "version": w.intention.version},
         "Not members of this partnership: Beta Council", method="patch"),
    Case("intention_outcome_of_other_partnership", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, outcomes=[e.beta_outcome.pk]),
         "Outcomes must belong to this partnership's frameworks.", actor="admin"),
    Case("intention_outcome_invisible", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, outcomes=[e.beta_outcome.pk]), NOT_FOUND),
    Case("intention_theme_of_other_partnership", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, themes=[e.beta_theme.pk]), "Themes must belong to this partnership.",
         actor="admin"),
    Case("intention_unknown_partnership", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, partnership="beta"), "does not exist"),
    Case("intention_missing_title", lambda w, e: "/api/v1/intentions/",
         lambda w, e: {k: v for k, v in intention_json(w, e).items() if k != "title"}, "This field is required."),
    Case("intention_start_not_a_date", lambda w, e: "/api/v1/intentions/",
         lambda w, e: intention_json(w, e, start_date="April 2014"), "Date has wrong format"),
    Case("milestone_missing_due_date", lambda w, e: "/api/v1/milestones/",
         lambda w, e: {"intention": w.intention.pk, "title": "Live"}, "This field is required."),
    Case("milestone_due_date_not_a_date", lambda w, e: f"/api/v1/milestones/{w.milestone.pk}/",
         lambda w, e: {"due_date": "2014-13-01", "version": w.milestone.version}, "Date has wrong format", method="patch"),
    Case("progress_invalid_period", lambda w, e: "/api/v1/progress/",
         lambda w, e: {"intention": w.intention.pk, "period": "2013-Q5", "rag": "green", "narrative": "n", "author": "a"},
         "is not a period (expected a financial quarter, e.g. 2013/14 Q2)"),
    Case("progress_duplicate_period", lambda w, e: "/api/v1/progress/",
         lambda w, e: {"intention": w.intention.pk, "period": "2013/14 Q2", "rag": "green", "narrative": "n", "author": "a"},
         "There is already an update for 2013/14 Q2."),
    Case("progress_bad_rag", lambda w, e: f"/api/v1/progress/{w.progress.pk}/",
         lambda w, e: {"rag": "purple", "version": w.progress.version}, "is not a valid choice.", method="patch"),
]  # fmt: skip


@pytest.mark.parametrize("case", API_CASES, ids=lambda c: c.name)
def test_api_bad_input_is_refused_with_message_and_writes_nothing(world, extra, member, case):
    client = api(world, case.actor)
    url, data = case.url(world, extra), case.data(world, extra)
    before = snapshot()
    response = getattr(client, case.method)(url, data, format="json")
    assert response.status_code == 400, response.content
    assert case.message in response.content.decode("unicode_escape")
    assert snapshot() == before


def test_api_malformed_json_is_refused_and_writes_nothing(world):
    client = api(world, "partnership_admin")
    before = snapshot()
    response = client.post("/api/v1/intentions/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert snapshot() == before
