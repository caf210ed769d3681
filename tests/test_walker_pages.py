"""Every page of the URLconf, walked as every role: nothing of another partnership (or, for a
provider, of another provider) shows, and a related id outside the caller's scope is answered
exactly like an id that does not exist (issue 15 items 1 and 2).

The routes come from the URLconf (tests/walker_pages.py), so a new page is walked without being
listed here; a page whose path parameter the walker cannot fill fails
``test_every_page_route_is_filled``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django import forms
from django.db import transaction
from django.test.utils import ContextList

from jointly.needs.models import Indicator
from jointly.partnerships.models import Area, CommissioningFunction
from tests.walker_pages import UNKNOWN_ID, WALK_ROLES, Seeded, fill, page_routes, seed

# Reference data shared by every partnership (not anyone's records): any id of these may be named.
REFERENCE_MODELS = {Area, Indicator, CommissioningFunction}
FORM_ROLES = ["partnership_admin", "analyst", "provider", "viewer"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def seeded(world) -> Seeded:
    return seed(world)


def _user(s: Seeded, actor: str) -> Any:
    if actor == "anonymous":
        return None
    if actor == "outsider":
        return s.w.outsider
    return s.w.users[actor]


def _sign_in(client: Any, s: Seeded, actor: str) -> Any:
    client.logout()
    user = _user(s, actor)
    if user is not None:
        client.force_login(user)
    return client


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def test_every_page_route_is_filled(seeded):
    routes = page_routes()
    names = {r.name for r in routes}
    # the walk reaches every app's pages, and leaves the API and admin to their own walkers
    for ns in ("partnerships", "outcomes", "intentions", "services", "contracts", "performance", "needs"):
        assert any(n.startswith(f"{ns}:") for n in names), ns
    assert not any(r.template.startswith(("api/", "admin/")) for r in routes)
    for route in routes:
        assert "<" not in fill(route, seeded), route


def test_a_new_parameter_fails_the_walk(seeded):
    from tests.walker_pages import Route

    route = Route(
        "contracts:widget",
        "p/<slug>/contracts/widgets/<widget_id>/",
        "p/<slug>/contracts/",
        ("slug", "widget_id"),
    )
    with pytest.raises(AssertionError, match="contracts:widgets/<widget_id>"):
        fill(route, seeded)


@pytest.mark.slow
@pytest.mark.parametrize("actor", WALK_ROLES)
def test_no_page_shows_another_partnerships_or_providers_records(client, seeded, actor):
    _sign_in(client, seeded, actor)
    leaks, ok = [], 0
    for route in page_routes():
        url = fill(route, seeded)
        urls = [url]
        response = client.get(url)
        body = _body(response)
        ok += response.status_code == 200
        if "format=csv" in body:
            urls.append(url + ("&" if "?" in url else "?") + "format=csv")
            extra = client.get(urls[-1])
            body += _body(extra)
        for marker in seeded.markers(actor):
            if marker in body:
                at = body.index(marker)
                leaks.append(f"{route.name} {urls}: {marker} in …{body[max(0, at - 120) : at + 40]!r}")
    assert leaks == []
    if actor in ("viewer", "commissioner", "partnership_admin", "provider"):
        assert ok > 20, "the walk reached too few pages: check the fixture"


def _form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What the unbound form would post back as it stands (its initial values)."""
    data: dict[str, Any] = {}
    for bf in form:
        value = bf.value()
        if value is None or value is False or value == "":
            continue
        if value is True:
            data[bf.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bf.html_name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, dt.date):
            data[bf.html_name] = value.isoformat()
        else:
            data[bf.html_name] = str(getattr(value, "pk", value))
    return data


def _forms(response: Any) -> list[forms.BaseForm]:
    found: dict[int, forms.BaseForm] = {}
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for ctx in contexts:
        for value in ctx.flatten().values():
            if isinstance(value, forms.BaseForm):
                found[id(value)] = value
    return list(found.values())


def _method(client: Any, url: str, form: forms.BaseForm, html_name: str, unknown: str) -> str:
    """ "get" for a filter form (bound from the query string), else "post"."""
    response = client.get(url, {html_name: unknown})
    bound = [f for f in _forms(response) if type(f) is type(form) and f.is_bound] if response.context else []
    return "get" if bound else "post"


def _answer(client: Any, method: str, url: str, data: dict[str, Any]) -> tuple[int, str]:
    with transaction.atomic():
        if method == "get":
            response = client.get(url, data)
        else:
            response = client.post(url, data)
        transaction.set_rollback(True)
    return response.status_code, CSRF.sub("", _body(response)) + response.headers.get("Location", "")


@pytest.mark.slow
@pytest.mark.parametrize("actor", FORM_ROLES)
def test_form_choices_answer_a_foreign_id_like_an_unknown_one(client, seeded, actor):
    _sign_in(client, seeded, actor)
    differences, missing, fields_tried = [], [], 0
    for route in page_routes():
        url = fill(route, seeded)
        response = client.get(url)
        if response.status_code != 200 or response.context is None:
            continue
        for form in _forms(response):
            base = _form_data(form)
            for name, field in form.fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                model = field.queryset.model
                if model in REFERENCE_MODELS:
                    continue
                foreign = seeded.foreign(model, actor)
                if not foreign:
                    missing.append(f"{route.name}.{name}: seed a foreign {model.__name__}")
                    continue
                to_field = field.to_field_name or "pk"
                html_name = form.add_prefix(name)
                many = isinstance(field, forms.ModelMultipleChoiceField)
                unknown = "E99999999" if to_field != "pk" else str(UNKNOWN_ID)
                method = _method(client, url, form, html_name, unknown)
                for record in foreign[:1] + ([r for r in foreign if r not in foreign[:1]][-1:]):
                    value = str(getattr(record, to_field))
                    fields_tried += 1
                    a = _answer(client, method, url, {**base, html_name: [value] if many else value})
                    b = _answer(client, method, url, {**base, html_name: [unknown] if many else unknown})
                    b = (b[0], b[1].replace(unknown, value))
                    if a != b:
                        differences.append(_describe(route.name, method, name, record, a, b))
    assert missing == []
    assert differences == []
    assert fields_tried > 0


def _describe(route: str, method: str, name: str, record: Any, a: tuple[int, str], b: tuple[int, str]) -> str:
    if a[0] != b[0]:
        return (
            f"{route} {method} {name}={record!r}: status {a[0]} for the foreign id, {b[0]} for an unknown one"
        )
    at = next(i for i, (x, y) in enumerate(zip(a[1], b[1], strict=False)) if x != y) if a[1] != b[1] else 0
    return f"{route} {method} {name}={record!r}: pages differ at …{a[1][max(0, at - 80) : at + 80]!r}"
