"""Generated from the router: every API route, as every role, with foreign and unknown records.

A record outside the caller's scope (another partnership's, or for a provider another provider's)
must be indistinguishable from one that does not exist, on every route: detail routes and their
actions, every filter on a related record, every writable related field on create and update,
and the ``partnership`` a list-level action names. No answer may contain a marker of a
partnership or provider outside the caller's scope. See ``tests/walker.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model
from django_filters import filters as dj_filters
from rest_framework.parsers import JSONParser

from jointly.core import scoping
from jointly.core.filters import ScopedFilterBackend
from jointly.needs.models import ComparatorGroup
from tests import walker
from tests.walker import ROLES, ApiRoute, Seeded

ROUTES = walker.api_routes()
WRITES = {"post", "put", "patch", "delete"}
QUERY_PARAMETERS: dict[str, type[Model]] = {"group": ComparatorGroup}
"""Query parameters of list-level routes that name a record by id, besides ``partnership``."""


@pytest.fixture
def seeded(world) -> Seeded:
    return walker.seed(world)


def _call(client: Any, method: str, url: str, data: Any = None, fmt: str = "json", **extra: Any) -> Any:
    with transaction.atomic():
        response = getattr(client, method)(url, data, format=fmt, **extra)
        transaction.set_rollback(True)
    return response


def _viewset(route: ApiRoute, action: str) -> Any:
    return route.viewset(action=action, request=None, format_kwarg=None, kwargs={}, **dict(route.initkwargs))


def _serializer(route: ApiRoute, action: str) -> Any:
    view = _viewset(route, action)
    try:
        cls = view.get_serializer_class()
    except AssertionError:
        return None
    return cls(context={"request": None, "view": view})


def _model_filters(route: ApiRoute) -> dict[str, type[Model]]:
    """``{parameter: related model}`` for the route's filters on related records."""
    model = route.model
    if model is None or not getattr(route.viewset, "filterset_fields", None):
        return {}
    filterset = ScopedFilterBackend().get_filterset_class(route.viewset(), model._default_manager.all())
    return {
        name: f.queryset.model
        for name, f in filterset.base_filters.items()
        if isinstance(f, dj_filters.QuerySetRequestMixin) and f.queryset is not None
    }


def _foreign(seeded: Seeded, role: str, model: type[Model]) -> list[Model]:
    return [seeded.records[o][model] for o in seeded.foreign_owners(role) if model in seeded.records[o]]


def _home_record(seeded: Seeded, role: str, model: type[Model] | None) -> Model | None:
    return None if model is None else seeded.records[seeded.home(role)].get(model)


def _admin_view(seeded: Seeded, route: ApiRoute, obj: Model) -> dict[str, Any]:
    response = walker.client_for(seeded.world.admin).get(route.path(walker.record_key(route, obj)))
    assert response.status_code == 200, (route.id, response.content[:300])
    return response.json()


def _cases(seeded: Seeded, route: ApiRoute, role: str, method: str, action: str) -> Iterator[tuple]:
    """``(what, method, (url, body, value) for a foreign record, the same for an unknown one, fmt)``."""
    model = route.model
    reference = model is None or scoping.policy_for(model).reference
    if route.detail:
        if reference:
            return
        unknown = walker.unknown_value(
            type("F", (), {"slug_field": None if route.lookup_field == "pk" else route.lookup_field})(), model
        )
        for obj in _foreign(seeded, role, model):
            key = walker.record_key(route, obj)
            yield (
                "the record itself",
                method,
                (route.path(key), {}, key),
                (route.path(unknown), {}, unknown),
                "json",
            )
        home = _home_record(seeded, role, model)
        if method in ("patch", "put") and home is not None:
            serializer = _serializer(route, action)
            base = walker.writable_body(_admin_view(seeded, route, home), serializer)
            url = route.path(walker.record_key(route, home))
            for name, f, many in walker.related_fields(serializer):
                yield from _field_cases(seeded, role, method, url, base, name, f, many)
        return
    home_slug = seeded.records[seeded.home(role)][walker.Partnership].slug
    if method == "get":
        for name, related in _model_filters(route).items():
            if scoping.policy_for(related).reference:
                continue
            unknown = walker.unknown_value(object(), related)
            for obj in _foreign(seeded, role, related):
                yield (
                    f"filter {name}", "get",
                    (f"{route.path()}?{name}={obj.pk}", None, obj.pk),
                    (f"{route.path()}?{name}={unknown}", None, unknown), "json",
                )  # fmt: skip
        for name, related in QUERY_PARAMETERS.items() if model is None else ():
            unknown = walker.unknown_value(object(), related)
            for obj in _foreign(seeded, role, related):
                yield (
                    f"parameter {name}", "get",
                    (f"{route.path()}?partnership={home_slug}&{name}={obj.pk}", None, obj.pk),
                    (f"{route.path()}?partnership={home_slug}&{name}={unknown}", None, unknown), "json",
                )  # fmt: skip
    fmt = "json" if JSONParser in getattr(route.viewset, "parser_classes", [JSONParser]) else "multipart"
    for obj in _foreign(seeded, role, walker.Partnership):
        unknown = "zz-no-such-record"
        if method == "get":
            yield (
                "parameter partnership", "get",
                (f"{route.path()}?partnership={obj.slug}", None, obj.slug),
                (f"{route.path()}?partnership={unknown}", None, unknown), "json",
            )  # fmt: skip
        else:
            yield (
                "partnership named in the request", method,
                (f"{route.path()}?partnership={obj.slug}", {"partnership": obj.slug}, obj.slug),
                (f"{route.path()}?partnership={unknown}", {"partnership": unknown}, unknown), fmt,
            )  # fmt: skip
    if action == "create" and model is not None and not reference:
        serializer = _serializer(route, action)
        home = _home_record(seeded, role, model)
        if serializer is None or home is None or not hasattr(serializer, "fields"):
            return
        base = walker.writable_body(_admin_view(seeded, route, home), serializer)
        for name, f, many in walker.related_fields(serializer):
            yield from _field_cases(seeded, role, method, route.path(), base, name, f, many)


def _field_cases(
    seeded: Seeded, role: str, method: str, url: str, base: dict, name: str, f: Any, many: bool
) -> Iterator[tuple]:
    related = f.queryset.model
    if scoping.policy_for(related).reference:
        return
    unknown = walker.unknown_value(f, related)
    for obj in _foreign(seeded, role, related):
        value = walker.value_of(f, obj)
        foreign_body = {**base, name: [value] if many else value}
        unknown_body = {**base, name: [unknown] if many else unknown}
        yield f"field {name}", method, (url, foreign_body, value), (url, unknown_body, unknown), "json"


def test_every_route_has_records_to_walk_and_a_scope_policy(seeded):
    for route in ROUTES:
        model = route.model
        if model is None:
            continue  # a computed view (service map, area profile): walked through its parameters
        policy = scoping.policy_for(model)  # raises for a model nobody declared
        if policy.reference:
            continue
        for owner in ("alpha", "beta"):
            assert model in seeded.records[owner], f"walker.seed makes no {model.__name__} in {owner}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.id}")
def test_every_writable_related_field_draws_from_the_callers_scope(route):
    for method, action in route.methods().items():
        if method not in ("post", "put", "patch"):
            continue
        serializer = _serializer(route, action)
        if serializer is None or not hasattr(serializer, "fields"):
            continue
        for name, f, _many in walker.related_fields(serializer):
            assert walker.is_scoped(f), f"{route.id} {action}: field {name} is not a scoped related field"
            scoping.policy_for(f.queryset.model)


def test_every_detail_route_has_a_foreign_record_to_compare(seeded):
    """The comparison below is only as good as its cases: every detail route of a scoped model has at
    least one foreign record to compare with an unknown id, for some role and method."""
    missing = []
    for route in ROUTES:
        model = route.model
        if not route.detail or model is None or scoping.policy_for(model).reference:
            continue
        cases = (
            case
            for role in ROLES
            for method, action in route.methods().items()
            if method not in ("options", "head")
            for case in _cases(seeded, route, role, method, action)
        )
        if next(cases, None) is None:
            missing.append(f"{route.id}: nothing to compare (no foreign record seeded)")
    assert not missing, "\n".join(missing)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)  # one test per role, so the suite's workers share them
def test_foreign_and_unknown_records_get_the_same_answer(seeded, role):
    """Every route as one role (seeding once): the failure lists every route that differs."""
    failures: list[str] = []
    client = walker.client_for(seeded.user(role))
    for route in ROUTES:
        for method, action in route.methods().items():
            if method in ("options", "head"):
                continue
            for what, verb, (url_f, body_f, v_f), (url_u, body_u, v_u), fmt in _cases(
                seeded, route, role, method, action
            ):
                got_f = _call(client, verb, url_f, body_f, fmt)
                got_u = _call(client, verb, url_u, body_u, fmt)
                where = f"{role} {verb.upper()} {route.id} {what}"
                if got_f.status_code >= 500 or got_u.status_code >= 500:
                    failures.append(f"{where}: server error")
                elif walker.answer(got_f, v_f) != walker.answer(got_u, v_u):
                    failures.append(
                        f"{where}: foreign {got_f.status_code} {got_f.content[:300]!r} but unknown "
                        f"{got_u.status_code} {got_u.content[:300]!r}"
                    )
                failures += [
                    f"{where}: shows {m}"
                    for m in seeded.forbidden_markers(role)
                    if m in got_f.content.decode()
                ]
    assert not failures, "\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_no_answer_contains_records_outside_the_callers_scope(seeded, role):
    """Every GET route as one role (JSON and HTML): no marker of a record outside the caller's scope."""
    failures: list[str] = []
    client = walker.client_for(seeded.user(role))
    home = seeded.home(role)
    slug = seeded.records[home][walker.Partnership].slug
    for route in ROUTES:
        if "get" not in route.methods():
            continue
        if route.detail:
            if route.model is None:
                continue
            owners = (home, "rival")
            objs = [o for w in owners if (o := seeded.records[w].get(route.model)) is not None]
            urls = [route.path(walker.record_key(route, o)) for o in objs]
        else:
            urls = [f"{route.path()}?partnership={slug}", route.path()]
        for url in urls:
            for accept in ("application/json", "text/html"):
                response = client.get(url, HTTP_ACCEPT=accept)
                if response.status_code >= 500:
                    failures.append(f"{role} GET {url} ({accept}): server error")
                body = response.content.decode("utf-8", "replace")
                failures += [
                    f"{role} GET {url} ({accept}) shows {m}"
                    for m in seeded.forbidden_markers(role)
                    if m in body
                ]
    assert not failures, "\n".join(failures)
