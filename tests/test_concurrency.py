"""Stale edits are refused (pages, API and save_versioned) and history records who changed what."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from rest_framework.test import APIClient

from jointly.core.models import StaleEdit, save_versioned
from jointly.intentions.models import Intention
from tests.factories import api_token

STALE = "changed by someone else"


def edit_data(intention: Intention, version: int, **kw: object) -> dict:
    return {
        "reference": intention.reference,
        "title": intention.title,
        "stage": intention.stage,
        "integrated": "on",
        "lead_commissioner": intention.lead_commissioner_id,
        "outcomes": [o.pk for o in intention.outcomes.all()],
        "themes": [t.pk for t in intention.themes.all()],
        "version": version,
        **kw,
    }


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_intention_edit_form_stale_second_save_is_refused_and_first_change_kept(world):
    url = "/p/alpha/intentions/ALP-01/edit/"
    first, second = Client(), Client()
    first.force_login(world.users["commissioner"])
    second.force_login(world.users["partnership_admin"])
    # Both open the form and so hold the same version.
    v1 = first.get(url).context["form"].initial["version"]
    v2 = second.get(url).context["form"].initial["version"]
    assert v1 == v2 == world.intention.version
    intention = Intention.objects.get(pk=world.intention.pk)
    history_before = intention.history.count()

    response = first.post(url, edit_data(intention, v1, title="First person's title"))
    assert response.status_code == 302
    response = second.post(url, edit_data(intention, v2, title="Second person's title", sro="Someone"))
    assert response.status_code == 409
    assert STALE in html.unescape(response.content.decode())

    intention.refresh_from_db()
    assert intention.title == "First person's title"
    assert intention.sro == ""
    assert intention.version == v1 + 1
    assert intention.history.count() == history_before + 1


def test_intention_edit_form_without_version_is_refused(world):
    client = Client()
    client.force_login(world.users["commissioner"])
    intention = world.intention
    data = edit_data(intention, intention.version, title="No version")
    del data["version"]
    response = client.post("/p/alpha/intentions/ALP-01/edit/", data)
    assert response.status_code == 409
    intention.refresh_from_db()
    assert intention.title != "No version"


def test_intention_edit_form_records_who_changed_it_in_history(world):
    client = Client()
    client.force_login(world.users["commissioner"])
    response = client.post(
        "/p/alpha/intentions/ALP-01/edit/",
        edit_data(world.intention, world.intention.version, title="Edited"),
    )
    assert response.status_code == 302
    intention = Intention.objects.get(pk=world.intention.pk)
    latest = intention.history.latest()
    assert latest.title == "Edited"
    assert latest.history_type == "~"
    assert latest.history_user == world.users["commissioner"]
    assert intention.modified_by == world.users["commissioner"]


def test_api_patch_with_stale_version_is_refused_and_first_change_kept(world):
    url = f"/api/v1/intentions/{world.intention.pk}/"
    first = token_client(world.users["commissioner"])
    second = token_client(world.users["partnership_admin"])
    v1 = first.get(url).json()["version"]
    v2 = second.get(url).json()["version"]
    assert v1 == v2

    response = first.patch(url, {"title": "First", "version": v1}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == v1 + 1
    response = second.patch(url, {"title": "Second", "version": v2}, format="json")
    assert response.status_code == 409
    assert STALE in response.json()["detail"]

    intention = Intention.objects.get(pk=world.intention.pk)
    assert intention.title == "First"
    assert intention.version == v1 + 1


def test_api_put_with_stale_version_is_refused(world):
    url = f"/api/v1/intentions/{world.intention.pk}/"
    client = token_client(world.users["commissioner"])
    current = client.get(url).json()
    assert (
        client.patch(url, {"aim": "Changed", "version": current["version"]}, format="json").status_code == 200
    )
    body = {k: v for k, v in {**current, "title": "Stale"}.items() if v is not None}
    response = client.put(url, body, format="json")
    assert response.status_code == 409
    assert Intention.objects.get(pk=world.intention.pk).title != "Stale"


def test_api_patch_without_version_is_refused(world):
    url = f"/api/v1/intentions/{world.intention.pk}/"
    client = token_client(world.users["commissioner"])
    response = client.patch(url, {"title": "No version"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    intention = Intention.objects.get(pk=world.intention.pk)
    assert intention.title != "No version"
    assert intention.version == world.intention.version


def test_api_edit_records_who_changed_it_in_history(world):
    url = f"/api/v1/intentions/{world.intention.pk}/"
    client = token_client(world.users["partnership_admin"])
    response = client.patch(url, {"title": "Via API", "version": world.intention.version}, format="json")
    assert response.status_code == 200
    intention = Intention.objects.get(pk=world.intention.pk)
    latest = intention.history.latest()
    assert latest.title == "Via API"
    assert latest.history_user == world.users["partnership_admin"]
    assert intention.modified_by == world.users["partnership_admin"]


def test_save_versioned_twice_with_same_expected_version_raises_stale_edit(world):
    a = Intention.objects.get(pk=world.intention.pk)
    b = Intention.objects.get(pk=world.intention.pk)
    version = a.version
    a.title = "A"
    save_versioned(a, expected_version=version, by=world.users["commissioner"])
    assert a.version == version + 1
    b.title = "B"
    with pytest.raises(StaleEdit, match=STALE):
        save_versioned(b, expected_version=version, by=world.users["partnership_admin"])
    stored = Intention.objects.get(pk=world.intention.pk)
    assert stored.title == "A"
    assert stored.version == version + 1
    assert stored.modified_by == world.users["commissioner"]


def test_save_versioned_existing_record_without_expected_version_raises_stale_edit(world):
    intention = Intention.objects.get(pk=world.intention.pk)
    intention.title = "Blind write"
    with pytest.raises(StaleEdit):
        save_versioned(intention, expected_version=None)
    assert Intention.objects.get(pk=world.intention.pk).title != "Blind write"
