"""Who gets what on every page of the partnerships, outcomes and intentions apps.

Each case names a URL, the access it needs and (for form pages) a valid POST. Every
actor (each role in partnership "alpha", an admin of another partnership, an
anonymous visitor and a platform admin) is tried in turn, inside a savepoint that is
rolled back, and the whole table of statuses is compared at once so a failure shows
every actor that got the wrong answer.

The expected access is written out here from the rules, not read from the app's
ROLE_PERMISSIONS, so that a change to the permissions table shows up as a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.urls import get_resolver

from jointly.partnerships.models import BoardMember, ReportingLine
from tests import factories

ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
ACTORS = [*ROLES, "outsider", "anonymous", "admin"]

# Which roles in "alpha" hold each kind of access (the rules, written out independently).
READ = set(ROLES)  # see the partnership and its outcomes
PLANNING = set(ROLES) - {"provider"}  # intentions, governance, agreements
EDIT_INTENTIONS = {"commissioner", "partnership_admin"}
EDIT_GOVERNANCE = {"partnership_admin"}
EDIT_OUTCOMES = {"partnership_admin"}


def user_for(w: factories.World, actor: str) -> Any:
    if actor == "anonymous":
        return None
    if actor == "outsider":
        return w.outsider
    if actor == "admin":
        return w.admin
    return w.users[actor]


def expected(allowed: set[str], ok: int) -> dict[str, int]:
    """The status every actor should get on an alpha page that needs ``allowed``."""
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = 302
        elif actor == "outsider":
            result[actor] = 404
        elif actor == "admin" or actor in allowed:
            result[actor] = ok
        else:
            result[actor] = 403
    return result


@dataclass
class Extra:
    """Records beyond the shared world that some cases need."""

    outcome2: Any
    beta_intention: Any
    beta_board: Any
    other_board: Any
    board_member: Any
    third_board: Any
    reporting_line: Any


@pytest.fixture
def extra(world: factories.World) -> Extra:
    fw2 = factories.framework(world.p, slug="plan", name="Partnership plan")
    beta_fw = factories.framework(world.other, slug="beta-hwb")
    factories.outcome(beta_fw, code="9")
    other_board = factories.board(world.p, slug="sub-group", name="Sub group")
    return Extra(
        outcome2=factories.outcome(fw2, code="A", title="Children are safe"),
        beta_intention=factories.intention(world.other, world.other_council, reference="BETA-01"),
        beta_board=factories.board(world.other, slug="beta-board"),
        other_board=other_board,
        board_member=BoardMember.objects.create(board=world.board, name="Director of Children's Services"),
        third_board=factories.board(world.p, slug="trust", name="Children's Trust"),
        reporting_line=ReportingLine.objects.create(
            board=world.board, to_board=other_board, cadence="annual"
        ),
    )


@dataclass
class Page:
    name: str
    url: Callable[[factories.World, Extra], str]
    allowed: set[str]
    ok: int = 200
    post: Callable[[factories.World, Extra], dict[str, Any]] | None = None
    statuses: dict[str, int] | None = field(default=None)

    def expected(self) -> dict[str, int]:
        return self.statuses or expected(self.allowed, self.ok)


def _intention_data(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {
        "reference": "ALP-02",
        "title": "Short breaks",
        "stage": "plan",
        "integrated": "on",
        "lead_commissioner": w.council.pk,
        "partner_commissioners": [w.ccg.pk],
        "themes": [w.theme.pk],
        "outcomes": [w.outcome.pk],
        "start_date": "2014-04-01",
        "end_date": "2015-03-31",
        **kw,
    }


def _agreement_data(w: factories.World, e: Extra, **kw: Any) -> dict[str, Any]:
    return {
        "title": "Memorandum",
        "slug": "mou",
        "kind": "mou",
        "host": w.council.pk,
        "parties": [w.council.pk, w.ccg.pk],
        "fund_type": "none",
        "start_date": "2014-04-01",
        "end_date": "2016-03-31",
        **kw,
    }


PAGES = [
    # --- partnerships -------------------------------------------------------------------------
    Page("partnership_detail", lambda w, e: "/p/alpha/", READ),
    Page(
        "partnership_edit",
        lambda w, e: "/p/alpha/edit/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {
            "name": "Alpha renamed",
            "population_group": "Children and young people",
            "age_min": 0,
            "age_max": 19,
            "version": w.p.version,
        },
    ),
    Page("governance", lambda w, e: "/p/alpha/governance/", PLANNING),
    Page(
        "board_new",
        lambda w, e: "/p/alpha/boards/new/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {
            "name": "Early help group",
            "slug": "early-help",
            "kind": "group",
            "meeting_frequency": "monthly",
            "reports_to": w.board.pk,
        },
    ),
    Page("board", lambda w, e: "/p/alpha/boards/icb/", PLANNING),
    Page(
        "board_edit",
        lambda w, e: "/p/alpha/boards/icb/edit/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {
            "name": "Integrated Commissioning Board",
            "slug": "icb",
            "kind": "board",
            "meeting_frequency": "quarterly",
            "version": w.board.version,
        },
    ),
    Page(
        "member_new",
        lambda w, e: "/p/alpha/boards/icb/members/new/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {"name": "Head of Commissioning", "organisation": w.ccg.pk, "role": "member"},
    ),
    Page(
        "member_edit",
        lambda w, e: f"/p/alpha/boards/icb/members/{e.board_member.pk}/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {"name": "Director of Children's Services", "role": "chair"},
    ),
    Page(
        "member_remove",
        lambda w, e: f"/p/alpha/boards/icb/members/{e.board_member.pk}/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {"remove": "1"},
    ),
    Page(
        "line_new",
        lambda w, e: "/p/alpha/boards/icb/lines/new/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {"to_board": e.third_board.pk, "cadence": "as_requested"},
    ),
    Page(
        "line_edit",
        lambda w, e: f"/p/alpha/boards/icb/lines/{e.reporting_line.pk}/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {
            "to_board": e.other_board.pk,
            "cadence": "regular",
            "version": e.reporting_line.version,
        },
    ),
    Page(
        "line_remove",
        lambda w, e: f"/p/alpha/boards/icb/lines/{e.reporting_line.pk}/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {"remove": "1"},
    ),
    Page(
        "meeting_new",
        lambda w, e: "/p/alpha/boards/icb/meetings/new/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {"date": "2014-01-15", "title": "January", "decisions": "Agreed\nNoted"},
    ),
    Page(
        "action_new",
        lambda w, e: "/p/alpha/boards/icb/actions/new/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {
            "description": "Draft",
            "owner": "Chair",
            "due_date": "2014-02-01",
            "status": "open",
        },
    ),
    Page(
        "action_edit",
        lambda w, e: f"/p/alpha/boards/icb/actions/{w.action.pk}/",
        EDIT_GOVERNANCE,
        post=lambda w, e: {
            "description": "Draft",
            "owner": "Chair",
            "due_date": "2014-02-01",
            "status": "done",
            "version": w.action.version,
        },
    ),
    Page(
        "agreement_new",
        lambda w, e: "/p/alpha/agreements/new/",
        EDIT_GOVERNANCE,
        post=lambda w, e: _agreement_data(w, e),
    ),
    Page("agreement", lambda w, e: "/p/alpha/agreements/s75/", PLANNING),
    Page(
        "agreement_edit",
        lambda w, e: "/p/alpha/agreements/s75/edit/",
        EDIT_GOVERNANCE,
        post=lambda w, e: _agreement_data(w, e, slug="s75", kind="section_75", version=w.agreement.version),
    ),
    # --- outcomes -----------------------------------------------------------------------------
    Page("outcomes_index", lambda w, e: "/p/alpha/outcomes/", READ),
    Page("unlinked_intentions", lambda w, e: "/p/alpha/outcomes/unlinked-intentions/", PLANNING),
    Page("outcome", lambda w, e: f"/p/alpha/outcomes/o/{w.outcome.pk}/", READ),
    Page(
        "outcome_link_new",
        lambda w, e: f"/p/alpha/outcomes/o/{w.outcome.pk}/link/",
        EDIT_OUTCOMES,
        post=lambda w, e: {"target": e.outcome2.pk},
    ),
    Page("framework", lambda w, e: "/p/alpha/outcomes/hwb/", READ),
    Page(
        "outcome_new",
        lambda w, e: "/p/alpha/outcomes/hwb/new/",
        EDIT_OUTCOMES,
        post=lambda w, e: {"code": "1.1", "title": "Good antenatal care", "parent": w.outcome.pk},
    ),
    Page(
        "outcome_edit",
        lambda w, e: f"/p/alpha/outcomes/hwb/{w.outcome.pk}/edit/",
        EDIT_OUTCOMES,
        post=lambda w, e: {
            "code": "1",
            "title": "The best start in life",
            "position": 1,
            "version": w.outcome.version,
        },
    ),
    # --- intentions ---------------------------------------------------------------------------
    Page("intention_register", lambda w, e: "/p/alpha/intentions/", PLANNING),
    Page("intention_register_csv", lambda w, e: "/p/alpha/intentions/?format=csv", PLANNING),
    Page("intention_register_xlsx", lambda w, e: "/p/alpha/intentions/?format=xlsx", PLANNING),
    Page(
        "intention_new",
        lambda w, e: "/p/alpha/intentions/new/",
        EDIT_INTENTIONS,
        post=_intention_data,
    ),
    Page("intention_import", lambda w, e: "/p/alpha/intentions/import/", EDIT_INTENTIONS),
    Page("intention_import_template", lambda w, e: "/p/alpha/intentions/import/?template=1", EDIT_INTENTIONS),
    Page("progress_report", lambda w, e: "/p/alpha/intentions/report/?period=2013/14-Q2", PLANNING),
    Page(
        "progress_report_csv",
        lambda w, e: "/p/alpha/intentions/report/?period=2013/14-Q2&format=csv",
        PLANNING,
    ),
    Page(
        "progress_report_docx",
        lambda w, e: "/p/alpha/intentions/report/?period=2013/14-Q2&format=docx",
        PLANNING,
    ),
    Page("intention_detail", lambda w, e: "/p/alpha/intentions/ALP-01/", PLANNING),
    Page(
        "intention_edit",
        lambda w, e: "/p/alpha/intentions/ALP-01/edit/",
        EDIT_INTENTIONS,
        post=lambda w, e: _intention_data(w, e, reference="ALP-01", version=w.intention.version),
    ),
    Page(
        "milestone_new",
        lambda w, e: "/p/alpha/intentions/ALP-01/milestones/new/",
        EDIT_INTENTIONS,
        post=lambda w, e: {"title": "Service live", "due_date": "2014-06-01"},
    ),
    Page(
        "milestone_edit",
        lambda w, e: f"/p/alpha/intentions/ALP-01/milestones/{w.milestone.pk}/",
        EDIT_INTENTIONS,
        post=lambda w, e: {
            "title": "Service live",
            "due_date": "2014-06-01",
            "completed_on": "2014-05-20",
            "version": w.milestone.version,
        },
    ),
    Page(
        "progress_new",
        lambda w, e: "/p/alpha/intentions/ALP-01/progress/new/",
        EDIT_INTENTIONS,
        post=lambda w, e: {
            "period": "2013/14 Q4",
            "rag": "amber",
            "narrative": "Slipping.",
            "author": "SRO",
            "date": "2014-03-20",
        },
    ),
    Page(
        "progress_edit",
        lambda w, e: f"/p/alpha/intentions/ALP-01/progress/{w.progress.pk}/",
        EDIT_INTENTIONS,
        post=lambda w, e: {
            "period": "2013/14 Q2",
            "rag": "red",
            "narrative": "Late.",
            "author": "SRO",
            "date": "2013-09-30",
            "version": w.progress.version,
        },
    ),
]

# Things that do not exist (or not here): 404 for every member, even the platform admin.
MISSING = [
    Page("board_unknown", lambda w, e: "/p/alpha/boards/no-such-board/", PLANNING, ok=404),
    Page("board_of_other_partnership", lambda w, e: "/p/alpha/boards/beta-board/", PLANNING, ok=404),
    Page("agreement_unknown", lambda w, e: "/p/alpha/agreements/no-such/", PLANNING, ok=404),
    Page("line_of_other_board", lambda w, e: f"/p/alpha/boards/sub-group/lines/{e.reporting_line.pk}/", EDIT_GOVERNANCE, ok=404),
    Page("action_of_other_board", lambda w, e: f"/p/alpha/boards/sub-group/actions/{w.action.pk}/", EDIT_GOVERNANCE, ok=404),
    Page("intention_of_other_partnership", lambda w, e: "/p/alpha/intentions/BETA-01/", PLANNING, ok=404),
    Page("intention_edit_unknown", lambda w, e: "/p/alpha/intentions/NOPE/edit/", EDIT_INTENTIONS, ok=404),
    Page("milestone_unknown", lambda w, e: "/p/alpha/intentions/ALP-01/milestones/999999/", EDIT_INTENTIONS, ok=404),
    Page("progress_report_bad_period", lambda w, e: "/p/alpha/intentions/report/?period=2013-Q5", PLANNING, ok=400),
    Page("framework_unknown", lambda w, e: "/p/alpha/outcomes/no-such/", READ, ok=404),
    Page("outcome_of_other_framework_edit", lambda w, e: f"/p/alpha/outcomes/hwb/{e.outcome2.pk}/edit/", EDIT_OUTCOMES, ok=404),
    Page(
        "partnership_unknown",
        lambda w, e: "/p/no-such-partnership/",
        READ,
        statuses={**{a: 404 for a in ACTORS}, "anonymous": 302},
    ),
    Page(
        "other_partnership",
        lambda w, e: "/p/beta/",
        READ,
        statuses={**{a: 404 for a in ACTORS}, "anonymous": 302, "outsider": 200, "admin": 200},
    ),
]  # fmt: skip


def statuses_for(client: Any, w: factories.World, method: str, url: str, data: Any = None) -> dict:
    """``{actor: (status, location)}``, each request in a savepoint that is rolled back."""
    got = {}
    for actor in ACTORS:
        with transaction.atomic():
            client.logout()
            user = user_for(w, actor)
            if user is not None:
                client.force_login(user)
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data or {})
            got[actor] = (response.status_code, response.headers.get("Location", ""))
            transaction.set_rollback(True)
    return got


def check(got: dict, want: dict[str, int], url: str) -> None:
    assert {a: s for a, (s, _) in got.items()} == want, url
    status, location = got["anonymous"]
    if status == 302:
        assert location.startswith("/login/"), location


@pytest.mark.parametrize("page", PAGES + MISSING, ids=lambda p: p.name)
def test_page_get_gives_expected_status_for_every_actor(client, world, extra, page):
    url = page.url(world, extra)
    check(statuses_for(client, world, "get", url), page.expected(), url)


FORM_PAGES = [p for p in PAGES if p.post is not None and p.name not in ("member_remove", "line_remove")]
POST_PAGES = [p for p in PAGES if p.post is not None]


@pytest.mark.parametrize("page", POST_PAGES, ids=lambda p: p.name)
def test_page_valid_post_gives_expected_status_for_every_actor(client, world, extra, page):
    url = page.url(world, extra)
    got = statuses_for(client, world, "post", url, page.post(world, extra))
    check(got, expected(page.allowed, 302), url)
    # A successful save goes on to the record, not to the login page.
    assert not got["admin"][1].startswith("/login/")


EMPTY_POST_PAGES = FORM_PAGES + [p for p in PAGES if p.name == "intention_import"]


@pytest.mark.parametrize("page", EMPTY_POST_PAGES, ids=lambda p: p.name)
def test_page_empty_post_gives_expected_status_for_every_actor(client, world, extra, page):
    url = page.url(world, extra)
    check(statuses_for(client, world, "post", url, {}), expected(page.allowed, 400), url)


def test_every_page_route_is_in_the_table():
    """A new page in these apps must be added to this table (and so get an access check)."""
    covered = {p.name for p in PAGES}
    routes = {
        "partnerships": {
            "detail": "partnership_detail", "edit": "partnership_edit", "governance": "governance",
            "board_new": "board_new", "board": "board", "board_edit": "board_edit",
            "member_new": "member_new", "member_edit": "member_edit",
            "line_new": "line_new", "line_edit": "line_edit",
            "meeting_new": "meeting_new", "action_new": "action_new", "action_edit": "action_edit",
            "agreement_new": "agreement_new", "agreement": "agreement", "agreement_edit": "agreement_edit",
        },
        "outcomes": {
            "index": "outcomes_index", "unlinked": "unlinked_intentions", "outcome": "outcome",
            "link_new": "outcome_link_new", "framework": "framework", "outcome_new": "outcome_new",
            "outcome_edit": "outcome_edit",
        },
        "intentions": {
            "register": "intention_register", "new": "intention_new", "progress_report": "progress_report",
            "import": "intention_import",
            "detail": "intention_detail", "edit": "intention_edit", "milestone_new": "milestone_new",
            "milestone_edit": "milestone_edit", "progress_new": "progress_new", "progress_edit": "progress_edit",
        },
    }  # fmt: skip
    resolver = get_resolver()
    for namespace, names in routes.items():
        routed = {key for key in resolver.namespace_dict[namespace][1].reverse_dict if isinstance(key, str)}
        assert routed == set(names), f"{namespace} routes changed: update this table"
        assert set(names.values()) <= covered


@pytest.mark.parametrize("actor", ACTORS)
def test_home_page_lists_only_the_persons_partnerships(client, world, actor):
    user = user_for(world, actor)
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    if actor == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/")
        return
    assert response.status_code == 200
    listed = {p.slug for p in response.context["partnerships"]}
    want = {"outsider": {"beta"}, "admin": {"alpha", "beta"}}.get(actor, {"alpha"})
    assert listed == want
    content = response.content.decode()
    for slug in ("alpha", "beta"):
        assert (f'href="/p/{slug}/"' in content) == (slug in want)


def test_home_page_lists_nothing_for_a_person_without_memberships(client, world):
    client.force_login(factories.user())
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["partnerships"]) == []
    assert 'href="/p/' not in response.content.decode()


def test_partnership_page_hides_governance_from_provider(client, world):
    client.force_login(world.users["provider"])
    content = client.get("/p/alpha/").content.decode()
    assert world.board.name not in content
    assert world.agreement.title not in content
    client.force_login(world.users["viewer"])
    content = client.get("/p/alpha/").content.decode()
    assert world.board.name in content


def test_outcome_page_hides_intentions_from_provider(client, world):
    url = f"/p/alpha/outcomes/o/{world.outcome.pk}/"
    client.force_login(world.users["provider"])
    response = client.get(url)
    assert response.status_code == 200
    assert world.intention.title not in response.content.decode()
    client.force_login(world.users["viewer"])
    assert world.intention.title in client.get(url).content.decode()


# The service's information pages (footer): open to everyone, signed in or not (issue 10 item 18).
INFO_PAGES = ["/accessibility/", "/privacy/", "/cookies/"]


@pytest.mark.parametrize("url", INFO_PAGES)
def test_information_pages_are_open_to_every_actor(client, world, url):
    got = statuses_for(client, world, "get", url)
    assert {a: s for a, (s, _) in got.items()} == {a: 200 for a in ACTORS}, url
