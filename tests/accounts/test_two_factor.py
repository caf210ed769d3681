"""Two-factor sign-in: required for partnership and platform admins, available to everyone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from jointly.accounts.models import ApiToken
from tests import factories

PASSWORD = "pw-12345-long"


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(email: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


def test_an_admin_without_a_device_must_set_one_up_before_anything_else(world):
    admin = world.users["partnership_admin"]
    client = password_step(admin.email)
    page = client.get("/p/alpha/")
    assert page.status_code == 302 and page["Location"] == "/account/two-factor/setup/?next=%2Fp%2Falpha%2F"
    assert client.get("/account/tokens/").status_code == 302
    assert client.get("/api/v1/partnerships/").status_code == 403
    setup = client.get(page["Location"])
    assert setup.status_code == 200
    body = setup.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main")[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(page["Location"], {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.get(user=admin).confirmed
    # django-otp slows down guessing: a failure makes the next try wait; the test does not.
    TOTPDevice.objects.filter(user=admin).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    done = client.post(page["Location"], {"code": code_for(device)})
    assert done.status_code == 302 and done["Location"] == "/p/alpha/"
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get("/p/alpha/").status_code == 200
    assert client.get("/api/v1/partnerships/").status_code == 200


def test_an_admin_with_a_device_enters_a_code_after_the_password(world):
    device = TOTPDevice.objects.create(user=world.admin, name="App", confirmed=True)
    client = password_step(world.admin.email)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/verify/")
    # Setting up another device is not a way round the code.
    assert client.get("/account/two-factor/setup/").status_code == 302
    assert not TOTPDevice.objects.filter(confirmed=False).exists()
    assert client.post("/account/two-factor/verify/?next=/admin/", {"code": "12ab56"}).status_code == 400
    ok = client.post("/account/two-factor/verify/?next=/admin/", {"code": code_for(device)})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_verify_refuses_an_off_site_next(world):
    device = TOTPDevice.objects.create(user=world.admin, name="App", confirmed=True)
    client = password_step(world.admin.email)
    ok = client.post("/account/two-factor/verify/?next=https://evil.example/", {"code": code_for(device)})
    assert ok.status_code == 302 and ok["Location"] == "/"


def test_a_used_code_cannot_be_replayed(world):
    device = TOTPDevice.objects.create(user=world.admin, name="App", confirmed=True)
    code = code_for(device)
    assert (
        password_step(world.admin.email).post("/account/two-factor/verify/", {"code": code}).status_code
        == 302
    )
    assert (
        password_step(world.admin.email).post("/account/two-factor/verify/", {"code": code}).status_code
        == 400
    )


def test_people_who_need_not_use_it_are_not_asked_but_may_opt_in_and_out(world):
    viewer = world.users["viewer"]
    client = password_step(viewer.email)
    assert client.get("/p/alpha/").status_code == 200
    assert client.get("/account/").status_code == 200
    setup = client.get("/account/two-factor/setup/")
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=viewer)
    assert client.post("/account/two-factor/setup/", {"code": code_for(device)}).status_code == 302
    # From now on the viewer is asked for a code too.
    again = password_step(viewer.email)
    assert again.get("/p/alpha/").status_code == 302
    # Turning it off needs a verified session.
    assert again.post("/account/two-factor/remove/").status_code == 302
    assert TOTPDevice.objects.filter(user=viewer).exists()
    assert client.post("/account/two-factor/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()


def test_an_admin_cannot_turn_it_off(world, client_for):
    admin = world.users["partnership_admin"]
    client = client_for(admin)
    assert client.get("/p/alpha/").status_code == 200
    assert client.post("/account/two-factor/remove/").status_code == 302
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_anonymous_people_are_sent_to_sign_in(db):
    for url in ("/account/two-factor/setup/", "/account/two-factor/verify/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    response = Client().post("/account/two-factor/remove/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_get_is_refused_on_remove(world, client_for):
    assert client_for(world.users["viewer"]).get("/account/two-factor/remove/").status_code == 405


def test_a_token_does_not_skip_the_second_factor(world):
    """An admin's long-lived token is refused; only a short one (made after the code) works."""
    admin = world.users["partnership_admin"]
    _, long_lived = ApiToken.objects.issue(admin, "Forever")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {long_lived}")
    assert api.get("/api/v1/partnerships/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(admin)}")
    assert api.get("/api/v1/partnerships/").status_code == 200


def test_demo_code_command_only_for_demo_accounts(world):
    from jointly.accounts.demo import DEMO_TOTP_KEY_HEX, load

    demo_admin = factories.user(email="admin2@jointly.test", is_superuser=True)
    from collections import Counter

    stats: Counter[str] = Counter()
    load(stats)
    assert stats["TOTPDevice created"] == 2  # admin2 and the world's admin@jointly.test
    device = TOTPDevice.objects.get(user=demo_admin)
    assert device.key == DEMO_TOTP_KEY_HEX
    out = io.StringIO()
    call_command("demo", "code", "admin2@jointly.test", stdout=out)
    assert out.getvalue().strip() == code_for(device)
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo", "code", world.users["partnership_admin"].email, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("demo", "code", stdout=io.StringIO())


def _membership_queries(client, path, **extra):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, **extra).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if '"accounts_membership"' in q["sql"].split(" WHERE ")[0]]


def test_the_rule_reads_roles_from_the_permission_query_and_a_new_role_counts_at_once(world):
    """A page (session) and an API list (token) read the memberships once, for both the two-factor
    rule and the permissions; a partnership admin role given meanwhile is asked for on the next page."""
    viewer = world.users["viewer"]
    client = password_step(viewer.email)
    client.get("/p/alpha/")
    assert len(_membership_queries(client, "/p/alpha/")) == 1
    _, secret = ApiToken.objects.issue(viewer, "t", expires_at=None)
    api = APIClient()
    api.get("/api/v1/intentions/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert len(_membership_queries(api, "/api/v1/intentions/", HTTP_AUTHORIZATION=f"Token {secret}")) == 1
    factories.membership(viewer, world.council, "partnership_admin")
    assert client.get("/p/alpha/").status_code == 302  # sent to set up two factors
