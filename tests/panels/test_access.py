"""Who may open which panel page and API answer: every route × every role.

Only the panel's members open its pages; a platform administrator, a partnership admin who is not a
member, a member of another panel, a viewer and a provider all get the 404 of a page that never
existed. The aggregates page is the partnership readers' (and members'); the reveal log the chair's;
break-glass the platform administrator's alone.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import transaction

from jointly.panels import actions
from jointly.panels.models import CaseDocument
from tests.panels.conftest import build, decided, terms, three_way

MEMBERS = ["chair", "ccg_member", "third_member", "proposer"]
OTHERS = ["admin", "partnership_admin", "viewer", "provider", "beta_member", "outsider"]
ACTORS = MEMBERS + OTHERS + ["anonymous"]


@pytest.fixture
def s(world):
    pw = build(world)
    decided(pw)
    package = pw.case.packages.get()
    actions.review(
        package, reviewed_on=dt.date(2024, 10, 1), outcomes={}, notes="", by=pw.members["proposer"].user,
        terms=terms(amount=Decimal("3700"), effective_from=dt.date(2024, 10, 1)), shares=three_way(pw), reason="Cost up",
    )  # fmt: skip
    actions.add_document(pw.case, title="Health assessment", file_name="a.txt", content_type="text/plain",
                         data=b"assessment", by=None)  # fmt: skip
    return pw


def same(content: bytes) -> str:
    """A page without what differs on every response (CSP nonce, CSRF token)."""
    text = content.decode()
    text = re.sub(r'nonce="[^"]*"', "", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def urls(pw) -> dict[str, str]:
    p = f"/p/{pw.w.p.slug}/panels"
    c = f"{p}/jap/cases/{pw.case.reference}"
    package = pw.case.packages.get()
    decision = pw.case.decisions.get()
    doc = CaseDocument.objects.get(case=pw.case)
    return {
        "index": f"{p}/", "new": f"{p}/new/", "members": f"{p}/jap/members/", "panel": f"{p}/jap/", "oversight": f"{p}/jap/oversight/", "reveals": f"{p}/jap/reveals/",
        "refer": f"{p}/jap/refer/", "meeting_new": f"{p}/jap/meetings/new/", "case": f"{c}/", "reveal": f"{c}/reveal/",
        "break_glass": f"{c}/break-glass/", "identity": f"{c}/identity/", "document_new": f"{c}/documents/new/",
        "document": f"{c}/documents/{doc.pk}/", "decide": f"{c}/decide/", "end": f"{c}/end/",
        "review": f"{c}/packages/{package.pk}/review/", "compare": f"{c}/packages/{package.pk}/compare/",
        "decision_record": f"{c}/decisions/{decision.pk}/record.docx",
    }  # fmt: skip


def expected(name: str) -> dict[str, int]:
    members_only = {a: 200 if a in MEMBERS else 404 for a in ACTORS}
    members_only["anonymous"] = 302
    if name == "index":
        got = {a: 200 for a in ACTORS} | {
            "provider": 403,
            "beta_member": 404,
            "outsider": 404,
            "anonymous": 302,
        }
    elif name == "new":
        got = {a: 403 for a in ACTORS} | {"partnership_admin": 200, "admin": 200, "outsider": 404, "beta_member": 404,
                                          "anonymous": 302}  # fmt: skip
    elif name in ("reveals", "members"):
        got = members_only | {m: 403 for m in MEMBERS if m != "chair"}
    elif name == "break_glass":
        got = {a: 404 for a in ACTORS} | {"admin": 200, "anonymous": 302}
    else:
        got = members_only
    return got


def statuses(client, pw, url: str, method: str = "get", data: dict | None = None) -> dict[str, int]:
    got = {}
    for actor in ACTORS:
        with transaction.atomic():
            client.logout()
            if actor != "anonymous":
                client.force_login(pw.user(actor))
            response = client.get(url) if method == "get" else client.post(url, data or {})
            got[actor] = response.status_code
            transaction.set_rollback(True)
    return got


def test_every_page_for_every_role(client, s):
    from jointly.panels import urls as panel_urls

    table = urls(s)
    routed = {p.name for p in panel_urls.urlpatterns} - {"confirm_share"}
    assert routed == set(table), "a new panel page: add it to this table"
    failures = []
    for name, url in table.items():
        got = statuses(client, s, url)
        if got != expected(name):
            failures.append(f"{name}: {got}")
    assert not failures, "\n".join(failures)


def test_another_panels_case_answers_like_one_that_never_existed(client, s):
    """A member of alpha's panel naming beta's case, or a made-up reference: the same 404."""
    client.force_login(s.members["chair"].user)
    foreign = client.get(f"/p/{s.w.p.slug}/panels/jap/cases/{s.beta_case.reference}/")
    unknown = client.get(f"/p/{s.w.p.slug}/panels/jap/cases/PC-ZZZZ-ZZZZ/")
    assert foreign.status_code == unknown.status_code == 404
    assert same(foreign.content) == same(unknown.content)
    elsewhere = client.get(f"/p/{s.w.other.slug}/panels/jap/cases/{s.beta_case.reference}/")
    assert elsewhere.status_code == 404


def test_confirm_share_is_posted_by_members_only(client, s):
    version = s.case.packages.get().versions.order_by("-number").first()
    share = version.shares.get(organisation=s.third)
    url = f"/p/{s.w.p.slug}/panels/jap/cases/{s.case.reference}/shares/{share.pk}/confirm/"
    got = statuses(client, s, url, "post")
    # members are redirected back to the case (confirmed, or told why not); everyone else 404
    assert got == {a: 302 if a in MEMBERS or a == "anonymous" else 404 for a in ACTORS}


def test_api_cases_for_members_only(client, s):
    from rest_framework.test import APIClient

    for actor in ACTORS[:-1]:
        api = APIClient()
        api.force_authenticate(s.user(actor))
        listed = api.get("/api/v1/panel-cases/").json()
        refs = [r["reference"] for r in listed["results"]]
        detail = api.get(f"/api/v1/panel-cases/{s.case.reference}/")
        if actor in MEMBERS:
            assert refs == [s.case.reference] and detail.status_code == 200, actor
            assert "name" not in detail.json() and "nhs_number" not in detail.json()
        else:
            assert s.case.reference not in refs and detail.status_code == 404, actor
            unknown = api.get("/api/v1/panel-cases/PC-ZZZZ-ZZZZ/")
            assert same(detail.content) == same(unknown.content)


def test_api_aggregates_for_partnership_readers_and_members(client, s):
    from rest_framework.test import APIClient

    want = {"chair": 200, "viewer": 200, "partnership_admin": 200, "admin": 200, "provider": 404, "outsider": 404,
            "beta_member": 404}  # fmt: skip
    for actor, status in want.items():
        api = APIClient()
        api.force_authenticate(s.user(actor))
        response = api.get(f"/api/v1/panel-aggregates/?partnership={s.w.p.slug}&financial_year=2024/25")
        assert response.status_code == status, actor
        if status == 200:
            rows = response.json()
            assert {"financial_year": "2024/25", "dimension": "package_type", "group": "Total", "cases": "c",
                    "annual_cost_gbp": "c"} in rows  # fmt: skip


def test_chair_adds_a_member_who_then_opens_cases(client, s):
    from jointly.panels.models import PanelMember

    newcomer = s.w.users["commissioner"]
    client.force_login(newcomer)
    assert client.get(f"/p/{s.w.p.slug}/panels/jap/").status_code == 404
    client.force_login(s.members["chair"].user)
    url = f"/p/{s.w.p.slug}/panels/jap/members/"
    bad = client.post(
        url, {"form": "member", "email": s.user("beta_member").email, "organisation": s.w.council.pk}
    )
    assert (
        bad.status_code == 400 and "no account with this address in this partnership" in bad.content.decode()
    )
    client.post(url, {"form": "member", "email": newcomer.email, "organisation": s.w.council.pk})
    assert PanelMember.objects.filter(panel=s.panel, user=newcomer, active=True).exists()
    client.force_login(newcomer)
    assert client.get(f"/p/{s.w.p.slug}/panels/jap/").status_code == 200


def test_partnership_admin_sets_up_a_panel_without_joining_it(client, s):
    client.force_login(s.w.users["partnership_admin"])
    response = client.post(f"/p/{s.w.p.slug}/panels/new/", {
        "name": "Second panel", "slug": "second", "chair_email": s.w.users["viewer"].email,
        "chair_organisation": s.w.council.pk, "quorum": 3, "quorum_organisations": 2, "suppression_threshold": 5,
        "retention_years": 7,
    })  # fmt: skip
    assert (
        response.status_code == 400
        and "Ensure this value is greater than or equal to 7" in response.content.decode()
    )
    response = client.post(f"/p/{s.w.p.slug}/panels/new/", {
        "name": "Second panel", "slug": "second", "chair_email": s.w.users["viewer"].email,
        "chair_organisation": s.w.council.pk, "quorum": 3, "quorum_organisations": 2, "suppression_threshold": 7,
        "retention_years": 7,
    })  # fmt: skip
    assert response.status_code == 302
    assert client.get(f"/p/{s.w.p.slug}/panels/second/").status_code == 404
