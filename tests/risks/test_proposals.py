"""A provider proposes a risk on its own contract or service; a commissioner or partnership admin
accepts it into the register or declines it with a reason; nobody decides their own proposal.
Pages and API: who may, who may not, bad input (nothing written), four eyes, stale and repeated
decisions, the attention list, audit history and a fixed number of queries for the list."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from jointly.core import attention
from jointly.risks.models import ProposalStatus, Risk, RiskProposal
from tests import factories as f
from tests.test_query_counts import count_queries

R = "/p/alpha/risks"
API = "/api/v1/risk-proposals/"


@pytest.fixture
def pw(world):
    w = world
    w.contract = f.contract(w.p, w.provider, reference="C-1", title="Community nursing")
    w.service = f.service(w.p, provider=w.provider, name="Family support")
    w.rival_org = f.organisation(slug="rival", name="Rival Trust", kind="nhs_trust")
    f.member(w.p, w.rival_org, "provider")
    w.rival_contract = f.contract(w.p, w.rival_org, reference="C-2", title="Rival contract")
    w.beta_contract = f.contract(w.other, w.other_council, reference="B-1")
    return w


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _form(contract=None, **extra):
    data = {"title": "Staff leave the service", "description": "Cause: pay. Event: staff leave. Effect: waits grow.",
            "category": "Workforce", "impact": "4", "likelihood": "3", **extra}  # fmt: skip
    if contract is not None:
        data["contract"] = str(contract.pk)
    return data


def _body(w, contract=None, **extra):
    body = {"partnership": "alpha", "title": "By API", "description": "Cause, event, effect", "impact": 3,
            "likelihood": 2, **extra}  # fmt: skip
    if contract is not None:
        body["contract"] = contract.pk
    return body


# --- proposing ---------------------------------------------------------------------------------


def test_a_provider_proposes_a_risk_on_its_own_contract(pw, client_for):
    client = client_for(pw.users["provider"])
    page = client.get(f"/p/alpha/contracts/{pw.contract.pk}/").content.decode()
    assert f"{R}/propose/?contract={pw.contract.pk}" in page  # from its contract page
    form = client.get(f"{R}/propose/?contract={pw.contract.pk}").content.decode()
    assert f'value="{pw.contract.pk}" selected' in form and "Rival contract" not in form
    response = client.post(f"{R}/propose/", _form(pw.contract))
    assert response.status_code == 302
    proposal = RiskProposal.objects.get()
    assert (proposal.organisation, proposal.contract, proposal.status) == (
        pw.provider,
        pw.contract,
        "proposed",
    )
    assert proposal.proposed_by == pw.users["provider"] and proposal.rating == 12
    assert proposal.history.count() == 1 and not Risk.objects.exists()  # a proposal, not in the register
    listing = client.get(f"{R}/proposals/").content.decode()
    assert "Staff leave the service" in listing and "Awaiting a decision" in listing


def test_a_provider_proposes_on_its_service(pw, client_for):
    client = client_for(pw.users["provider"])
    assert (
        f"{R}/propose/?service={pw.service.pk}"
        in client.get(f"/p/alpha/services/{pw.service.pk}/").content.decode()
    )
    assert client.post(f"{R}/propose/", _form(service=str(pw.service.pk))).status_code == 302
    assert RiskProposal.objects.get().service == pw.service


def test_the_contract_page_offers_no_proposal_to_others(pw, client_for):
    for role in ("viewer", "commissioner"):
        page = client_for(pw.users[role]).get(f"/p/alpha/contracts/{pw.contract.pk}/").content.decode()
        assert "/risks/propose/" not in page, role


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"impact": "6"}, "impact"),
        ({"impact": "0"}, "impact"),
        ({"likelihood": ""}, "likelihood"),
        ({"likelihood": "x"}, "likelihood"),
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"contract": ""}, "contract"),
        ({"title": "bad\x00title"}, "title"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_written(pw, client_for, extra, field):
    response = client_for(pw.users["provider"]).post(f"{R}/propose/", _form(pw.contract) | extra)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not RiskProposal.objects.exists()


def test_a_provider_may_not_propose_on_anothers_contract(pw, client_for):
    client = client_for(pw.users["provider"])
    rival = client.post(f"{R}/propose/", _form(pw.rival_contract))
    beta = client.post(f"{R}/propose/", _form(pw.beta_contract))
    unknown = client.post(f"{R}/propose/", _form() | {"contract": "987654"})
    assert rival.status_code == beta.status_code == unknown.status_code == 400
    errors = {str(r.context["form"].errors["contract"]) for r in (rival, beta, unknown)}
    assert len(errors) == 1
    assert not RiskProposal.objects.exists()


def test_only_providers_propose(pw, client_for):
    for role in ("viewer", "commissioner", "analyst", "finance", "partnership_admin"):
        response = client_for(pw.users[role]).post(f"{R}/propose/", _form(pw.contract))
        assert response.status_code == 403, role
    assert client_for(pw.outsider).post(f"{R}/propose/", _form(pw.contract)).status_code == 404
    assert not RiskProposal.objects.exists()


# --- deciding ----------------------------------------------------------------------------------


def _decide(client, proposal, **data):
    proposal.refresh_from_db()
    return client.post(f"{R}/proposals/{proposal.pk}/", {"version": proposal.version, **data})


def test_a_commissioner_accepts_a_proposal_into_the_register(pw, client_for):
    proposal = f.risk_proposal(pw.contract, title="Waiting lists grow", impact=4, likelihood=4,
                               proposed_by=pw.users["provider"])  # fmt: skip
    commissioner = client_for(pw.users["commissioner"])
    page = commissioner.get(f"{R}/proposals/{proposal.pk}/").content.decode()
    assert "Accept or decline" in page and "Rival" not in page
    response = _decide(commissioner, proposal, decision="accept", reference="R-P1")
    risk = Risk.objects.get(reference="R-P1")
    assert response.status_code == 302 and response["Location"] == risk.get_absolute_url()
    assert (risk.title, risk.inherent_rating, risk.contract, risk.status) == (
        "Waiting lists grow",
        16,
        pw.contract,
        "open",
    )
    assert risk.source == "Proposed by Alpha Trust" and list(
        risk.reviews.values_list("impact", "likelihood")
    ) == [(4, 4)]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.risk, proposal.decided_by) == (
        "accepted",
        risk,
        pw.users["commissioner"],
    )
    assert proposal.history.count() == 2 and risk.history.first().history_user == pw.users["commissioner"]
    assert "Alpha Trust" in commissioner.get(risk.get_absolute_url()).content.decode()  # proposer recorded
    # the provider now sees the risk on its contract, and its proposal's outcome
    provider = client_for(pw.users["provider"])
    assert "R-P1" in provider.get(f"{R}/").content.decode()
    assert "R-P1" in provider.get(f"{R}/proposals/").content.decode()
    # deciding again is refused, nothing changes
    commissioner = client_for(pw.users["commissioner"])
    assert _decide(commissioner, proposal, decision="decline", reason="No").status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == "accepted"


def test_declining_needs_a_reason_the_provider_reads(pw, client_for):
    proposal = f.risk_proposal(pw.contract, proposed_by=pw.users["provider"])
    admin = client_for(pw.users["partnership_admin"])
    response = _decide(admin, proposal, decision="decline", reason="  ")
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert _decide(admin, proposal, decision="decline", reason="Already covered by R-7").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.risk) == ("declined", "Already covered by R-7", None)
    page = client_for(pw.users["provider"]).get(f"{R}/proposals/{proposal.pk}/").content.decode()
    assert "Already covered by R-7" in page and "Accept or decline" not in page
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "accept", "reference": ""}, "reference"),
        ({"decision": "accept", "reference": "r-taken"}, "reference"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_bad_decisions_write_nothing(pw, client_for, data, field):
    f.risk(pw.p, reference="R-TAKEN")
    proposal = f.risk_proposal(pw.contract, proposed_by=pw.users["provider"])
    response = _decide(client_for(pw.users["commissioner"]), proposal, **data)
    assert response.status_code == 400 and field in response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and Risk.objects.count() == 1


def test_a_stale_decision_is_refused(pw, client_for):
    proposal = f.risk_proposal(pw.contract, proposed_by=pw.users["provider"])
    client = client_for(pw.users["commissioner"])
    response = client.post(f"{R}/proposals/{proposal.pk}/",
                           {"version": proposal.version + 1, "decision": "accept", "reference": "R-S"})  # fmt: skip
    assert response.status_code == 409 and not Risk.objects.exists()


def test_who_may_decide(pw, client_for):
    proposal = f.risk_proposal(pw.contract, proposed_by=pw.users["provider"])
    for role in ("provider", "viewer", "analyst", "finance"):
        response = _decide(client_for(pw.users[role]), proposal, decision="accept", reference=f"R-{role}")
        assert response.status_code == 403, role
    assert _decide(client_for(pw.outsider), proposal, decision="accept", reference="R-O").status_code == 404
    assert not Risk.objects.exists()


def test_nobody_decides_their_own_proposal(pw, client_for):
    """Four eyes: the platform admin may propose (as a superuser), but not then accept it."""
    client = client_for(pw.admin)
    assert client.post(f"{R}/propose/", _form(pw.contract)).status_code == 302
    proposal = RiskProposal.objects.get()
    assert proposal.proposed_by == pw.admin
    page = client.get(f"{R}/proposals/{proposal.pk}/").content.decode()
    assert "another person must accept or decline it" in page
    response = _decide(client, proposal, decision="accept", reference="R-SELF")
    assert response.status_code == 403 and "Four eyes" in response.content.decode()
    assert not Risk.objects.exists()
    assert (
        _decide(
            client_for(pw.users["commissioner"]), proposal, decision="accept", reference="R-OK"
        ).status_code
        == 302
    )


def test_waiting_proposals_need_attention_of_those_who_decide(pw, client_for):
    proposal = f.risk_proposal(pw.contract, title="Waiting one", proposed_by=pw.users["provider"])

    def kinds(role):
        return [i.title for i in attention.collect(pw.users[role]) if i.kind == "risk_proposed"]

    assert kinds("commissioner") == kinds("partnership_admin") == ["Waiting one"]
    assert kinds("viewer") == kinds("provider") == []
    home = client_for(pw.users["commissioner"]).get("/").content.decode()
    assert "Risk proposed by a provider" in home and proposal.get_absolute_url() in home
    register = client_for(pw.users["commissioner"]).get(f"{R}/").content.decode()
    assert "1 waiting" in register
    _decide(client_for(pw.users["commissioner"]), proposal, decision="decline", reason="No")
    assert kinds("commissioner") == []


# --- API ---------------------------------------------------------------------------------------


def test_api_who_sees_which_proposals(pw):
    own = f.risk_proposal(pw.contract, title="Own")
    f.risk_proposal(pw.rival_contract, title="Rival")
    f.risk_proposal(pw.beta_contract, title="Beta")

    def titles(user):
        return {p["title"] for p in api(user).get(API).json()["results"]}

    assert titles(pw.users["provider"]) == {"Own"}
    for role in ("viewer", "commissioner", "analyst", "finance", "partnership_admin"):
        assert titles(pw.users[role]) == {"Own", "Rival"}, role
    assert titles(pw.outsider) == {"Beta"}
    assert api(pw.users["provider"]).get(f"{API}{own.pk}/").json()["organisation"] == "alpha-trust"
    rival = RiskProposal.objects.get(title="Rival")
    assert api(pw.users["provider"]).get(f"{API}{rival.pk}/").status_code == 404
    assert api().get(API).status_code in (401, 403)


def test_api_a_provider_proposes_and_bad_input_writes_nothing(pw):
    client = api(pw.users["provider"])
    response = client.post(API, _body(pw, pw.contract), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["organisation"], body["rating"], body["risk"]) == (
        "proposed",
        "alpha-trust",
        6,
        None,
    )
    assert RiskProposal.objects.get().proposed_by == pw.users["provider"]
    for bad, field in [
        ({"impact": 6}, "impact"),
        ({"impact": 0}, "impact"),
        ({"likelihood": None}, "likelihood"),
        ({"likelihood": "often"}, "likelihood"),
        ({"title": ""}, "title"),
        ({"description": " "}, "description"),
        ({"status": "accepted", "contract": None}, "contract"),
    ]:
        response = client.post(API, _body(pw, pw.contract) | bad, format="json")
        assert response.status_code == 400 and field in response.json(), (bad, response.json())
    assert RiskProposal.objects.count() == 1
    # another provider's contract, another partnership's and an unknown one: the same answer
    pks = (pw.rival_contract.pk, pw.beta_contract.pk, 987654)
    answers = [client.post(API, _body(pw) | {"contract": pk}, format="json").json()["contract"] for pk in pks]
    assert [a[0].replace(str(pk), "<ID>") for a, pk in zip(answers, pks, strict=True)] == [
        'Invalid pk "<ID>" - object does not exist.'
    ] * 3
    assert RiskProposal.objects.count() == 1


def test_api_only_providers_propose(pw):
    for role in ("viewer", "commissioner", "analyst", "finance", "partnership_admin"):
        response = api(pw.users[role]).post(API, _body(pw, pw.contract), format="json")
        assert response.status_code == 403, role
    assert (
        api(pw.outsider).post(API, _body(pw, pw.contract), format="json").status_code == 400
    )  # unseen partnership
    assert not RiskProposal.objects.exists()


def test_api_no_edits_or_deletes(pw):
    proposal = f.risk_proposal(pw.contract)
    client = api(pw.users["provider"])
    assert client.patch(f"{API}{proposal.pk}/", {"title": "x"}, format="json").status_code == 405
    assert client.delete(f"{API}{proposal.pk}/").status_code == 405


def test_api_accept_and_decline(pw):
    f.risk(pw.p, reference="R-TAKEN")
    proposal = f.risk_proposal(pw.contract, proposed_by=pw.users["provider"], impact=5, likelihood=3)
    url = f"{API}{proposal.pk}/accept/"
    body = {"version": proposal.version, "reference": "R-API"}
    for role in ("provider", "viewer", "finance"):
        assert api(pw.users[role]).post(url, body, format="json").status_code == 403, role
    commissioner = api(pw.users["commissioner"])
    assert commissioner.post(url, {**body, "reference": "r-taken"}, format="json").status_code == 400
    assert commissioner.post(url, {**body, "version": 99}, format="json").status_code == 409
    assert commissioner.post(url, {"reference": "R-API"}, format="json").status_code == 400  # no version
    assert Risk.objects.count() == 1
    response = commissioner.post(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["risk_reference"]) == ("accepted", "R-API")
    assert Risk.objects.get(reference="R-API").inherent_rating == 15
    again = commissioner.post(f"{API}{proposal.pk}/decline/", {"version": 2, "reason": "x"}, format="json")
    assert again.status_code == 409
    other = f.risk_proposal(pw.contract, proposed_by=pw.users["provider"])
    decline = f"{API}{other.pk}/decline/"
    assert commissioner.post(decline, {"version": other.version}, format="json").status_code == 400
    ok = commissioner.post(decline, {"version": other.version, "reason": "Duplicate of R-API"}, format="json")
    assert ok.status_code == 200 and ok.json()["reason"] == "Duplicate of R-API"
    beta = f.risk_proposal(f.contract(pw.other, f.organisation(slug="beta-trust")), proposed_by=None)
    assert commissioner.post(f"{API}{beta.pk}/accept/", body, format="json").status_code == 404


def test_api_four_eyes(pw):
    client = api(pw.admin)
    created = client.post(API, _body(pw, pw.contract), format="json")
    assert created.status_code == 201
    pk, version = created.json()["id"], created.json()["version"]
    response = client.post(f"{API}{pk}/accept/", {"version": version, "reference": "R-SELF"}, format="json")
    assert response.status_code == 403 and "Four eyes" in response.json()["detail"]
    assert not Risk.objects.exists()


# --- queries -----------------------------------------------------------------------------------


def test_proposal_lists_do_not_grow_with_data(pw, client_for):
    def grow(k):
        for _ in range(k):
            contract = f.contract(pw.p, pw.provider)
            decided = f.risk_proposal(contract, proposed_by=pw.users["provider"])
            f.risk_proposal(contract, service=pw.service, proposed_by=pw.users["provider"])
            decided.status, decided.risk = "accepted", f.risk(pw.p, contract=contract)
            decided.save()

    pages = [f"{R}/proposals/", API, f"{R}/", "/"]
    for role in ("commissioner", "provider"):
        client = client_for(pw.users[role])
        grow(2)
        small = [count_queries(client, url)[0] for url in pages]
        grow(8)
        large = [count_queries(client, url)[0] for url in pages]
        assert small == large, role


def test_a_provider_sees_the_risks_on_its_own_services_too(pw, client_for):
    """ADR 0029: an accepted proposal on a provider's service stays visible to it; a rival's does not."""
    rival_service = f.service(pw.p, provider=pw.rival_org, name="Rival service")
    proposal = f.risk_proposal(service=pw.service, title="On the service", proposed_by=pw.users["provider"])
    assert (
        _decide(
            client_for(pw.users["commissioner"]), proposal, decision="accept", reference="R-SVC"
        ).status_code
        == 302
    )
    f.risk(pw.p, reference="R-RIVSVC", service=rival_service)
    provider = client_for(pw.users["provider"])
    html = provider.get(f"{R}/").content.decode()
    assert "R-SVC" in html and "R-RIVSVC" not in html
    assert provider.get(Risk.objects.get(reference="R-SVC").get_absolute_url()).status_code == 200
    assert provider.get(Risk.objects.get(reference="R-RIVSVC").get_absolute_url()).status_code == 404
    assert {r["reference"] for r in api(pw.users["provider"]).get("/api/v1/risks/").json()["results"]} == {
        "R-SVC"
    }
