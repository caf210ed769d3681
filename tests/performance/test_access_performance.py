"""Every performance page and API route, allowed or denied for every actor (provider scoping!)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern
from rest_framework.test import APIClient

from jointly.api_urls import router
from jointly.performance import actions
from jointly.performance import urls as perf_urls
from jointly.performance.models import KpiReturn, PerformanceNotice, TurnTheCurve
from tests.factories import api_token
from tests.performance.conftest import Perf

ROLES = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
ACTORS = [*ROLES, "outsider", "anonymous", "admin"]
READ = set(ROLES)
REVIEW = {"commissioner", "partnership_admin"}
SUBMIT = {"provider"}
NOBODY_BUT_ADMIN: set[str] = set()


def user_for(perf: Perf, actor: str):
    if actor == "anonymous":
        return None
    if actor == "outsider":
        return perf.w.outsider
    if actor == "admin":
        return perf.w.admin
    return perf.w.users[actor]


def expected(allowed: set[str], ok: int = 200, hidden_from_provider: bool = False) -> dict[str, int]:
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = 302
        elif actor == "outsider":
            result[actor] = 404
        elif actor == "provider" and hidden_from_provider:
            result[actor] = 404
        elif actor == "admin" or actor in allowed:
            result[actor] = ok
        else:
            result[actor] = 403
    return result


@dataclass
class Page:
    name: str
    url: Callable[[Perf], str]
    allowed: set[str]
    other_provider: bool = False  # about another provider's contract: providers get 404


def notice(perf: Perf, other: bool = False) -> PerformanceNotice:
    c = perf.other_contract if other else perf.contract
    k = perf.other_kpi if other else perf.kpi
    n = PerformanceNotice.objects.filter(contract=c).first()
    return n or actions.raise_notice(c, [k], reason="Below target", plan_summary="Recover", by=None)


def ret(perf: Perf, other: bool = False) -> KpiReturn:
    return KpiReturn.objects.filter(kpi=perf.other_kpi if other else perf.kpi).first()


def action_id(perf: Perf) -> int:
    n = notice(perf)
    return n.plan.actions.get_or_create(description="Train staff", owner="Lead", due_date="2030-01-01")[0].pk


def indicator_area(perf: Perf) -> str:
    """``<indicator id>/<area GSS code>`` of a population indicator in one of alpha's areas."""
    from jointly.needs.models import Indicator
    from jointly.partnerships.models import Area

    ind, _ = Indicator.objects.get_or_create(
        code="ttc", defaults={"name": "Smoking", "value_type": "proportion", "multiplier": 100, "unit": "%"}
    )
    area, _ = Area.objects.get_or_create(
        gss_code="E06099999", defaults={"name": "Ttc", "area_type": "unitary"}
    )
    perf.w.p.areas.add(area)
    return f"{ind.pk}/{area.gss_code}"


C = "/p/alpha/performance"
PAGES = [
    Page("index", lambda p: f"{C}/", READ),
    Page("summary", lambda p: f"{C}/summary/", READ),
    Page("exceptions", lambda p: f"{C}/exceptions/", READ),
    Page("late", lambda p: f"{C}/late/", READ),
    Page("pack", lambda p: f"{C}/pack/", READ),
    Page("kpi_new", lambda p: f"{C}/kpis/new/", REVIEW),
    Page("kpi", lambda p: f"{C}/kpis/SG-L3/", READ),
    Page("kpi_edit", lambda p: f"{C}/kpis/SG-L3/edit/", REVIEW),
    Page("curve", lambda p: f"{C}/kpis/SG-L3/curve/", READ),
    Page("curve_edit", lambda p: f"{C}/kpis/SG-L3/curve/edit/", REVIEW),
    Page("indicator_curve", lambda p: f"{C}/turn-the-curve/indicator/{indicator_area(p)}/", READ),
    Page(
        "indicator_curve_edit",
        lambda p: f"{C}/turn-the-curve/indicator/{indicator_area(p)}/edit/",
        REVIEW | {"analyst"},
    ),
    Page("contract", lambda p: f"{C}/contracts/{p.contract.pk}/", READ),
    Page("contract_summary", lambda p: f"{C}/contracts/{p.contract.pk}/summary/", READ),
    Page("contract_scorecard", lambda p: f"{C}/contracts/{p.contract.pk}/scorecard/", READ),
    # commissioners key in returns on a small provider's behalf (issue 10.17)
    Page("return_form", lambda p: f"{C}/contracts/{p.contract.pk}/return/", SUBMIT | REVIEW),
    Page("upload", lambda p: f"{C}/contracts/{p.contract.pk}/upload/", SUBMIT | REVIEW),
    Page("template", lambda p: f"{C}/contracts/{p.contract.pk}/template/", READ),
    Page("notice_new", lambda p: f"{C}/contracts/{p.contract.pk}/notices/new/", REVIEW),
    Page("return", lambda p: f"{C}/returns/{ret(p).pk}/", READ),
    Page("notice", lambda p: f"{C}/notices/{notice(p).pk}/", READ),
    # the provider drafts its remedial action plan; commissioners may too (issue 10.16)
    Page("plan_edit", lambda p: f"{C}/notices/{notice(p).pk}/plan/", REVIEW | SUBMIT),
    Page("action_new", lambda p: f"{C}/notices/{notice(p).pk}/actions/new/", REVIEW | SUBMIT),
    Page("action_edit", lambda p: f"{C}/notices/{notice(p).pk}/actions/{action_id(p)}/", REVIEW | SUBMIT),
    # Another provider's contract: the provider gets 404 as if it did not exist.
    Page("kpi", lambda p: f"{C}/kpis/AMB-8/", READ, True),
    Page("curve", lambda p: f"{C}/kpis/AMB-8/curve/", READ, True),
    Page("contract", lambda p: f"{C}/contracts/{p.other_contract.pk}/", READ, True),
    Page("contract_summary", lambda p: f"{C}/contracts/{p.other_contract.pk}/summary/", READ, True),
    Page("contract_scorecard", lambda p: f"{C}/contracts/{p.other_contract.pk}/scorecard/", READ, True),
    Page("template", lambda p: f"{C}/contracts/{p.other_contract.pk}/template/", READ, True),
    Page("return", lambda p: f"{C}/returns/{ret(p, True).pk}/", READ, True),
    Page("notice", lambda p: f"{C}/notices/{notice(p, True).pk}/", READ, True),
    Page("plan_edit", lambda p: f"{C}/notices/{notice(p, True).pk}/plan/", REVIEW | SUBMIT, True),
]


def statuses(client, perf: Perf, url: str) -> dict[str, int]:
    got = {}
    for actor in ACTORS:
        client.logout()
        user = user_for(perf, actor)
        if user is not None:
            client.force_login(user)
        got[actor] = client.get(url).status_code
    return got


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.name}{'-other' if p.other_provider else ''}")
def test_page_gives_expected_status_for_every_actor(client, perf, page):
    url = page.url(perf)
    want = expected(page.allowed, hidden_from_provider=page.other_provider)
    if page.other_provider and page.allowed == SUBMIT:
        want["provider"] = 404
    assert statuses(client, perf, url) == want, url


def test_submission_pages_of_another_providers_contract_are_not_found_for_the_provider(client, perf):
    client.force_login(perf.w.users["provider"])
    for suffix in ("return/", "upload/"):
        assert client.get(f"{C}/contracts/{perf.other_contract.pk}/{suffix}").status_code == 404


def test_beta_records_are_not_found_from_alpha(client, perf):
    client.force_login(perf.w.users["commissioner"])
    assert client.get(f"{C}/kpis/BET-1/").status_code == 404
    assert client.get(f"{C}/contracts/{perf.beta_contract.pk}/").status_code == 404


def test_provider_lists_show_only_its_own_contracts_kpis(client, perf):
    client.force_login(perf.w.users["provider"])
    for url in (f"{C}/", f"{C}/summary/", f"{C}/exceptions/", f"{C}/pack/", f"{C}/late/"):
        html = client.get(url).content.decode()
        assert "AMB-8" not in html, url
    assert "SG-L3" in client.get(f"{C}/").content.decode()


def test_every_route_of_the_app_is_in_the_table():
    names = {p.name for p in perf_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names - {p.name for p in PAGES} == {"service_scorecard"}  # tested in test_pages


def test_write_posts_are_refused_to_readers(client, perf):
    n = notice(perf)
    client.force_login(perf.w.users["viewer"])
    assert client.post(f"{C}/notices/{n.pk}/", {"action": "agree"}).status_code == 403
    assert client.post(f"{C}/kpis/new/", {}).status_code == 403
    assert (
        client.post(
            f"{C}/returns/{ret(perf).pk}/", {"action": "review", "decision": "accept", "text": "x"}
        ).status_code
        == 403
    )
    assert not TurnTheCurve.objects.exists()


API_LISTS = ["kpis", "kpi-returns", "return-comments", "performance-notices"]


@pytest.mark.parametrize("prefix", API_LISTS)
def test_api_lists_are_scoped_for_every_actor(perf, prefix):
    n = notice(perf)
    notice(perf, other=True)
    actions.review(ret(perf), accept=True, text="ok", by=perf.w.users["commissioner"])
    actions.review(ret(perf, True), accept=True, text="ok", by=perf.w.users["commissioner"])
    assert n.pk
    for actor in ACTORS:
        client = APIClient()
        user = user_for(perf, actor)
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
        response = client.get(f"/api/v1/{prefix}/?limit=1000")
        if actor == "anonymous":
            assert response.status_code == 401
            continue
        assert response.status_code == 200
        count = response.json()["count"]
        if actor == "outsider":
            assert count == (1 if prefix == "kpis" else 0), (actor, prefix)  # beta's KPI only
        elif actor == "admin":
            continue
        elif actor == "provider":
            full = client.get(f"/api/v1/{prefix}/?limit=1000").json()["results"]
            text = str(full)
            assert "AMB-8" not in text and "BET-1" not in text, prefix
            assert count >= 1, prefix
        else:
            assert count >= 2, (actor, prefix)


def test_api_routes_are_read_only_except_submission_and_comments(perf):
    ours = {
        prefix for prefix, viewset, _ in router.registry if viewset.__module__ == "jointly.performance.api"
    }
    assert ours == set(API_LISTS)
    client = APIClient()
    client.force_authenticate(perf.w.users["commissioner"])
    assert client.post("/api/v1/kpis/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/kpi-returns/{ret(perf).pk}/").status_code == 405
    assert client.post("/api/v1/performance-notices/", {}, format="json").status_code == 405
