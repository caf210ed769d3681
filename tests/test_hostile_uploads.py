"""Hostile and broken uploads on every import route (pages and API): 0 server errors, 0 partial writes,
size and role checked before the body is read, messages that never echo a whole cell (issue 15.3)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from jointly.contracts.models import Contract, ProcurementProject
from jointly.intentions.models import Intention
from jointly.needs import importer as needs_importer
from jointly.needs.models import IndicatorValue
from jointly.partnerships.models import Organisation
from jointly.performance.models import KpiReturn, ReturnRevision
from tests.needs.conftest import needs  # noqa: F401 - fixture
from tests.performance.conftest import perf  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
TABLES = sorted(CORPUS.glob("*.xlsx")) + sorted(CORPUS.glob("*.csv"))
JSONS = sorted(CORPUS.glob("*.json"))
BOUNDARY = "BoUnDaRyStRiNg"


def _name(path: Path) -> str:
    return path.name


class ExplodingStream:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError("the request body was read")

    readline = read


def post_unread(client: Client, url: str, size: int, **extra):
    """POST a multipart body of ``size`` bytes (by Content-Length) that must not be read."""
    return client.generic(
        "POST", url, data=b"x", content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(size), **{"wsgi.input": ExplodingStream()}, **extra,
    )  # fmt: skip


def intention_counts():
    return Intention.objects.count(), Intention.history.count()


def contract_counts():
    return Contract.objects.count(), ProcurementProject.objects.count(), Organisation.objects.count()


# --- intentions ---------------------------------------------------------------------------------


def test_intentions_problems_after_a_blank_line_name_the_spreadsheet_row(world, client_for):
    """Before the kernel, rows were counted after blank lines were dropped: this said row 3."""
    content = b"reference,title\nALP-50,Fine\n\nALP-51,\n"
    response = client_for(world.users["commissioner"]).post(
        f"/p/{world.p.slug}/intentions/import/", {"file": SimpleUploadedFile("r.csv", content)}
    )
    assert response.status_code == 400
    assert "row 4, column &#x27;title&#x27;: is empty" in response.content.decode()


@pytest.mark.parametrize("path", TABLES, ids=_name)
def test_intentions_page_refuses_every_corpus_file(world, client_for, path):
    before = intention_counts()
    response = client_for(world.users["commissioner"]).post(
        f"/p/{world.p.slug}/intentions/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    assert response.status_code == 400, (path.name, response.status_code)
    assert len(response.content) < 60_000  # no cell echoed whole
    assert intention_counts() == before


@pytest.mark.parametrize("name", ["entity-bomb.xlsx", "external-entity.xlsx"])
def test_intentions_xml_entities_are_a_clear_form_error_not_a_500(world, client_for, name):
    response = client_for(world.users["commissioner"]).post(
        f"/p/{world.p.slug}/intentions/import/",
        {"file": SimpleUploadedFile(name, (CORPUS / name).read_bytes())},
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert "root:" not in response.content.decode()


def test_intentions_export_round_trips_with_formula_looking_text(world, client_for):
    client = client_for(world.users["commissioner"])
    intention = Intention.objects.filter(partnership=world.p).first()
    Intention.objects.filter(pk=intention.pk).update(
        title='=HYPERLINK("http://evil.example","click")', aim="-cut waiting times", sro="@team"
    )
    for fmt in ("csv", "xlsx"):
        exported = client.get(f"/p/{world.p.slug}/intentions/?format={fmt}")
        assert exported.status_code == 200
        if fmt == "xlsx":
            ws = load_workbook(io.BytesIO(exported.content)).active
            assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
        response = client.post(
            f"/p/{world.p.slug}/intentions/import/",
            {"file": SimpleUploadedFile(f"register.{fmt}", exported.content)},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        intention.refresh_from_db()
        assert intention.title == '=HYPERLINK("http://evil.example","click")'
        assert (intention.aim, intention.sro) == ("-cut waiting times", "@team")


def test_intentions_formula_cell_from_elsewhere_is_a_warning_not_a_refusal(world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.post(
        f"/p/{world.p.slug}/intentions/import/",
        {"file": SimpleUploadedFile("r.csv", b"reference,title\nALP-60,=cmd|' /C calc'!A0\n")},
        follow=True,
    )
    assert response.status_code == 200
    assert Intention.objects.get(partnership=world.p, reference="ALP-60").title == "=cmd|' /C calc'!A0"
    assert "looks like a spreadsheet formula" in response.content.decode()


def test_intentions_size_and_role_are_checked_before_the_body_is_read(world, client_for, settings):
    settings.JOINTLY_MAX_UPLOAD_BYTES = 1024 * 1024
    url = f"/p/{world.p.slug}/intentions/import/"
    assert post_unread(client_for(world.users["viewer"]), url, 200 * 1024 * 1024).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["viewer"])
    assert post_unread(strict, url, 200 * 1024 * 1024).status_code == 403
    response = post_unread(client_for(world.users["commissioner"]), url, 200 * 1024 * 1024)
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()


def test_intentions_upload_still_needs_the_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["commissioner"])
    before = intention_counts()
    response = strict.post(
        f"/p/{world.p.slug}/intentions/import/",
        {"file": SimpleUploadedFile("r.csv", b"reference,title\nALP-70,No token\n")},
    )
    assert response.status_code == 403
    assert intention_counts() == before


# --- KPI returns ---------------------------------------------------------------------------------


def return_counts():
    return KpiReturn.objects.count(), ReturnRevision.objects.count()


@pytest.mark.parametrize("path", TABLES, ids=_name)
def test_returns_upload_refuses_every_corpus_file(perf, client_for, path):  # noqa: F811
    before = return_counts()
    response = client_for(perf.w.users["provider"]).post(
        f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert response.status_code == 400, (path.name, response.status_code)
    assert len(response.content) < 60_000
    assert return_counts() == before


def test_returns_unknown_column_message_quotes_an_excerpt(perf, client_for):  # noqa: F811
    header = b"kpi,period,numerator," + b"Z" * 150
    response = client_for(perf.w.users["provider"]).post(
        f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/",
        {"file": SimpleUploadedFile("r.csv", header + b"\nSG-L3,2023-06,1,2\n")},
    )
    assert response.status_code == 400
    assert "Z" * 41 not in response.content.decode()


def test_returns_size_and_role_before_the_body(perf, client_for, settings):  # noqa: F811
    settings.JOINTLY_MAX_UPLOAD_BYTES = 1024 * 1024
    url = f"/p/alpha/performance/contracts/{perf.contract.pk}/upload/"
    assert post_unread(client_for(perf.w.users["viewer"]), url, 200 * 1024 * 1024).status_code == 403
    assert post_unread(client_for(perf.w.users["provider"]), url, 200 * 1024 * 1024).status_code == 413


# --- indicator values ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.csv")), ids=_name)
def test_needs_importer_refuses_every_corpus_csv(needs, path):  # noqa: F811
    before = IndicatorValue.objects.count()
    log = needs_importer.import_file(io.BytesIO(path.read_bytes()), "template", file_name=path.name)
    assert log.status == "failed", path.name
    assert all(len(p["message"]) < 400 for p in log.problems)
    assert IndicatorValue.objects.count() == before


def test_needs_blank_lines_keep_their_row_numbers(needs):  # noqa: F811
    text = "indicator,area_code,period,sex,age,count,denominator\nbf,E10000012,2051,,,1,10\n\nbf,E10000012,2052,,,x,10\n"
    log = needs_importer.import_file(io.BytesIO(text.encode()), "template", file_name="v.csv")
    assert needs_importer.problems_for_display(log.problems) == ["row 4, column 'count': 'x' is not a number"]


@pytest.mark.parametrize("name", ["nul-bytes.csv", "huge-cell.csv", "latin1.csv", "empty.csv"])
def test_needs_api_answers_corpus_files_with_400(needs, name):  # noqa: F811
    client = APIClient()
    client.force_authenticate(needs.w.users["analyst"])
    before = IndicatorValue.objects.count()
    response = client.post(
        "/api/v1/indicator-values/import/",
        {"partnership": "alpha", "layout": "template",
         "file": SimpleUploadedFile(name, (CORPUS / name).read_bytes())},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400, response.content[:300]
    assert IndicatorValue.objects.count() == before


def test_needs_api_size_and_role_before_the_body(needs, client_for, settings):  # noqa: F811
    settings.JOINTLY_MAX_NEEDS_UPLOAD_BYTES = 1024 * 1024
    url = "/api/v1/indicator-values/import/"
    assert post_unread(client_for(needs.w.users["viewer"]), url, 100 * 1024).status_code == 403
    assert post_unread(client_for(needs.w.users["analyst"]), url, 200 * 1024 * 1024).status_code == 413
    page = f"/p/{needs.w.p.slug}/needs/import/"
    assert post_unread(client_for(needs.w.users["viewer"]), page, 200 * 1024 * 1024).status_code == 403
    assert post_unread(client_for(needs.w.users["analyst"]), page, 200 * 1024 * 1024).status_code == 413


# --- OCDS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", JSONS, ids=_name)
def test_ocds_page_and_api_refuse_every_corpus_json(world, client_for, path):
    client = client_for(world.users["commissioner"])
    before = contract_counts()
    page = client.post(
        f"/p/{world.p.slug}/contracts/ocds/import/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert page.status_code == 400, (path.name, page.status_code)
    assert len(page.content) < 60_000
    api = client.post(
        "/api/v1/contracts/ocds-import/?partnership=alpha", path.read_bytes(), content_type="application/json"
    )
    assert api.status_code == 400, (path.name, api.status_code, api.content[:300])
    assert len(api.content) < 60_000
    assert contract_counts() == before


def test_ocds_api_takes_a_file_too(world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.post(
        "/api/v1/contracts/ocds-import/?partnership=alpha",
        {"file": SimpleUploadedFile("p.json", (CORPUS / "deep.json").read_bytes())},
    )
    assert response.status_code == 400 and "deeper" in response.json()["problems"][0]


def test_ocds_size_and_role_before_the_body(world, client_for, settings):
    settings.JOINTLY_MAX_UPLOAD_BYTES = 1024 * 1024
    api = "/api/v1/contracts/ocds-import/?partnership=alpha"
    page = f"/p/{world.p.slug}/contracts/ocds/import/"
    for url in (api, page):
        assert post_unread(client_for(world.users["viewer"]), url, 200 * 1024 * 1024).status_code == 403, url
        assert post_unread(client_for(world.users["commissioner"]), url, 200 * 1024 * 1024).status_code == 413
