"""Sign-in throttling and the audit of failed sign-ins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from jointly.accounts.models import ApiToken, SignInAttempt
from tests import factories

PASSWORD = "pw-12345-long"
LOCKED = "too many failed attempts"


@pytest.fixture
def person(db):
    return factories.user(email="person@example.org")


def sign_in(client: Client, email: str, password: str):
    return client.post("/login/", {"username": email, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and not response["Location"].startswith("/login/")


def test_fifty_wrong_passwords_then_the_right_one_is_refused_until_the_window_passes(person):
    client = Client()
    for _ in range(50):
        assert sign_in(client, person.email, "wrong-password").status_code == 200
    response = sign_in(client, person.email, PASSWORD)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    counts = {o: SignInAttempt.objects.filter(outcome=o).count() for o in SignInAttempt.Outcome.values}
    assert counts == {"failed": 5, "refused": 46, "succeeded": 0}
    # After the window the right password works again (the lock counts failures, not refusals).
    SignInAttempt.objects.update(when=timezone.now() - timedelta(minutes=16))
    assert signed_in(sign_in(client, person.email, PASSWORD))
    assert SignInAttempt.objects.filter(outcome="succeeded", user=person).count() == 1


def test_the_fifth_failure_locks_and_the_fourth_does_not(person):
    client = Client()
    for _ in range(4):
        sign_in(client, person.email, "wrong")
    assert signed_in(sign_in(client, person.email, PASSWORD))
    # A success starts the count again.
    client = Client()
    for _ in range(4):
        sign_in(client, person.email, "wrong")
    assert signed_in(sign_in(client, person.email, PASSWORD))
    client = Client()
    for _ in range(5):
        sign_in(client, person.email, "wrong")
    assert not signed_in(sign_in(client, person.email, PASSWORD))


def test_a_missing_account_locks_and_reads_exactly_like_a_real_one(person):
    answers = {}
    for email in (person.email, "nobody@example.org"):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        first = sign_in(client, email, "wrong").content.decode().replace(email, "EMAIL")
        for _ in range(5):
            sign_in(client, email, "wrong")
        answers[email] = (first, sign_in(client, email, "wrong").content.decode().replace(email, "EMAIL"))
    strip = lambda page: page.split('name="csrfmiddlewaretoken" value="')[0]  # noqa: E731
    real, missing = answers[person.email], answers["nobody@example.org"]
    assert strip(real[0]) == strip(missing[0]) and "Enter a correct email address and password" in real[0]
    assert strip(real[1]) == strip(missing[1]) and LOCKED in real[1]


def test_email_case_does_not_dodge_the_lock(person):
    client = Client()
    for i in range(5):
        sign_in(client, "Person@Example.org" if i % 2 else "person@example.org", "wrong")
    assert not signed_in(sign_in(client, "PERSON@example.org", PASSWORD))


def test_many_failures_from_one_address_lock_that_address_only(person, settings):
    settings.JOINTLY_SIGNIN_ADDRESS_LIMIT = 8
    attacker = Client(REMOTE_ADDR="192.0.2.7")
    for i in range(8):
        sign_in(attacker, f"guess{i}@example.org", "wrong")
    assert not signed_in(sign_in(attacker, person.email, PASSWORD))
    assert signed_in(sign_in(Client(REMOTE_ADDR="192.0.2.8"), person.email, PASSWORD))


def test_the_audit_keeps_a_fingerprint_not_the_address(person):
    sign_in(Client(REMOTE_ADDR="198.51.100.23"), person.email, "wrong")
    attempt = SignInAttempt.objects.get()
    assert attempt.outcome == "failed" and attempt.email == "person@example.org"
    assert len(attempt.address) == 16 and "198.51" not in attempt.address


def test_successful_sign_ins_never_lock_anyone_out(person):
    for _ in range(30):
        client = Client()
        assert signed_in(sign_in(client, person.email, PASSWORD))
    assert not SignInAttempt.objects.filter(outcome__in=["failed", "refused"]).exists()


def test_the_api_token_path_is_unaffected_by_a_lock(person):
    _, secret = ApiToken.objects.issue(person, "Integration")
    client = Client()
    for _ in range(10):
        sign_in(client, person.email, "wrong")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/partnerships/").status_code == 200


def test_the_admin_sign_in_is_throttled_too(world):
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": world.admin.email, "password": "wrong"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": world.admin.email, "password": PASSWORD}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
