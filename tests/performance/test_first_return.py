"""Issue 10.2: a provider's first return opens on the first period due and not yet returned (as at
the partnership's date) and offers only periods inside the contract's and KPIs' dates."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from jointly.performance.models import KpiReturn
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world, client_for):
    world.p.reference_date = dt.date(2013, 9, 30)
    world.p.save()
    c = factories.contract(world.p, world.provider, world.council)  # 1 Apr 2013 – 31 Mar 2015
    k = factories.kpi(c, code="FR1", effective_from=dt.date(2013, 6, 1))
    q = factories.kpi(c, code="FR2", frequency="quarterly")
    return world, c, k, q, client_for(world.users["provider"])


def _form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    offered = doc.xpath("//select[@id='period']/option/@value")
    chosen = doc.xpath("//input[@type='hidden'][@name='period']/@value")
    return offered, chosen[0] if chosen else None


def test_the_default_screen_is_the_first_period_due_and_saves(setup):
    world, c, k, _q, client = setup
    url = f"/p/{world.p.slug}/performance/contracts/{c.pk}/return/"
    offered, chosen = _form(client, url)
    # months inside the KPI's dates (from June 2013) that have ended by 30 September 2013
    assert offered == ["2013-06", "2013-07", "2013-08", "2013-09"]
    assert chosen == "2013-06"
    answer = client.post(
        url, {"period": chosen, "frequency": "monthly", f"numerator-{k.pk}": "9", f"denominator-{k.pk}": "10"}
    )
    assert answer.status_code == 302, answer.content.decode()[-1500:]
    assert KpiReturn.objects.filter(kpi=k, period="2013-06").exists()
    assert _form(client, url)[1] == "2013-07"


def test_quarterly_kpis_open_on_their_first_quarter(setup):
    world, c, _k, _q, client = setup
    offered, chosen = _form(
        client, f"/p/{world.p.slug}/performance/contracts/{c.pk}/return/?frequency=quarterly"
    )
    assert offered == ["2013/14 Q1", "2013/14 Q2"] and chosen == "2013/14 Q1"


def test_a_period_outside_the_dates_is_not_offered(setup):
    world, c, k, _q, client = setup
    url = f"/p/{world.p.slug}/performance/contracts/{c.pk}/return/"
    for period in ("2013-05", "2015-06", "2013-10"):  # before the KPI, after the contract, not ended
        page = client.get(f"{url}?period={period}")
        assert "is not a period you can return for" in page.content.decode()
        assert b"numerator-" not in page.content
    answer = client.post(url, {"period": "2015-06", "frequency": "monthly", f"numerator-{k.pk}": "9",
                               f"denominator-{k.pk}": "10"})  # fmt: skip
    assert answer.status_code == 400 and not KpiReturn.objects.exists()
