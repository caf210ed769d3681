"""Issue 10.17: roles that do what they say.

The finance role keeps the money of contracts (funding shares, contract values and efficiency
requirements) on pages and in the API, and nothing else; a commissioner may key in a small
provider's returns on its behalf, recorded as such on the return, its revision and its history.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jointly.accounts.permissions import ROLE_PERMISSIONS, Perm
from jointly.contracts.models import Contract, FundingShare
from jointly.performance import actions
from jointly.performance.models import KpiReturn, ReturnStatus
from tests.factories import LONG_RUNNING, contract, kpi

pytestmark = pytest.mark.django_db

SHARE = {"commissioner": None, "financial_year": "2014/15", "funding_stream": "core", "amount": "2500.00"}


def test_finance_role_holds_the_finance_actions():
    assert {Perm.EDIT_FINANCE, Perm.EDIT_CONTRACT_MONEY} <= ROLE_PERMISSIONS["finance"]
    assert Perm.EDIT_CONTRACTS not in ROLE_PERMISSIONS["finance"]
    # Commissioners keep contracts' money; the finance app itself is finance officers' and admins'.
    assert Perm.EDIT_CONTRACT_MONEY in ROLE_PERMISSIONS["commissioner"]
    assert Perm.EDIT_FINANCE not in ROLE_PERMISSIONS["commissioner"]
    for role in ("viewer", "provider", "analyst"):
        assert not {Perm.EDIT_FINANCE, Perm.EDIT_CONTRACT_MONEY} & ROLE_PERMISSIONS[role]


def test_finance_adds_a_funding_share_and_changes_value_on_pages(world, client_for):
    c = contract(world.p, world.provider)
    web = client_for(world.users["finance"])
    page = web.get(c.get_absolute_url()).content.decode()
    assert "Add a funding share" in page and "Change value or efficiency" in page
    assert "Propose a variation" not in page  # not a commissioner
    r = web.post(
        reverse("contracts:funding_new", args=["alpha", c.pk]), {**SHARE, "commissioner": world.council.pk}
    )
    assert r.status_code == 302
    share = FundingShare.objects.get(contract=c)
    assert share.amount == Decimal("2500.00") and share.created_by == world.users["finance"]
    money = reverse("contracts:money", args=["alpha", c.pk])
    r = web.post(
        money, {"value": "120000", "efficiency_percent": "5", "efficiency_from": "", "version": c.version}
    )
    assert r.status_code == 400  # efficiency needs its date (the contract's rule)
    r = web.post(money, {"value": "120000", "efficiency_percent": "5", "efficiency_from": "2014-04-01",
                         "version": c.version})  # fmt: skip
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.value == Decimal("120000") and c.efficiency_percent == Decimal("5")
    assert c.history.first().history_user == world.users["finance"]
    # but not the rest of the contract
    assert web.get(reverse("contracts:edit", args=["alpha", c.pk])).status_code == 403
    assert web.get(reverse("contracts:variation_new", args=["alpha", c.pk])).status_code == 403


def test_viewer_and_provider_cannot_change_money(world, client_for):
    c = contract(world.p, world.provider)
    for role in ("viewer", "analyst", "provider"):
        web = client_for(world.users[role])
        r = web.post(
            reverse("contracts:funding_new", args=["alpha", c.pk]),
            {**SHARE, "commissioner": world.council.pk},
        )
        assert r.status_code == 403, role
        assert web.get(reverse("contracts:money", args=["alpha", c.pk])).status_code == 403, role
    assert client_for(world.outsider).get(reverse("contracts:money", args=["alpha", c.pk])).status_code == 404
    assert not FundingShare.objects.filter(contract=c).exists()


def test_finance_in_the_api(world, client_for):
    c = contract(world.p, world.provider)
    api = client_for(world.users["finance"])
    r = api.post("/api/v1/funding-shares/", {**SHARE, "contract": c.pk, "commissioner": world.council.slug},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    r = api.patch(f"/api/v1/contracts/{c.pk}/", {"value": "150000.00", "version": c.version},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert Contract.objects.get(pk=c.pk).value == Decimal("150000.00")
    r = api.patch(f"/api/v1/contracts/{c.pk}/", {"title": "Renamed", "version": c.version + 1},
                  content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    viewer = client_for(world.users["viewer"])
    r = viewer.patch(f"/api/v1/contracts/{c.pk}/", {"value": "1.00", "version": c.version + 1},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 403


# --- returns keyed in on the provider's behalf ----------------------------------------------------


def _form_data(k, period="2022-01"):
    return {"period": period, "frequency": "monthly", f"numerator-{k.pk}": "45", f"denominator-{k.pk}": "50"}


def test_commissioner_keys_in_a_return_on_the_providers_behalf(world, client_for):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    k = kpi(c)
    web = client_for(world.users["commissioner"])
    assert (
        "Key in returns for the provider"
        in web.get(reverse("performance:contract", args=["alpha", c.pk])).content.decode()
    )
    url = reverse("performance:return_form", args=["alpha", c.pk]) + "?period=2022-01"
    page = web.get(url)
    assert page.status_code == 200 and "on Alpha Trust's behalf" in page.content.decode()
    r = web.post(url, _form_data(k))
    assert r.status_code == 302
    ret = KpiReturn.objects.get(kpi=k)
    assert ret.on_behalf is True and ret.value == 90.0
    revision = ret.revisions.get()
    assert revision.on_behalf and revision.submitted_by == world.users["commissioner"]
    assert ret.history.first().on_behalf is True  # audited
    detail = web.get(reverse("performance:return", args=["alpha", ret.pk])).content.decode()
    assert 'id="on-behalf"' in detail and "on the provider's behalf" in detail
    # four eyes: whoever keyed it in cannot accept it; another commissioner can
    with pytest.raises(Exception, match="Four eyes"):
        actions.review(ret, accept=True, text="ok", by=world.users["commissioner"])
    actions.review(ret, accept=True, text="ok", by=world.users["partnership_admin"])
    assert KpiReturn.objects.get(pk=ret.pk).status == ReturnStatus.ACCEPTED
    # the provider's own resubmission is no longer on its behalf
    web = client_for(world.users["provider"])
    r = web.post(url, {**_form_data(k), f"numerator-{k.pk}": "46", f"reason-{k.pk}": "Corrected"})
    assert r.status_code == 302
    ret.refresh_from_db()
    assert ret.on_behalf is False and ret.revisions.get(number=2).on_behalf is False


def test_viewer_cannot_key_in_returns(world, client_for):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    kpi(c)
    for role in ("viewer", "finance", "analyst"):
        r = client_for(world.users[role]).get(reverse("performance:return_form", args=["alpha", c.pk]))
        assert r.status_code == 403, role


def test_commissioner_keys_in_by_api(world, client_for):
    c = contract(world.p, world.provider, **LONG_RUNNING)
    k = kpi(c)
    api = client_for(world.users["commissioner"])
    body = {
        "partnership": "alpha",
        "rows": [{"kpi": k.code, "period": "2022-02", "numerator": 9, "denominator": 10}],
    }
    r = api.post("/api/v1/kpi-returns/", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()[0]["on_behalf"] is True and r.json()[0]["revisions"][0]["on_behalf"] is True
    r = client_for(world.users["viewer"]).post("/api/v1/kpi-returns/", body, content_type="application/json")
    assert r.status_code == 403
