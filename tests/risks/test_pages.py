"""Risk pages: who may see and change what (every route), bad input, stale edits, re-scoring,
the heat map, exports, import, risks on the records they threaten and on the golden thread."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern
from openpyxl import Workbook, load_workbook

from jointly.risks import urls as risk_urls
from jointly.risks.models import Risk, RiskReview
from tests import factories as f

READERS = ["viewer", "commissioner", "analyst", "finance", "partnership_admin"]
EDITORS = {"commissioner", "partnership_admin"}
ACTORS = [*READERS, "provider", "outsider", "anonymous", "admin"]
R = "/p/alpha/risks"


@pytest.fixture
def rw(world):
    """The world with risks: one on the provider's contract, one on the partnership as a whole,
    one in the other partnership."""
    w = world
    w.contract = f.contract(w.p, w.provider, reference="C-1", title="Community nursing")
    w.rival_org = f.organisation(slug="rival", name="Rival Trust", kind="nhs_trust")
    f.member(w.p, w.rival_org, "provider")
    w.rival_contract = f.contract(w.p, w.rival_org, reference="C-2", title="Rival contract")
    w.own_risk = f.risk(w.p, reference="R-OWN", title="Provider fails", contract=w.contract)
    w.rival_risk = f.risk(w.p, reference="R-RIV", title="Rival fails", contract=w.rival_contract)
    w.general = f.risk(w.p, reference="R-GEN", title="Partners disagree", intention=w.intention,
                       inherent_impact=5, inherent_likelihood=4, current_impact=4, current_likelihood=4)  # fmt: skip
    w.control = f.risk_control(w.own_risk)
    w.action = f.risk_action(w.own_risk)
    w.beta_risk = f.risk(w.other, reference="R-BETA", title="Beta risk")
    w.proposal = f.risk_proposal(w.contract, title="Own proposal")
    w.rival_proposal = f.risk_proposal(w.rival_contract, title="Rival proposal")
    return w


def _user(w, actor):
    return {"anonymous": None, "outsider": w.outsider, "admin": w.admin}.get(actor, w.users.get(actor))


def expected(allowed: set[str], *, provider: int | None = None) -> dict[str, int]:
    out = {}
    for actor in ACTORS:
        if actor == "anonymous":
            out[actor] = 302
        elif actor == "outsider":
            out[actor] = 404
        elif actor == "provider" and provider is not None:
            out[actor] = provider
        else:
            out[actor] = 200 if actor == "admin" or actor in allowed else 403
    return out


READ = set(READERS)


def pages(w):
    own, gen = w.own_risk.pk, w.general.pk
    return [
        ("register", f"{R}/", expected(READ, provider=200)),
        ("register", f"{R}/?format=csv", expected(READ, provider=200)),
        ("register", f"{R}/?format=xlsx", expected(READ, provider=200)),
        ("heat_map", f"{R}/heat-map/", expected(READ, provider=200)),
        ("matrix", f"{R}/matrix/", expected(READ, provider=200)),
        ("import", f"{R}/import/", expected(EDITORS)),
        ("new", f"{R}/new/", expected(EDITORS)),
        ("detail", f"{R}/{own}/", expected(READ, provider=200)),
        ("detail", f"{R}/{gen}/", expected(READ, provider=404)),
        ("detail", f"{R}/{w.rival_risk.pk}/", expected(READ, provider=404)),
        ("history", f"{R}/{own}/history/", expected(READ, provider=200)),
        ("history", f"{R}/{gen}/history/", expected(READ, provider=404)),
        ("edit", f"{R}/{own}/edit/", expected(EDITORS)),
        ("rescore", f"{R}/{own}/rescore/", expected(EDITORS)),
        ("control_new", f"{R}/{own}/controls/new/", expected(EDITORS)),
        ("control_edit", f"{R}/{own}/controls/{w.control.pk}/", expected(EDITORS)),
        ("action_new", f"{R}/{own}/actions/new/", expected(EDITORS)),
        ("action_edit", f"{R}/{own}/actions/{w.action.pk}/", expected(EDITORS)),
        ("propose", f"{R}/propose/", expected(set(), provider=200)),
        ("propose", f"{R}/propose/?contract={w.contract.pk}", expected(set(), provider=200)),
        ("proposals", f"{R}/proposals/", expected(READ, provider=200)),
        ("proposal", f"{R}/proposals/{w.proposal.pk}/", expected(READ, provider=200)),
        ("proposal", f"{R}/proposals/{w.rival_proposal.pk}/", expected(READ, provider=404)),
    ]


def test_every_page_as_every_actor(rw, client_for):
    for _name, url, want in pages(rw):
        got = {actor: client_for(_user(rw, actor)).get(url).status_code for actor in ACTORS}
        assert got == want, url


def test_every_route_is_in_the_table(rw):
    named = {p.name for p in risk_urls.urlpatterns if isinstance(p, URLPattern)}
    assert named == {name for name, _url, _want in pages(rw)}


def test_another_partnerships_risk_is_unknown_to_everyone_in_alpha(rw, client_for):
    for actor in ["commissioner", "admin"]:
        client = client_for(_user(rw, actor))
        for tail in ["", "history/", "edit/", "rescore/", "controls/new/"]:
            got = client.get(f"{R}/{rw.beta_risk.pk}/{tail}").status_code
            unknown = client.get(f"{R}/987654/{tail}").status_code
            assert got == unknown == 404, (actor, tail)
        # another risk's control under this risk: 404 like an unknown control
        other = f.risk_control(rw.general)
        assert client.get(f"{R}/{rw.own_risk.pk}/controls/{other.pk}/").status_code == 404


def test_provider_sees_only_its_own_contracts_risks(rw, client_for):
    client = client_for(rw.users["provider"])
    html = client.get(f"{R}/").content.decode()
    assert "R-OWN" in html and "R-GEN" not in html and "R-RIV" not in html
    assert "only the risks on your organisation" in html
    text = client.get(f"{R}/?format=csv").content.decode()
    assert "R-OWN" in text and "R-RIV" not in text
    heat = client.get(f"{R}/heat-map/").content.decode()
    assert heat.count('class="govuk-link"') >= 1


def test_register_sorts_by_rating_and_filters(rw, client_for):
    client = client_for(rw.users["viewer"])
    html = client.get(f"{R}/").content.decode()
    assert html.index("R-GEN") < html.index("R-OWN")  # 16 before 12
    html = client.get(f"{R}/?sort=reference").content.decode()
    assert html.index("R-GEN") < html.index("R-OWN") < html.index("R-RIV")
    html = client.get(f"{R}/?basis=current&impact=4&likelihood=4").content.decode()
    assert "R-GEN" in html and "R-OWN" not in html
    html = client.get(f"{R}/?band=extreme").content.decode()  # current 16: extreme
    assert "R-GEN" in html and "R-OWN" not in html
    html = client.get(f"{R}/?impact=9").content.decode()  # a bad filter shows nothing, not everything
    assert "No risks match" in html and "R-GEN</a>" not in html


def test_export_columns_and_band_of_the_inherent_rating(rw, client_for):
    f.risk_matrix(rw.p, extreme_label="Serious")
    body = client_for(rw.users["viewer"]).get(f"{R}/?format=csv&sort=reference").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == [
        "reference", "title", "category", "sub_category", "impact", "likelihood", "rating", "band",
        "current_impact", "current_likelihood", "current_rating", "target_rating", "owner", "status",
        "review_due",
    ]  # fmt: skip
    gen = next(r for r in rows if r["reference"] == "R-GEN")
    assert (gen["rating"], gen["band"], gen["current_rating"]) == ("20", "Serious", "16")
    own = next(r for r in rows if r["reference"] == "R-OWN")
    assert (own["rating"], own["band"], own["current_rating"]) == ("12", "High", "")
    xlsx = client_for(rw.users["viewer"]).get(f"{R}/?format=xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.cell(1, 8).value == "band"


def _post_risk(client, **extra):
    data = {"reference": "R-NEW", "title": "A new risk", "status": "open", "inherent_impact": "5",
            "inherent_likelihood": "4", "target_impact": "2", "target_likelihood": "2", **extra}  # fmt: skip
    return client.post(f"{R}/new/", data)


def test_record_a_risk_keeps_its_first_review(rw, client_for):
    response = _post_risk(client_for(rw.users["commissioner"]), contract=rw.contract.pk)
    assert response.status_code == 302
    risk = Risk.objects.get(reference="R-NEW")
    assert risk.inherent_rating == 20 and risk.target_rating == 4 and risk.contract == rw.contract
    assert list(risk.reviews.values_list("impact", "likelihood")) == [(5, 4)]
    assert risk.history.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"inherent_impact": "6"}, "inherent_impact"),
        ({"inherent_impact": "0"}, "inherent_impact"),
        ({"inherent_likelihood": ""}, "inherent_likelihood"),
        ({"target_impact": "5", "target_likelihood": "5"}, "target_impact"),
        ({"reference": "r-own"}, "reference"),
        ({"reference": ""}, "reference"),
        ({"status": "escalated"}, "status"),
        ({"review_due": "31/02/2014"}, "review_due"),
        ({"title": "bad\x00title"}, "title"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(rw, client_for, extra, field):
    before = Risk.objects.count()
    response = _post_risk(client_for(rw.users["commissioner"]), **extra)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Risk.objects.count() == before


def test_foreign_links_are_refused_like_unknown_ones(rw, client_for):
    beta_board = f.board(rw.other, slug="beta-board")
    client = client_for(rw.users["commissioner"])
    foreign = _post_risk(client, board=beta_board.pk)
    unknown = _post_risk(client, board=987654)
    assert foreign.status_code == unknown.status_code == 400
    assert foreign.context["form"].errors["board"] == unknown.context["form"].errors["board"]


def test_stale_edit_is_refused_with_409(rw, client_for):
    risk = rw.own_risk
    stale = f.edited_elsewhere(risk, title="Changed elsewhere")
    response = client_for(rw.users["commissioner"]).post(
        f"{R}/{risk.pk}/edit/", {"reference": "R-OWN", "title": "Mine", "status": "open", "version": stale}
    )
    assert response.status_code == 409
    risk.refresh_from_db()
    assert risk.title == "Changed elsewhere"


def test_rescore_keeps_every_review_and_escalates_at_the_threshold(rw, client_for):
    f.risk_matrix(rw.p, escalation_threshold=15)
    risk, client = rw.own_risk, client_for(rw.users["commissioner"])
    data = {
        "version": risk.version,
        "impact": "3",
        "likelihood": "3",
        "reviewed_on": "2014-01-10",
        "note": "Better",
    }
    assert client.post(f"{R}/{risk.pk}/rescore/", data).status_code == 302
    risk.refresh_from_db()
    assert (risk.current_rating, risk.escalated) == (9, False)
    data = {**data, "version": risk.version, "impact": "5", "likelihood": "3", "reviewed_on": "2014-02-10"}
    assert client.post(f"{R}/{risk.pk}/rescore/", data).status_code == 302
    risk.refresh_from_db()
    assert (risk.current_rating, risk.escalated) == (15, True)
    assert [r.rating for r in RiskReview.objects.filter(risk=risk)] == [9, 15]
    html = client.get(f"{R}/{risk.pk}/").content.decode()
    assert "Rating of R-OWN over time" in html and html.count('class="jointly-risk-point"') == 2
    # a stale re-score: 409, nothing kept
    stale = {**data, "version": risk.version - 1, "impact": "1", "likelihood": "1"}
    assert client.post(f"{R}/{risk.pk}/rescore/", stale).status_code == 409
    assert RiskReview.objects.filter(risk=risk).count() == 2
    for bad in ({"impact": "6"}, {"likelihood": "0"}, {"reviewed_on": "soon"}, {"version": ""}):
        assert (
            client.post(f"{R}/{risk.pk}/rescore/", {**data, "version": risk.version, **bad}).status_code
            == 400
        )
    assert RiskReview.objects.filter(risk=risk).count() == 2


def test_heat_map_counts_cells_and_links_to_their_risks(rw, client_for):
    html = client_for(rw.users["viewer"]).get(f"{R}/heat-map/").content.decode()
    assert 'role="group"' in html and "heat-table-inherent" in html and "heat-table-current" in html
    assert "?basis=current&amp;impact=4&amp;likelihood=4" in html
    assert "Impact 4, likelihood 3: 2 risks" in html  # R-OWN and R-RIV inherent


def test_overdue_review_and_action_as_at_a_date(rw, client_for):
    risk = rw.own_risk
    risk.review_due = dt.date(2014, 1, 31)
    risk.save()
    client = client_for(rw.users["viewer"])
    assert "Review overdue" not in client.get(f"{R}/?as_at=2014-01-31").content.decode()
    assert "Review overdue" in client.get(f"{R}/?as_at=2014-02-01").content.decode()
    detail = client.get(f"{R}/{risk.pk}/?as_at=2014-04-01").content.decode()
    assert ">Overdue</strong>" in detail  # the action was due 2014-03-31
    assert ">Overdue</strong>" not in client.get(f"{R}/{risk.pk}/?as_at=2014-03-31").content.decode()
    assert client.get(f"{R}/?as_at=2014-13-01").status_code == 400


def test_matrix_page_admins_change_others_read(rw, client_for):
    data = {"low_label": "Low", "low_max": "3", "moderate_label": "Moderate", "moderate_max": "6",
            "high_label": "High", "high_max": "12", "extreme_label": "Serious", "escalation_threshold": "15"}  # fmt: skip
    assert client_for(rw.users["commissioner"]).post(f"{R}/matrix/", data).status_code == 403
    client = client_for(rw.users["partnership_admin"])
    assert client.post(f"{R}/matrix/", {**data, "high_max": "25"}).status_code == 400
    assert client.post(f"{R}/matrix/", {**data, "extreme_label": "high"}).status_code == 400
    assert client.post(f"{R}/matrix/", {**data, "low_max": ""}).status_code == 400  # was a crash (500)
    assert client.post(f"{R}/matrix/", data).status_code == 302
    assert "20 Serious" in client_for(rw.users["viewer"]).get(f"{R}/matrix/").content.decode()


def _upload(client, name, content):
    return client.post(f"{R}/import/", {"file": SimpleUploadedFile(name, content)})


def test_import_whole_or_nothing_with_problems_by_row_and_column(rw, client_for):
    client = client_for(rw.users["commissioner"])
    bad = b"reference,title,impact,likelihood,target_impact,target_likelihood\nN-1,Fine,4,3,,\nN-2,,7,3,,\nN-3,Odd,2,2,5,5\nN-1,Again,1,1,,\n"
    response = _upload(client, "r.csv", bad)
    assert response.status_code == 400
    problems = [str(p) for p in response.context["problems"]]
    assert any("row 3, column 'title'" in p for p in problems)
    assert any("row 3, column 'impact'" in p for p in problems)
    assert any("row 4, column 'target_impact'" in p for p in problems)
    assert any("row 5, column 'reference'" in p for p in problems)
    assert not Risk.objects.filter(reference__startswith="N-").exists()
    good = b"reference,title,category,impact,likelihood,status,review_due\nN-1,Fine,Corporate,4,3,open,2014-06-30\nR-OWN,Renamed,,4,3,accepted,\n"
    assert _upload(client, "r.csv", good).status_code == 302
    assert Risk.objects.get(reference="N-1").reviews.count() == 1
    assert Risk.objects.get(reference="R-OWN").status == "accepted"
    assert _upload(client, "r.pdf", b"%PDF-1.4").status_code == 400
    assert _upload(client, "r.xlsx", b"not a zip").status_code == 400


def test_import_reads_xlsx_and_round_trips_the_export(rw, client_for):
    client = client_for(rw.users["commissioner"])
    book = Workbook()
    book.active.append(["reference", "title", "impact", "likelihood"])
    book.active.append(["X-1", "From a spreadsheet", 5, 5])
    out = io.BytesIO()
    book.save(out)
    assert _upload(client, "r.xlsx", out.getvalue()).status_code == 302
    assert Risk.objects.get(reference="X-1").inherent_rating == 25
    exported = client.get(f"{R}/?format=csv").content
    assert _upload(client, "again.csv", exported).status_code == 302


def test_viewers_cannot_post_anything(rw, client_for):
    client = client_for(rw.users["viewer"])
    assert _post_risk(client).status_code == 403
    assert client.post(f"{R}/{rw.own_risk.pk}/rescore/", {}).status_code == 403
    assert _upload(client, "r.csv", b"reference,title\nA,B\n").status_code == 403
    assert not Risk.objects.filter(reference__in=["R-NEW", "A"]).exists()


def test_risks_on_the_records_they_threaten_and_the_thread(rw, client_for):
    viewer = client_for(rw.users["viewer"])
    contract_page = viewer.get(f"/p/alpha/contracts/{rw.contract.pk}/").content.decode()
    assert 'id="record-risks"' in contract_page and "R-OWN" in contract_page
    intention_page = viewer.get(f"/p/alpha/intentions/{rw.intention.reference}/").content.decode()
    assert "R-GEN" in intention_page
    rw.intention.outcomes.add(rw.outcome)
    thread = viewer.get(f"/p/alpha/outcomes/o/{rw.outcome.pk}/").content.decode()
    assert 'id="thread-risks"' in thread and "R-GEN" in thread
    provider = client_for(rw.users["provider"])
    own_contract = provider.get(f"/p/alpha/contracts/{rw.contract.pk}/").content.decode()
    assert "R-OWN" in own_contract
    assert "thread-risks" not in provider.get(f"/p/alpha/outcomes/o/{rw.outcome.pk}/").content.decode()
