"""Password reset by e-mail and password change; session settings."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from jointly.accounts.models import ApiToken
from tests import factories


@pytest.fixture
def person(db):
    return factories.user(email="person@example.org")


def test_reset_sends_a_link_only_to_a_real_address_and_answers_the_same_either_way(person):
    answers = []
    for email in ("person@example.org", "nobody@example.org"):
        response = Client().post("/account/password/reset/", {"email": email})
        assert response.status_code == 302 and response["Location"] == "/account/password/reset/sent/"
        answers.append(Client().get(response["Location"]).content.decode())
    assert answers[0] == answers[1]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["person@example.org"]


def test_the_reset_link_sets_a_new_password_once_and_revokes_tokens(person):
    _, secret = ApiToken.objects.issue(person, "Mine")
    Client().post("/account/password/reset/", {"email": person.email})
    link = re.search(r"https?://[^/]+(/account/password/reset/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Set a new password" in form.content.decode()
    url = form.redirect_chain[-1][0]
    done = client.post(
        url, {"new_password1": "a-brand-new-password", "new_password2": "a-brand-new-password"}
    )
    assert done.status_code == 302 and done["Location"] == "/account/password/reset/done/"
    person.refresh_from_db()
    assert person.check_password("a-brand-new-password")
    assert ApiToken.objects.get().revoked_at is not None
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_reset_refuses_a_bad_link_and_weak_passwords(person):
    assert "This link does not work" in Client().get("/account/password/reset/MQ/bad-token/").content.decode()
    response = Client().post("/account/password/reset/", {"email": "not an email"})
    assert response.status_code == 200 and not mail.outbox


def test_password_change_needs_the_old_password_and_revokes_tokens(person, client_for):
    _, secret = ApiToken.objects.issue(person, "Mine")
    client = client_for(person)
    wrong = client.post(
        "/account/password/change/",
        {"old_password": "wrong", "new_password1": "another-long-one", "new_password2": "another-long-one"},
    )
    assert wrong.status_code == 200 and ApiToken.objects.get().revoked_at is None
    right = client.post(
        "/account/password/change/",
        {
            "old_password": "pw-12345-long",
            "new_password1": "another-long-one",
            "new_password2": "another-long-one",
        },
    )
    assert right.status_code == 302 and right["Location"] == "/account/password/change/done/"
    assert ApiToken.objects.get().revoked_at is not None
    # The person stays signed in here.
    assert client.get("/account/").status_code == 200


def test_anonymous_cannot_reach_the_change_page_or_account(db):
    for url in ("/account/", "/account/password/change/", "/account/password/change/done/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert Client().get("/account/password/reset/").status_code == 200


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
