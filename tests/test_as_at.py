"""Statuses as at a date (issue 9 item 2): overdue actions, agreement reviews, milestone states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from jointly.core import asat

D = dt.date


def test_as_at_for_a_request():
    rf = RequestFactory()

    class P:
        reference_date = D(2013, 9, 30)

    assert asat.as_at_for(rf.get("/", {"as_at": "2014-02"}), P()) == D(2014, 2, 28)
    assert asat.as_at_for(rf.get("/"), P()) == D(2013, 9, 30)
    with pytest.raises(BadRequest, match="YYYY-MM-DD"):
        asat.as_at_for(rf.get("/", {"as_at": "30/09/2013"}), P())


def test_milestone_states_as_at(world):
    m = world.milestone  # due 1 August 2013
    assert m.status_at(D(2013, 8, 1)) == "due" and m.status_at(D(2013, 8, 2)) == "overdue"
    m.completed_on = D(2013, 8, 10)
    assert m.status_at(D(2013, 8, 5)) == "overdue"  # not done yet on 5 August
    assert m.status_at(D(2013, 8, 10)) == "done late" and m.is_missed(D(2013, 8, 10))
    m.completed_on = D(2013, 7, 31)
    assert m.status_at(D(2013, 7, 30)) == "due" and m.status_at(D(2013, 8, 31)) == "done"
    assert not m.is_missed(D(2014, 1, 1))


def test_governance_and_board_pages_show_overdue_as_at(world, client_for):
    client = client_for(world.users["commissioner"])  # the action is due 1 January 2014, open
    page = client.get("/p/alpha/governance/?as_at=2013-12-31").content.decode()
    assert "Overdue as at 31 December 2013" in page and 'govuk-tag--red">Overdue' not in page
    page = client.get("/p/alpha/governance/?as_at=2014-01").content.decode()
    assert "Overdue as at 31 January 2014" in page and 'govuk-tag--red">Overdue' in page
    world.p.reference_date = D(2013, 12, 1)
    world.p.save()
    page = client.get("/p/alpha/boards/icb/").content.decode()
    assert "Overdue as at 1 December 2013" in page and 'govuk-tag--red">Overdue' not in page
    assert client.get("/p/alpha/governance/?as_at=soon").status_code == 400


def test_agreement_review_status_as_at(world, client_for):
    world.agreement.review_date = D(2015, 3, 31)
    world.agreement.save()
    client = client_for(world.users["commissioner"])
    url = f"/p/alpha/agreements/{world.agreement.slug}/"
    assert "Review overdue" in client.get(f"{url}?as_at=2015-04-01").content.decode()
    assert "Review due soon" in client.get(f"{url}?as_at=2015-03-20").content.decode()
    quiet = client.get(f"{url}?as_at=2014-04-01").content.decode()
    assert "Review overdue" not in quiet and "Review due soon" not in quiet
    assert "Review overdue" in client.get("/p/alpha/governance/?as_at=2015-04-01").content.decode()


def test_api_statuses_as_at(world, client_for):
    world.agreement.review_date = D(2015, 3, 31)
    world.agreement.save()
    client = client_for(world.users["commissioner"])
    action = f"/api/v1/actions/{world.action.pk}/"
    assert client.get(f"{action}?as_at=2013-12-31").json()["overdue"] is False
    assert client.get(f"{action}?as_at=2014-01-02").json()["overdue"] is True
    world.p.reference_date = D(2013, 12, 31)
    world.p.save()
    assert client.get(action).json()["overdue"] is False
    agreement = client.get(f"/api/v1/agreements/{world.agreement.pk}/?as_at=2015-04-01").json()
    assert agreement["review_status"] == "overdue"


def test_api_milestone_status_as_at(world, client_for):
    """The milestone's status is in every answer (the OpenAPI document requires it), as at a date."""
    client = client_for(world.users["commissioner"])
    url = f"/api/v1/milestones/{world.milestone.pk}/"  # due 1 August 2013, not completed
    assert client.get(f"{url}?as_at=2013-08-01").json()["status"] == "due"
    assert client.get(f"{url}?as_at=2013-08-02").json()["status"] == "overdue"
    world.p.reference_date = D(2013, 7, 1)
    world.p.save()
    listed = client.get(f"/api/v1/milestones/?intention={world.intention.pk}").json()["results"]
    assert [m["status"] for m in listed] == ["due"]  # the partnership's today by default
