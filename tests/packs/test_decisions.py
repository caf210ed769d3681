"""Minuted decisions applied to the records they name (ADR 0030): each kind applied through its app's
own action with audit history, the records' rules refusing (kept, with why), who may record and
confirm, the wrong partnership's record refused with nothing written, and the records' panels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jointly.contracts.models import VariationStatus
from jointly.finance.models import ChangeStatus, FundChange, LineBudget
from jointly.packs.models import DecisionLink
from jointly.risks.models import Risk
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dw(pack_world):
    """A variation and a fund change proposed by others, and the meeting's board approving the fund's changes."""
    w = pack_world
    w.contract = factories.contract(w.p, w.provider, w.council)
    w.variation = factories.variation(w.contract, proposed_by=w.users["commissioner"])
    fw = factories.finance_world(w.p, w.council, w.ccg)
    w.fund, w.line = fw["fund"], fw["line"]
    w.fund.change_board = w.board
    w.fund.save()
    w.change = FundChange.objects.create(
        fund=w.fund, kind="budget", financial_year="2014/15", description="More for the line", line=w.line,
        amount=D("1500.00"), proposed_by=w.users["finance"],
    )  # fmt: skip
    w.minutes = reverse("packs:minutes", args=[w.p.slug, w.board.slug, w.meeting.pk])
    return w


def minute(c, w, **data):
    return c.post(w.minutes, {"text": data.pop("text", "The board decided"), **data})


def apply_url(w, link):
    return reverse("packs:decision_apply", args=[w.p.slug, w.board.slug, w.meeting.pk, link.pk])


def last_author(record):
    return record.history.order_by("-history_id").first().history_user


def test_each_kind_is_applied_with_audit(dw, client_for):
    w = dw
    admin = w.users["partnership_admin"]
    c = client_for(admin)
    assert w.intention.stage != "do"
    response = minute(c, w, text="Move early help to Do", kind="intention_stage", intention=w.intention.pk,
                      stage="do")  # fmt: skip
    assert response.status_code == 302
    w.intention.refresh_from_db()
    assert w.intention.stage == "do" and last_author(w.intention) == admin
    assert (
        w.intention.history.order_by("-history_id").first().history_change_reason.startswith("Board decision")
    )

    assert minute(c, w, text="Approve the variation", kind="variation", variation=w.variation.pk,
                  outcome="approve").status_code == 302  # fmt: skip
    w.variation.refresh_from_db()
    assert w.variation.status == VariationStatus.APPROVED and w.variation.decided_by == admin
    assert w.variation.decided_on == w.meeting.date and "Approve the variation" in w.variation.reason
    assert last_author(w.variation) == admin

    assert minute(c, w, text="Approve the budget", kind="fund", fund_change=w.change.pk).status_code == 302
    w.change.refresh_from_db()
    assert w.change.status == ChangeStatus.APPROVED and w.change.board == w.board
    assert w.board.name in w.change.decision_reference and w.change.decided_on == w.meeting.date
    assert LineBudget.objects.get(line=w.line, financial_year="2014/15").amount == D("1500.00")

    assert minute(c, w, text="Accept the risk", kind="risk_acceptance", risk=w.risk.pk).status_code == 302
    w.risk.refresh_from_db()
    assert w.risk.status == "accepted" and last_author(w.risk) == admin

    links = list(DecisionLink.objects.order_by("id"))
    assert len(links) == 4 and all(link.applied and link.applied_by == admin for link in links)
    assert {link.fund_id for link in links if link.kind == "fund"} == {w.fund.pk}
    assert all(link.history.filter(history_user=admin).exists() for link in links)
    agenda = c.get(reverse("packs:agenda", args=[w.p.slug, w.board.slug, w.meeting.pk])).content.decode()
    assert agenda.count("Applied") >= 4
    # Each record's page shows the decision that names it.
    pages = [
        w.intention.get_absolute_url(),
        reverse("contracts:detail", args=[w.p.slug, w.contract.pk]),
        reverse("finance:change", args=[w.p.slug, w.fund.slug, w.change.pk]),
        w.risk.get_absolute_url(),
    ]
    for url, text in zip(pages, ("Move early help", "Approve the variation", "Approve the budget", "Accept the risk"),
                         strict=True):  # fmt: skip
        page = client_for(w.users["viewer"]).get(url).content.decode()
        assert "Board decisions" in page and text in page and "Applied" in page, url


def test_rules_refusing_keep_the_decision_and_say_why(dw, client_for):
    w = dw
    admin = w.users["partnership_admin"]
    c = client_for(admin)
    # Four eyes: the admin proposed this variation, so the admin's minute cannot approve it.
    mine = factories.variation(w.contract, proposed_by=admin)
    assert minute(c, w, text="Approve mine", kind="variation", variation=mine.pk).status_code == 302
    link = DecisionLink.objects.get(variation=mine)
    mine.refresh_from_db()
    assert not link.applied and "Four eyes" in link.not_applied and mine.status == VariationStatus.PROPOSED
    page = client_for(w.users["viewer"]).get(reverse("contracts:detail", args=[w.p.slug, w.contract.pk]))
    assert "Not applied" in page.content.decode() and "Four eyes" in page.content.decode()
    # Who may confirm it: not a viewer, a provider or a board member; a commissioner (approve_variations) may.
    for user in (w.users["viewer"], w.users["provider"], w.member_user, w.users["analyst"]):
        assert client_for(user).post(apply_url(w, link)).status_code == 403
    assert client_for(w.outsider).post(apply_url(w, link)).status_code == 404
    assert client_for(None).post(apply_url(w, link)).status_code == 302  # to sign-in
    mine.refresh_from_db()
    assert mine.status == VariationStatus.PROPOSED
    assert client_for(w.users["commissioner"]).post(apply_url(w, link)).status_code == 302
    link.refresh_from_db()
    mine.refresh_from_db()
    assert link.applied and link.not_applied == "" and mine.status == VariationStatus.APPROVED
    assert link.applied_by == w.users["commissioner"] and last_author(mine) == w.users["commissioner"]
    # A closed risk is not accepted; a fund whose changes another board approves is not changed.
    c = client_for(admin)
    closed = Risk.objects.create(partnership=w.p, reference="ALP-R9", title="Closed one", status="closed")
    assert minute(c, w, kind="risk_acceptance", risk=closed.pk).status_code == 302
    assert "closed" in DecisionLink.objects.get(risk=closed).not_applied
    closed.refresh_from_db()
    assert closed.status == "closed"
    w.fund.change_board = factories.board(w.p, slug="other", name="Other Board")
    w.fund.save()
    assert minute(c, w, kind="fund", fund_change=w.change.pk).status_code == 302
    assert "Other Board" in DecisionLink.objects.get(fund_change=w.change).not_applied
    w.change.refresh_from_db()
    assert w.change.status == ChangeStatus.PROPOSED
    assert LineBudget.objects.get(line=w.line, financial_year="2014/15").amount != D("1500.00")
    # A rejection goes through the same action: a rejected variation, with the minute as its reason.
    other = factories.variation(w.contract, proposed_by=w.users["commissioner"])
    minute(c, w, text="Not this year", kind="variation", variation=other.pk, outcome="reject")
    other.refresh_from_db()
    assert other.status == VariationStatus.REJECTED and "Not this year" in other.reason


def test_only_governance_admins_minute_and_nothing_is_written_otherwise(dw, client_for):
    w = dw
    for user in (w.users["commissioner"], w.users["viewer"], w.users["provider"], w.member_user):
        response = minute(client_for(user), w, kind="risk_acceptance", risk=w.risk.pk)
        assert response.status_code == 403
    assert client_for(w.outsider).post(w.minutes, {"text": "x", "kind": "other"}).status_code == 404
    w.risk.refresh_from_db()
    assert not DecisionLink.objects.exists() and w.risk.status == "open"
    # A record of another partnership cannot be named on the page either.
    beta_risk = Risk.objects.create(partnership=w.other, reference="B-1", title="Beta risk")
    c = client_for(w.users["partnership_admin"])
    assert minute(c, w, kind="risk_acceptance", risk=beta_risk.pk).status_code == 400
    beta_risk.refresh_from_db()
    assert not DecisionLink.objects.exists() and beta_risk.status == "open"


def test_api_records_applies_and_refuses(dw, client_for):
    w = dw
    links = "/api/v1/decision-links/"
    admin = client_for(w.users["partnership_admin"])
    decision = w.meeting.decisions.create(text="Accept the market risk")
    beta_board = factories.board(w.other, slug="beta-board")
    beta_contract = factories.contract(w.other, w.other_council, w.other_council)
    beta_variation = factories.variation(beta_contract)
    beta_risk = Risk.objects.create(partnership=w.other, reference="B-1", title="Beta risk")
    del beta_board
    for body in (
        {"kind": "variation", "variation": beta_variation.pk},
        {"kind": "risk_acceptance", "risk": beta_risk.pk},
        {"kind": "fund", "fund_change": 999999},
        {"kind": "fund"},
    ):
        response = admin.post(links, {"decision": decision.pk, **body}, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
    beta_variation.refresh_from_db()
    beta_risk.refresh_from_db()
    assert not DecisionLink.objects.exists()
    assert beta_variation.status == VariationStatus.PROPOSED and beta_risk.status == "open"
    ok = admin.post(links, {"decision": decision.pk, "kind": "risk_acceptance", "risk": w.risk.pk},
                    content_type="application/json")  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert ok.json()["applied"] is True and ok.json()["not_applied"] == "" and ok.json()["applied_on"]
    w.risk.refresh_from_db()
    assert w.risk.status == "accepted"
    mine = factories.variation(w.contract, proposed_by=w.users["partnership_admin"])
    refused = admin.post(links, {"decision": decision.pk, "kind": "variation", "variation": mine.pk},
                         content_type="application/json")  # fmt: skip
    assert refused.status_code == 201 and refused.json()["applied"] is False
    assert "Four eyes" in refused.json()["not_applied"]
    link_id = refused.json()["id"]
    listed = client_for(w.users["viewer"]).get(links, {"decision": decision.pk}).json()["results"]
    assert {row["id"]: row["applied"] for row in listed} == {ok.json()["id"]: True, link_id: False}
    apply = f"{links}{link_id}/apply/"
    assert client_for(w.users["viewer"]).post(apply).status_code == 403
    assert client_for(w.users["finance"]).post(apply).status_code == 403  # not approve_variations
    assert client_for(w.users["provider"]).post(apply).status_code == 404
    assert client_for(w.outsider).post(apply).status_code == 404
    assert client_for(None).post(apply).status_code in (401, 403)
    mine.refresh_from_db()
    assert mine.status == VariationStatus.PROPOSED
    done = client_for(w.users["commissioner"]).post(apply)
    assert done.status_code == 200 and done.json()["applied"] is True
    mine.refresh_from_db()
    assert mine.status == VariationStatus.APPROVED
    assert client_for(w.users["commissioner"]).post(apply).json()["applied"] is True  # twice: nothing more
    assert mine.history.count() == 2


def test_board_decisions_panel_constant_queries_and_hidden_from_providers(dw, client_for):
    w = dw
    c = client_for(w.users["viewer"])
    url = w.intention.get_absolute_url()

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url).status_code == 200
        return len(captured.captured_queries)

    d = w.meeting.decisions.create(text="Stage one")
    DecisionLink.objects.create(decision=d, kind="intention_stage", intention=w.intention, stage="plan")
    c.get(url)
    one = count()
    for n in range(6):
        later = w.board.meetings.create(date=dt.date(2014, 1, 1 + n), title=f"Later {n}")
        d = later.decisions.create(text=f"Stage {n}")
        DecisionLink.objects.create(decision=d, kind="intention_stage", intention=w.intention, stage="do")
    assert count() == one
    assert c.get(url).content.decode().count("Stage ") >= 7
    contract_page = reverse("contracts:detail", args=[w.p.slug, w.contract.pk])
    d = w.meeting.decisions.create(text="Secret variation decision")
    DecisionLink.objects.create(decision=d, kind="variation", variation=w.variation)
    provider = client_for(w.users["provider"]).get(contract_page)
    assert provider.status_code == 200 and "Secret variation decision" not in provider.content.decode()
    assert "Secret variation decision" in client_for(w.users["viewer"]).get(contract_page).content.decode()
