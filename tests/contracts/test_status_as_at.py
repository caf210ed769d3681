"""Issue 10.3: a contract's status comes from its dates and approved variations, as at a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jointly.contracts import terms
from tests import factories

D = dt.date


def v(effective, new_end=None, status="approved", pk=1):
    return SimpleNamespace(
        status=status, effective_date=effective, new_end_date=new_end, value_change=None, pk=pk
    )


START, END = D(2013, 4, 1), D(2015, 3, 31)  # notice 3 months: by 31 Dec 2014
EXTENSION = [v(D(2015, 1, 15), D(2016, 3, 31))]


@pytest.mark.parametrize(
    ("as_at", "variations", "recorded", "expected"),
    [
        (D(2013, 3, 31), [], "live", terms.NOT_STARTED),
        (D(2013, 4, 1), [], "live", terms.LIVE),
        (D(2014, 12, 30), [], "live", terms.LIVE),
        (D(2014, 12, 31), [], "live", terms.IN_NOTICE),
        (D(2015, 3, 31), [], "live", terms.IN_NOTICE),
        (D(2015, 4, 1), [], "live", terms.EXPIRED),
        (D(2020, 1, 1), [], "live", terms.EXPIRED),  # recorded "live" years after its end
        (D(2015, 4, 1), EXTENSION, "live", terms.EXTENDED),
        (D(2015, 1, 14), EXTENSION, "live", terms.IN_NOTICE),  # the extension is not yet in force
        (D(2015, 12, 31), EXTENSION, "extended", terms.IN_NOTICE),
        (D(2016, 4, 1), EXTENSION, "extended", terms.EXPIRED),
        (D(2015, 4, 1), [v(D(2015, 1, 15), D(2016, 3, 31), status="proposed")], "live", terms.EXPIRED),
        (D(2014, 6, 1), [], "decommissioned", terms.TERMINATED),
        (D(2014, 6, 1), [], "ended", terms.TERMINATED),
        (D(2016, 6, 1), [], "ended", terms.EXPIRED),
        (
            D(2014, 6, 1),
            [v(D(2014, 5, 1), D(2014, 5, 31))],
            "live",
            terms.EXPIRED,
        ),  # ended early by variation
    ],
)
def test_status_as_at(as_at, variations, recorded, expected):
    assert terms.status_as_at(as_at, START, END, 3, variations, recorded) == expected
    assert terms.STATUS_LABELS[expected]


@pytest.mark.django_db
def test_ended_contracts_are_expired_on_every_page_and_in_the_api(world, client_for):
    world.p.reference_date = D(2020, 6, 30)
    world.p.save()
    old = factories.contract(world.p, world.provider, world.council, title="Long ended")  # ends 31 Mar 2015
    factories.contract(world.p, world.provider, world.ccg, title="Long ended too")  # same provider: a pair
    current = factories.contract(
        world.p, world.provider, world.council, title="Still running",
        start_date=D(2019, 4, 1), end_date=D(2022, 3, 31),
    )  # fmt: skip
    client = client_for(world.users["commissioner"])
    register = client.get(f"/p/{world.p.slug}/contracts/").content.decode()
    assert register.count("Expired") == 2 and "Live" in register and "as at 30 Jun 2020" in register
    detail = client.get(f"/p/{world.p.slug}/contracts/{old.pk}/").content.decode()
    assert "Expired" in detail
    timeline = client.get(f"/p/{world.p.slug}/contracts/timeline/").content.decode()
    assert "Still running" in timeline and "Long ended" not in timeline
    expiry = client.get(f"/p/{world.p.slug}/contracts/expiry/").content.decode()
    assert "Long ended" not in expiry
    api = client.get(f"/api/v1/contracts/{old.pk}/").json()
    assert api["current_status"] == "expired"
    assert client.get(f"/api/v1/contracts/{old.pk}/?as_at=2014-06-01").json()["current_status"] == "live"
    assert client.get(f"/api/v1/contracts/{current.pk}/").json()["current_status"] == "live"


# The model end of contract terms (moved from test_terms.py, which holds only the pure, fast tests
# that mutation testing runs against terms.py).
def test_model_derivation_uses_approved_variations(world):
    c = factories.contract(
        world.p, world.provider, world.ccg, value=Decimal("1000"), end_date=dt.date(2014, 3, 31)
    )
    factories.variation(c, value_change=Decimal("200"), status="approved")
    factories.variation(c, value_change=Decimal("999"), status="proposed")
    factories.variation(
        c, kind="term", value_change=None, new_end_date=dt.date(2014, 9, 30), status="approved"
    )
    factories.variation(
        c, kind="term", value_change=None, new_end_date=dt.date(2016, 1, 1), status="rejected"
    )
    t = c.current_terms()
    # one year (2013/14) at £1,000 + £200, then six more months at that annual rate: an extension
    # with no value stated never reduces the value, nor leaves it flat
    assert t.by_year == {"2013/14": Decimal("1200.00"), "2014/15": Decimal("600.00")}
    assert t.value == Decimal("1800.00")
    assert t.end_date == dt.date(2014, 9, 30)
