"""API tokens: hashed at rest, named, several per person, expiring, revocable by their owner."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from jointly.accounts.models import ApiToken, hash_token_secret
from tests import factories

TOKENS = "/account/tokens/"


def api_status(secret: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client.get("/api/v1/partnerships/").status_code


@pytest.fixture
def person(db):
    return factories.user(email="owner@example.org")


@pytest.fixture
def other(db):
    return factories.user(email="other@example.org")


def test_anonymous_is_sent_to_sign_in(person, client):
    token, _ = ApiToken.objects.issue(person, "Mine")
    for method, url in [("get", TOKENS), ("post", TOKENS), ("post", f"{TOKENS}{token.pk}/revoke/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert ApiToken.objects.get().revoked_at is None


def test_owner_creates_a_token_shown_once_and_stored_only_as_a_hash(person, client_for):
    client = client_for(person)
    response = client.post(TOKENS, {"name": "Returns upload", "expires": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert len(secret) >= 40 and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=person)
    assert token.name == "Returns upload" and token.key_hash == hash_token_secret(secret)
    assert token.prefix == secret[:8] and secret not in {token.key_hash, token.prefix}
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert api_status(secret) == 200
    listing = client.get(TOKENS)
    assert listing.status_code == 200
    assert secret not in listing.content.decode() and "Returns upload" in listing.content.decode()
    assert ApiToken.objects.get().last_used_at is not None


def test_several_tokens_per_person_each_revocable(person, client_for):
    client = client_for(person)
    first = client.post(TOKENS, {"name": "One", "expires": "never"}).context["secret"]
    second = client.post(TOKENS, {"name": "Two", "expires": "7"}).context["secret"]
    assert api_status(first) == api_status(second) == 200
    one = ApiToken.objects.get(name="One")
    response = client.post(f"{TOKENS}{one.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == TOKENS
    assert api_status(first) == 401 and api_status(second) == 200
    # Revoking again changes nothing; a GET is refused.
    assert client.post(f"{TOKENS}{one.pk}/revoke/").status_code == 302
    assert client.get(f"{TOKENS}{one.pk}/revoke/").status_code == 405


def test_another_person_cannot_see_or_revoke_a_token(person, other, client_for):
    token, secret = ApiToken.objects.issue(person, "Owner's secret integration")
    client = client_for(other)
    assert "Owner&#x27;s secret integration" not in client.get(TOKENS).content.decode()
    assert "secret integration" not in client.get(TOKENS).content.decode()
    assert client.post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    assert client.post(f"{TOKENS}999999/revoke/").status_code == 404
    assert api_status(secret) == 200


@pytest.mark.parametrize(
    "data, field",
    [({"name": "", "expires": "30"}, "name"), ({"name": "x", "expires": "1000"}, "expires"), ({"name": "x" * 101, "expires": "7"}, "name")],
)  # fmt: skip
def test_bad_token_forms_are_refused(person, client_for, data, field):
    response = client_for(person).post(TOKENS, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_and_unknown_tokens_get_401(person):
    expired, expired_secret = ApiToken.objects.issue(
        person, "Old", expires_at=timezone.now() + timedelta(days=1)
    )
    _, revoked_secret = ApiToken.objects.issue(person, "Gone")
    ApiToken.objects.filter(name="Gone").revoke()
    assert api_status(expired_secret) == 200
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_status(expired_secret) == 401
    assert api_status(revoked_secret) == 401
    assert api_status("not-a-token") == 401
    # A stored hash is not a key.
    assert api_status(expired.key_hash) == 401


def test_inactive_person_token_gets_401(person):
    _, secret = ApiToken.objects.issue(person, "Mine")
    person.is_active = False
    person.save()
    assert api_status(secret) == 401


def test_a_password_change_revokes_every_token(person, other):
    _, one = ApiToken.objects.issue(person, "One")
    _, two = ApiToken.objects.issue(person, "Two")
    _, others = ApiToken.objects.issue(other, "Other's")
    person.set_password("a-new-long-password")
    person.save()
    assert api_status(one) == api_status(two) == 401
    assert api_status(others) == 200
    # Saving without a password change revokes nothing.
    _, three = ApiToken.objects.issue(person, "Three")
    person.first_name = "Renamed"
    person.save()
    assert api_status(three) == 200


def test_a_password_changed_in_the_admin_revokes_tokens(person, client_for, world):
    _, secret = ApiToken.objects.issue(person, "One")
    admin = client_for(world.admin)
    response = admin.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {
            "password1": "another-long-password-1",
            "password2": "another-long-password-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert api_status(secret) == 401


def test_a_password_hash_upgrade_at_sign_in_revokes_nothing(person, settings):
    from django.contrib.auth.hashers import make_password

    _, secret = ApiToken.objects.issue(person, "One")
    # The password is stored under an older hasher: checking it rehashes it, which is not a change.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    type(person).objects.filter(pk=person.pk).update(password=make_password("pw-12345-long", hasher="md5"))
    person.refresh_from_db()
    assert person.check_password("pw-12345-long")
    person.refresh_from_db()
    assert person.password.startswith("pbkdf2_sha256$")
    assert api_status(secret) == 200


def test_admin_lists_tokens_without_secrets(person, client_for, world):
    token, secret = ApiToken.objects.issue(person, "Listed")
    admin = client_for(world.admin)
    listing = admin.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200 and "Listed" in listing.content.decode()
    detail = admin.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    for page in (listing.content.decode(), detail):
        assert secret not in page and token.key_hash not in page
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403
    assert "/admin/authtoken/" not in admin.get("/admin/").content.decode()


def test_two_factor_people_get_only_short_lived_tokens(world, client_for):
    admin_person = world.users["partnership_admin"]
    client = client_for(admin_person)
    refused = client.post(TOKENS, {"name": "Forever", "expires": "never"})
    assert refused.status_code == 400
    assert "cannot have a long-lived token" in refused.content.decode()
    assert client.post(TOKENS, {"name": "Month", "expires": "30"}).status_code == 400
    assert not ApiToken.objects.filter(user=admin_person).exists()
    response = client.post(TOKENS, {"name": "Today", "expires": "short"})
    assert response.status_code == 200
    assert api_status(response.context["secret"]) == 200
    # A long-lived token (from before the rule, or made behind its back) does not work.
    _, long_lived = ApiToken.objects.issue(admin_person, "Old")
    assert api_status(long_lived) == 401


def test_token_command_positional_email_prints_the_secret_last(person):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "owner@example.org", "--name", "CI", stdout=out, stderr=err)
    secret = out.getvalue().strip().splitlines()[-1]
    assert api_status(secret) == 200
    assert ApiToken.objects.get().name == "CI"
    listed = io.StringIO()
    call_command("token", "list", "--user", "owner@example.org", stdout=listed)
    assert "CI" in listed.getvalue() and secret not in listed.getvalue()
    call_command("token", "revoke", "owner@example.org", "--name", "CI", stdout=io.StringIO())
    assert api_status(secret) == 401


def test_token_command_for_a_two_factor_account_is_short_lived(world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token", "create", "--user", world.admin.email, "--expires-days", "0", stdout=out, stderr=err
    )
    token = ApiToken.objects.get(user=world.admin)
    assert token.expires_at - token.created <= timedelta(hours=8, minutes=1)
    assert "two-factor" in err.getvalue()
    assert api_status(out.getvalue().strip().splitlines()[-1]) == 200


def test_token_command_refuses_bad_arguments(person):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="email"):
        call_command("token", "create", stdout=io.StringIO())
    with pytest.raises(CommandError, match="one email"):
        call_command("token", "a@example.org", "b@example.org", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--expires-days"):
        call_command("token", "owner@example.org", "--expires-days", "-1", stdout=io.StringIO())


class Editor:
    """The little of a schema editor the data migration uses (SQLite's own cannot run in a test's transaction)."""

    connection = connection

    def quote_name(self, name: str) -> str:
        return connection.ops.quote_name(name)

    def execute(self, sql: str, params: list | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])


def test_migration_moves_plain_text_keys_into_hashes_and_drops_the_table(person):
    from importlib import import_module

    from django.apps import apps

    move_keys = import_module("jointly.accounts.migrations.0004_move_authtoken_keys").move_keys
    key = "0123456789abcdef0123456789abcdef01234567"
    editor = Editor()
    editor.execute(
        "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp)"
    )
    editor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, person.pk, "2025-01-02 03:04:05"])
    move_keys(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=person)
    assert token.key_hash == hash_token_secret(key) and token.prefix == key[:8] and token.expires_at is None
    assert token.created.year == 2025
    assert api_status(key) == 200
    # A database without the old table has nothing to move.
    move_keys(apps, editor)
    assert ApiToken.objects.count() == 1
