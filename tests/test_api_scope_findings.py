"""Issue 15's findings on the API, one by one: a foreign record reads exactly like an unknown one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jointly.contracts.models import Contract
from tests import walker
from tests.walker import Seeded


@pytest.fixture
def seeded(world) -> Seeded:
    return walker.seed(world)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _unknown_contract() -> int:
    return Contract.objects.order_by("-pk").first().pk + 1000


def _pair(client, method, url, foreign, unknown, body_of):
    got_f = getattr(client, method)(url, body_of(foreign), format="json")
    got_u = getattr(client, method)(url, body_of(unknown), format="json")
    assert walker.answer(got_f, foreign) == walker.answer(got_u, unknown), (got_f.content, got_u.content)
    return got_f


def test_a_variation_on_another_partnerships_contract_does_not_reveal_its_start_date(seeded):
    beta = seeded.records["beta"][Contract]
    client = _client(seeded.world.users["commissioner"])
    for end in ("2013-03-31", "2031-04-01"):  # before and after the foreign contract's start
        got = _pair(
            client, "post", "/api/v1/variations/", beta.pk, _unknown_contract(),
            lambda c, end=end: {"contract": c, "kind": "term", "description": "x", "new_end_date": end,
                                "effective_date": "2022-01-01"},
        )  # fmt: skip
        assert got.status_code == 400
        assert "does not exist" in got.json()["contract"][0]


def test_subcontractors_and_funding_shares_say_nothing_of_a_foreign_contract(seeded):
    beta = seeded.records["beta"][Contract]
    client = _client(seeded.world.users["commissioner"])
    got = _pair(
        client, "post", "/api/v1/subcontractors/", beta.pk, _unknown_contract(),
        lambda c: {"contract": c, "organisation": "beta-trust", "role": "x"},
    )  # fmt: skip
    assert got.status_code == 400 and list(got.json()) == ["contract"]
    got = _pair(
        client, "post", "/api/v1/funding-shares/", beta.pk, _unknown_contract(),
        lambda c: {"contract": c, "commissioner": "beta-council", "financial_year": "2014/15",
                   "funding_stream": "core", "amount": "1"},
    )  # fmt: skip
    assert got.status_code == 400 and list(got.json()) == ["contract"]


def test_a_list_filter_answers_a_foreign_id_like_an_unknown_one(seeded):
    beta = seeded.records["beta"][Contract]
    client = _client(seeded.world.users["viewer"])
    got_f = client.get(f"/api/v1/variations/?contract={beta.pk}")
    got_u = client.get(f"/api/v1/variations/?contract={_unknown_contract()}")
    assert got_f.status_code == got_u.status_code == 400
    assert got_f.json() == got_u.json()


def test_a_provider_cannot_reference_another_providers_contract(seeded):
    rival = seeded.records["rival"][Contract]
    client = _client(seeded.world.users["provider"])
    got_f = client.get(f"/api/v1/kpis/?contract={rival.pk}")
    got_u = client.get(f"/api/v1/kpis/?contract={_unknown_contract()}")
    assert got_f.status_code == got_u.status_code == 400
    assert got_f.json() == got_u.json()


def test_a_provider_learns_nothing_of_progress_on_intentions_it_cannot_read(seeded):
    intention = seeded.world.intention  # has progress for 2013/14 Q2
    client = _client(seeded.world.users["provider"])
    got = client.post(
        "/api/v1/progress/",
        {"intention": intention.pk, "period": "2013/14 Q2", "rag": "red", "narrative": "x", "author": "x"},
        format="json",
    )
    assert got.status_code == 400
    assert list(got.json()) == ["intention"] and "does not exist" in got.json()["intention"][0]


def test_a_member_who_may_not_write_is_refused_before_any_uniqueness_check(seeded):
    client = _client(seeded.world.users["viewer"])
    got = client.post(
        "/api/v1/boards/", {"partnership": "alpha", "slug": "icb", "name": "Clash"}, format="json"
    )  # "icb" exists in alpha: the viewer gets 403, not "another board uses this slug"
    assert got.status_code == 403


def test_a_reader_who_may_not_comment_is_refused_before_validation(seeded):
    from jointly.performance.models import KpiReturn

    ret = seeded.records["alpha"][KpiReturn]
    got = _client(seeded.world.users["viewer"]).post(
        "/api/v1/return-comments/", {"kpi_return": ret.pk, "kind": "accept", "text": " "}, format="json"
    )
    assert got.status_code == 403
