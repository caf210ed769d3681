"""Issue 9 items 3, 4 and 7: agreements as the law has them, reporting lines, honest demo data."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from jointly.contracts.models import FundingShare
from jointly.demo import loader
from jointly.intentions import reports
from jointly.intentions.models import Intention, ProgressUpdate
from jointly.partnerships import diagram
from jointly.partnerships.models import (
    Agreement,
    Board,
    Meeting,
    Organisation,
    Partnership,
    ReportingLine,
    validate_legal_bases,
)
from tests import factories
from tests.factories import api_token

# --- model validation ---------------------------------------------------------------------------


def probe(w: factories.World, **kw: object) -> Agreement:
    values = {
        "partnership": w.p,
        "kind": "section_75",
        "legal_bases": ["section_75"],
        "fund_type": "none",
        **kw,
    }
    return Agreement(**values)


def test_several_legal_bases_at_once_are_valid(world):
    a = probe(world, legal_bases=["section_75", "section_256"])
    assert a.problems([world.council, world.ccg]) == {}
    assert a.legal_bases_short == "Section 75/256"
    validate_legal_bases(["section_75", "section_76"])
    with pytest.raises(ValidationError):
        validate_legal_bases(["section_75", "section_75"])
    with pytest.raises(ValidationError):
        validate_legal_bases(["section_99"])


def test_statutory_kind_needs_its_own_basis(world):
    assert "legal_bases" in probe(world, legal_bases=[]).problems([world.council])
    assert "legal_bases" in probe(world, kind="section_76", legal_bases=["section_75"]).problems(
        [world.council]
    )
    assert probe(world, kind="mou", legal_bases=[]).problems([world.council]) == {}


def test_flexibilities_and_pooling_agree(world):
    parties = [world.council, world.ccg]
    assert "flexibilities" in probe(
        world, kind="mou", legal_bases=[], flexibilities=["lead_commissioning"]
    ).problems(parties)
    # A pooled fund is the pooled-fund flexibility, and the other way round.
    assert "fund_type" in probe(world, flexibilities=["pooled_fund"]).problems(parties)
    assert "flexibilities" in probe(world, fund_type="pooled").problems(parties)
    assert (
        probe(world, fund_type="pooled", flexibilities=["pooled_fund"], pool_manager=world.council).problems(
            parties
        )
        == {}
    )
    # Lead commissioning without pooling (seed 004's case) is fine, and has no pool manager.
    assert "pool_manager" in probe(
        world, flexibilities=["lead_commissioning"], pool_manager=world.council
    ).problems(parties)


def test_named_bodies_must_be_parties_and_delegation_goes_somewhere(world):
    a = probe(world, delegated_by=world.ccg, delegated_to=world.council, flexibilities=["lead_commissioning"])
    assert a.problems([world.council, world.ccg]) == {}
    assert a.problems([world.council]) == {"delegated_by": "The delegating body must be one of the parties."}
    assert "delegated_to" in probe(world, delegated_by=world.ccg, delegated_to=world.ccg).problems(
        [world.ccg]
    )
    assert a.reporting_duties() == [
        "Alpha Council exercises NHS functions for Alpha CCG and reports to it quarterly and yearly."
    ]


def test_section_256_and_76_money_runs_the_lawful_way(world):
    parties = [world.council, world.ccg]
    s256 = probe(world, kind="section_256", legal_bases=["section_256"], transfer_amount=Decimal("975000.00"))
    assert s256.problems(parties) == {}
    assert probe(world, kind="section_256", legal_bases=["section_256"], transfer_from=world.ccg,
                 transfer_to=world.council).problems(parties) == {}  # fmt: skip
    wrong = probe(world, kind="section_256", legal_bases=["section_256"], transfer_from=world.council,
                  transfer_to=world.ccg)  # fmt: skip
    assert wrong.problems(parties) == {"transfer_to": "Under Section 256 an NHS body pays a local authority."}
    s76 = probe(world, kind="section_76", legal_bases=["section_76"], transfer_from=world.council,
                transfer_to=world.ccg)  # fmt: skip
    assert s76.problems(parties) == {}
    assert "transfer_amount" in probe(world, transfer_amount=Decimal("1")).problems(parties)  # s75 alone
    assert "transfer_amount" in probe(world, kind="section_256", legal_bases=["section_256"],
                                      transfer_amount=Decimal("-1")).problems(parties)  # fmt: skip


def test_reporting_line_rules(world):
    trust = factories.board(world.p, slug="trust")
    beta = factories.board(world.other, slug="beta")
    line = ReportingLine.objects.create(board=world.board, to_board=trust, cadence="annual")
    assert [(v.to_board, v.cadence_label, v.principal) for v in world.board.all_reporting_lines()] == [
        (trust, "Annually", False)
    ]
    with pytest.raises(ValidationError):
        ReportingLine(board=world.board, to_board=beta).clean()
    world.board.reports_to = factories.board(world.p, slug="hwb")
    world.board.reporting_cadence = "every_other_month"
    world.board.save()
    with pytest.raises(ValidationError):
        ReportingLine(board=world.board, to_board=world.board.reports_to).clean()
    lines = world.board.all_reporting_lines()
    assert [(v.cadence_label, v.principal) for v in lines] == [
        ("Every other month", True),
        ("Annually", False),
    ]
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReportingLine.objects.create(board=world.board, to_board=trust)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ReportingLine.objects.create(board=world.board, to_board=world.board)
    assert line.pk


def test_diagram_draws_further_lines_dashed_with_their_cadence():
    boxes, edges, _, _ = diagram.layout(
        [(1, "Board", None, "/1"), (2, "Group", 1, "/2"), (3, "Trust", None, "/3")],
        extra=[(2, 3, "Annually")],
        labels={2: "Monthly"},
    )
    assert len(boxes) == 3
    solid = [e for e in edges if not e.dashed]
    dashed = [e for e in edges if e.dashed]
    assert [e.label for e in solid] == ["Monthly"]
    assert [e.label for e in dashed] == ["Annually"]


# --- forms, pages, API ----------------------------------------------------------------------------


def agreement_post(w: factories.World, **kw: object) -> dict[str, object]:
    return {"title": "Reablement", "slug": "reablement", "kind": "section_256", "parties": [w.council.pk, w.ccg.pk],
            "fund_type": "none", **kw}  # fmt: skip


def test_agreement_form_adds_the_implied_basis_and_refuses_money_the_wrong_way(client, world):
    client.force_login(world.users["partnership_admin"])
    response = client.post("/p/alpha/agreements/new/", agreement_post(world, legal_bases=["section_75"],
                           transfer_amount="975000.00", transfer_from=world.ccg.pk, transfer_to=world.council.pk,
                           transfer_purpose="Reablement"))  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    a = Agreement.objects.get(slug="reablement")
    assert a.legal_bases == ["section_256", "section_75"]
    assert a.transfer_amount == Decimal("975000.00")
    response = client.post("/p/alpha/agreements/new/", agreement_post(world, slug="wrong",
                           transfer_from=world.council.pk, transfer_to=world.ccg.pk))  # fmt: skip
    assert response.status_code == 400
    assert "Under Section 256 an NHS body pays a local authority." in response.content.decode()
    assert not Agreement.objects.filter(slug="wrong").exists()


def test_agreement_page_shows_the_law_and_the_disagreement(client, world):
    a = world.agreement
    a.legal_bases = ["section_75", "section_256"]
    a.flexibilities = ["lead_commissioning"]
    a.delegated_by, a.delegated_to = world.ccg, world.council
    a.managing_board = world.board
    a.sources_disagree = "Part A: no pooling.\nPart B: transfer of funding."
    a.illustrative, a.source = True, "seed 004"
    a.save()
    a.parties.add(world.ccg)
    client.force_login(world.users["viewer"])
    html = client.get(a.get_absolute_url()).content.decode()
    for text in ("Section 75 (partnership arrangements)", "Section 256 (NHS payments to local authorities)",
                 "Section 75/256", "Lead commissioning", "Alpha CCG delegates to Alpha Council",
                 "The source papers disagree", "Part B: transfer of funding.", "Integrated Commissioning Board",
                 "reports to it quarterly and yearly", "Some values here are illustrative", "seed 004"):  # fmt: skip
        assert text in html, text


def test_board_pages_show_every_line_and_the_flag(client, world):
    hwb = factories.board(world.p, slug="hwb", name="Health and Wellbeing Board")
    committee = factories.board(world.p, slug="committee", name="Health Committee")
    b = world.board
    b.reports_to, b.reporting_cadence, b.illustrative, b.source = hwb, "regular", True, "seed 004"
    b.save()
    ReportingLine.objects.create(board=b, to_board=committee, cadence="as_requested", notes="When asked")
    Meeting.objects.create(
        board=b, date="2014-06-10", title="Inaugural", illustrative=True, source="illustrative"
    )
    client.force_login(world.users["partnership_admin"])
    html = client.get(b.get_absolute_url()).content.decode()
    for text in ("Health and Wellbeing Board", "Regularly (no set interval)", "Health Committee", "As requested",
                 "When asked", "principal line", "Some values here are illustrative", "Illustrative"):  # fmt: skip
        assert text in html, text
    governance = client.get("/p/alpha/governance/").content.decode()
    assert 'stroke-dasharray="6 4"' in governance and ">As requested</text>" in governance
    assert "Health Committee: as requested" in governance  # the list version
    assert "Health and Wellbeing Board: regularly (no set interval)" in governance
    response = client.post("/p/alpha/boards/icb/lines/new/", {"to_board": hwb.pk, "cadence": "annual"})
    assert response.status_code == 400  # the principal line already goes there


def test_api_carries_the_new_fields(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(world.users['partnership_admin'])}")
    created = api.post("/api/v1/agreements/", {
        "partnership": "alpha", "slug": "nee", "kind": "section_256", "title": "Reablement",
        "parties": ["alpha-council", "alpha-ccg"], "transfer_amount": "975000.00", "transfer_from": "alpha-ccg",
        "transfer_to": "alpha-council", "transfer_purpose": "Half of the reablement money", "illustrative": False,
        "source": "seed 001, section 7",
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["legal_bases"] == ["section_256"]
    assert body["transfer_amount"] == "975000.00"
    assert body["source"] == "seed 001, section 7"
    wrong = api.post("/api/v1/agreements/", {
        "partnership": "alpha", "slug": "s76", "kind": "section_76", "title": "Wrong way",
        "parties": ["alpha-council", "alpha-ccg"], "transfer_from": "alpha-ccg", "transfer_to": "alpha-council",
    }, format="json")  # fmt: skip
    assert wrong.status_code == 400
    assert "Under Section 76 a local authority pays an NHS body." in str(wrong.json())
    trust = factories.board(world.p, slug="trust")
    line = api.post("/api/v1/reporting-lines/", {"board": world.board.pk, "to_board": trust.pk,
                    "cadence": "every_other_month"}, format="json")  # fmt: skip
    assert line.status_code == 201, line.json()
    board = api.get(f"/api/v1/boards/{world.board.pk}/").json()
    assert board["reporting_lines"][0]["cadence"] == "every_other_month"
    assert {"illustrative", "source", "reporting_cadence"} <= set(board)
    progress = api.get(f"/api/v1/progress/{world.progress.pk}/").json()
    assert {"illustrative", "rag_illustrative", "source"} <= set(progress)


# --- demo data ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_data_tells_the_papers_truthfully():
    loader.load(with_users=False)
    cam = Agreement.objects.get(slug="cambridgeshire-s75-childrens-health")
    assert cam.legal_bases == ["section_75", "section_256"]
    assert cam.flexibilities == ["lead_commissioning"]
    assert (cam.delegated_by.slug, cam.delegated_to.slug) == ("cambridgeshire-peterborough-ccg",
                                                              "cambridgeshire-county-council")  # fmt: skip
    assert cam.delegated_functions.count() == 5  # seed 004 §2.3
    assert cam.fund_type != "pooled" and cam.managing_board.slug == "cambridgeshire-chjcb"
    assert "further align or pool" in cam.sources_disagree and "transfer of funding" in cam.sources_disagree
    assert not FundingShare.objects.filter(contract__partnership__slug="cambridgeshire",
                                           funding_stream="pooled_fund").exists()  # fmt: skip
    nee = Agreement.objects.get(slug="nee-ecc-s256-reablement-2013-14")
    assert nee.transfer_amount == Decimal("975000.00")  # 50% of £1.950m (seed 001)
    assert (nee.transfer_from.slug, nee.transfer_to.slug) == ("north-east-essex-ccg", "essex-cc")
    assert "£1.950m" in nee.transfer_purpose
    assert Agreement.objects.get(slug="leverton-hall-s75-76").legal_bases == ["section_75", "section_76"]
    kinds = set(Agreement.objects.values_list("kind", flat=True))
    assert {"business_transfer", "collaborative", "jointly_funded_post"} <= kinds

    chjcb = Board.objects.get(slug="cambridgeshire-chjcb")
    lines = {(v.to_board.slug, v.cadence) for v in chjcb.all_reporting_lines()}
    assert lines == {
        ("cambridgeshire-ccg-childrens-programme-board", "regular"),
        ("cambridgeshire-cyp-committee", "annual"),
        ("cambridgeshire-health-committee", "as_requested"),
        ("cambridgeshire-childrens-trust", "regular"),
    }
    for slug in ("north-essex-mcyp-icsg", "south-essex-mcyp-icsg"):
        targets = {v.to_board.slug for v in Board.objects.get(slug=slug).all_reporting_lines()}
        assert targets == {"essex-hwb-bmg", "essex-cypf-partnership"}

    # Flags survive the load, and every record says where it came from.
    assert Board.objects.get(slug="derby-hwb").illustrative
    assert not Meeting.objects.filter(title__endswith="(illustrative)").exists()
    assert Meeting.objects.filter(illustrative=True, source="illustrative").count() >= 10
    assert not Board.objects.filter(source="").exists()
    assert not Agreement.objects.filter(source="").exists()
    assert not ProgressUpdate.objects.filter(source="").exists()
    derby = ProgressUpdate.objects.filter(intention__partnership__slug="derby")
    assert derby.exists() and all(u.rag_illustrative and not u.illustrative for u in derby)
    invented = ProgressUpdate.objects.filter(intention__reference="ESX-I01")
    assert invented.exists() and all(u.illustrative and u.source == "illustrative" for u in invented)
    assert Intention.objects.get(reference="DER-02").outcomes_inferred

    # The progress report labels invented ratings and narratives in the CSV and the DOCX.
    report = reports.build(Partnership.objects.get(slug="derby"), "2013/14 Q2", as_at=dt.date(2013, 9, 30))
    rows = [reports.CSV_HEADERS, *reports.csv_rows(report)]
    table = list(csv.reader(io.StringIO("\n".join(",".join(f'"{c}"' for c in r) for r in rows))))
    assert table[0][-1] == "illustrative"
    assert {r[-1] for r in table[1:]} == {"RAG"}
    assert report.illustrative_count == 8
    from docx import Document

    doc = Document(io.BytesIO(reports.render_docx(report)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(c.endswith("(illustrative)") for c in cells)
    assert any("marked illustrative" in p.text for p in doc.paragraphs)
    essex = reports.build(Partnership.objects.get(slug="essex"), "2013/14 Q3", as_at=dt.date(2013, 12, 8))
    assert any(c.startswith("(Illustrative)") or "(Illustrative)" in c for c in [
        cell.text for t in Document(io.BytesIO(reports.render_docx(essex))).tables for row in t.rows
        for cell in row.cells])  # fmt: skip

    # A second load changes nothing.
    assert not loader.load(with_users=False)


def test_progress_report_page_marks_illustrative_ratings(client, world):
    world.progress.rag_illustrative = True
    world.progress.save()
    client.force_login(world.users["viewer"])
    html = client.get(f"/p/alpha/intentions/report/?period={world.progress.period}").content.decode()
    assert 'id="illustrative-note"' in html
    assert "govuk-tag--yellow jointly-illustrative" in html  # a tag in the row, not the page-wide notice
    assert "Some values here are illustrative" not in html


# --- data migrations ------------------------------------------------------------------------------


def test_migration_converts_agreements_and_meetings(world):
    s256 = factories.agreement(world.p, world.ccg, slug="s256", kind="section_256")
    s256.parties.add(world.council)
    fn = factories.function()
    world.agreement.delegated_functions.add(fn)
    world.agreement.parties.add(world.ccg)
    meeting = Meeting.objects.create(board=world.board, date="2014-01-01", title="Board (illustrative)")
    migration = importlib.import_module("jointly.partnerships.migrations.0003_convert_agreements_agreements")
    migration.forwards(django_apps, None)
    s256.refresh_from_db()
    world.agreement.refresh_from_db()
    meeting.refresh_from_db()
    assert s256.legal_bases == ["section_256"]
    assert world.agreement.legal_bases == ["section_75"]
    assert (world.agreement.delegated_by, world.agreement.delegated_to) == (world.ccg, world.council)
    assert (meeting.title, meeting.illustrative) == ("Board", True)
    migration.forwards(django_apps, None)  # twice is harmless
    world.agreement.refresh_from_db()
    assert world.agreement.legal_bases == ["section_75"]
    migration.backwards(django_apps, None)
    meeting.refresh_from_db()
    assert meeting.title == "Board (illustrative)"


def test_migration_marks_ratings_of_illustrative_intentions(world):
    world.intention.illustrative = True
    world.intention.save()
    migration = importlib.import_module("jointly.intentions.migrations.0004_convert_progress_agreements")
    migration.forwards(django_apps, None)
    world.progress.refresh_from_db()
    assert world.progress.rag_illustrative and not world.progress.illustrative


def test_migration_moves_funding_shares_out_of_a_pool_that_does_not_exist(world):
    from jointly.contracts.models import Contract

    contract = Contract.objects.create(
        partnership=world.p, reference="C1", title="Community health", provider=world.provider,
        lead_commissioner=world.ccg, contract_type="nhs_standard", start_date="2014-04-01", end_date="2016-03-31",
        value=Decimal("100"),
    )  # fmt: skip
    share = FundingShare.objects.create(contract=contract, commissioner=world.ccg, financial_year="2014/15",
                                        funding_stream="pooled_fund", amount=Decimal("50"))  # fmt: skip
    migration = importlib.import_module("jointly.contracts.migrations.0003_not_pooled_agreements")
    migration.forwards(django_apps, None)
    share.refresh_from_db()
    assert share.funding_stream == "nhs_allocation"
    assert Organisation.objects.filter(pk=world.ccg.pk).exists()
