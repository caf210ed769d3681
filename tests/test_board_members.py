"""Board members: pages and API, who may and who may not, and bad input."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jointly.partnerships.models import BoardMember
from tests.factories import api_token

pytestmark = pytest.mark.django_db


def member_url(world, member_id=None):
    base = f"/p/{world.p.slug}/boards/{world.board.slug}/members/"
    return f"{base}{member_id}/" if member_id else f"{base}new/"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("partnership_admin", 200),
        ("commissioner", 403),
        ("viewer", 403),
        ("analyst", 403),
        ("finance", 403),
        ("provider", 403),
        ("outsider", 404),
        ("admin", 200),
    ],
)
def test_board_member_form_access(world, client_for, who, expected):
    user = world.users.get(who) or getattr(world, who)
    assert client_for(user).get(member_url(world)).status_code == expected


def test_board_member_form_anonymous_redirects_to_sign_in(world, client_for):
    response = client_for(None).get(member_url(world))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_board_member_add_edit_remove(world, client_for):
    client = client_for(world.users["partnership_admin"])
    response = client.post(
        member_url(world),
        {"name": "Director of Public Health", "organisation": world.council.pk, "role": "member"},
    )
    assert response.status_code == 302
    member = BoardMember.objects.get(board=world.board, name="Director of Public Health")
    assert member.history.first().history_user == world.users["partnership_admin"]
    client.post(
        member_url(world, member.pk),
        {"name": "Director of Public Health", "organisation": "", "role": "chair"},
    )
    member.refresh_from_db()
    assert member.role == "chair" and member.organisation is None
    client.post(member_url(world, member.pk), {"remove": "1"})
    assert not BoardMember.objects.filter(pk=member.pk).exists()


def test_board_member_duplicate_or_outside_organisation_writes_nothing(world, client_for):
    client = client_for(world.users["partnership_admin"])
    BoardMember.objects.create(board=world.board, name="Chair of the CCG")
    before = BoardMember.objects.count()
    response = client.post(member_url(world), {"name": "chair of the CCG", "role": "member"})
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    response = client.post(member_url(world), {"name": "Someone", "organisation": world.other_council.pk})
    assert response.status_code == 400
    assert BoardMember.objects.count() == before


def api(user):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_board_member_api_rules(world):
    payload = {
        "board": world.board.pk,
        "name": "Head of Commissioning",
        "organisation": "alpha-council",
        "role": "member",
    }
    assert (
        api(world.users["viewer"]).post("/api/v1/board-members/", payload, format="json").status_code == 403
    )
    assert api(world.outsider).get("/api/v1/board-members/").json()["results"] == []
    assert api(None).get("/api/v1/board-members/").status_code == 401
    response = api(world.users["partnership_admin"]).post("/api/v1/board-members/", payload, format="json")
    assert response.status_code == 201, response.content
    bad = {**payload, "name": "Another", "organisation": "beta-council"}
    before = BoardMember.objects.count()
    response = api(world.users["partnership_admin"]).post("/api/v1/board-members/", bad, format="json")
    assert response.status_code == 400 and "not a member of this partnership" in response.content.decode()
    assert BoardMember.objects.count() == before


def test_decision_api_rules(world):
    from tests import factories

    meeting = factories.meeting(world.board)
    payload = {"meeting": meeting.pk, "text": "Agreed the pooled budget."}
    assert (
        api(world.users["commissioner"]).post("/api/v1/decisions/", payload, format="json").status_code == 403
    )
    assert (
        api(world.users["partnership_admin"]).post("/api/v1/decisions/", payload, format="json").status_code
        == 201
    )
    assert api(world.outsider).get("/api/v1/decisions/").json()["results"] == []
    assert len(api(world.users["viewer"]).get("/api/v1/decisions/").json()["results"]) == 1
