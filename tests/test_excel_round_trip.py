"""Issue 10.13: every download that has an import imports back unchanged, as CSV and as XLSX.

Pairs: the intentions register (``?format=csv|xlsx``) → the intentions import page. (The returns
template is a form to fill in, not a copy of data; OCDS has its own JSON round trip in
``tests/contracts``.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jointly.intentions.models import Intention
from tests import factories

pytestmark = pytest.mark.django_db


def _state(p):
    rows = []
    for i in Intention.objects.filter(partnership=p).order_by("reference"):
        rows.append(
            (
                i.reference, i.title, i.integrated, i.lead_commissioner_id, i.coordinating_commissioner_id,
                sorted(i.partner_commissioners.values_list("pk", flat=True)),
                sorted(i.themes.values_list("pk", flat=True)), sorted(i.outcomes.values_list("pk", flat=True)),
                i.stage, i.sro, i.lead_officer, i.start_date, i.end_date, i.aim, i.expected_outcome,
            )
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_intentions_register_downloads_import_back_unchanged(world, client_for, fmt):
    theme = world.theme
    factories.intention(
        world.p,
        world.council,
        title="=SUM(A1) looks like a formula",
        integrated=False,
        coordinating_commissioner=world.ccg,
        stage="do",
        sro="Jo Bloggs",
        lead_officer="-dash first",
        start_date=dt.date(2014, 4, 1),
        end_date=dt.date(2015, 3, 31),
        aim="Line one\nline two",
        expected_outcome="+ better outcomes",
        reference="ALP-50",
    ).partner_commissioners.set([world.ccg])
    Intention.objects.get(reference="ALP-50").themes.set([theme])
    Intention.objects.get(reference="ALP-50").outcomes.set([world.outcome])
    factories.intention(world.p, world.ccg, reference="ALP-51", start_date=dt.date(2013, 10, 1))
    client = client_for(world.users["commissioner"])
    before = _state(world.p)
    download = client.get(f"/p/{world.p.slug}/intentions/?format={fmt}")
    assert download.status_code == 200
    answer = client.post(
        f"/p/{world.p.slug}/intentions/import/",
        {"file": SimpleUploadedFile(f"register.{fmt}", download.content)},
    )
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    assert _state(world.p) == before


def test_a_download_resaved_by_a_spreadsheet_loads_its_dates(world, client_for):
    """A register saved again by a spreadsheet or pandas writes dates as ``2014-04-01 00:00:00``
    (text or a datetime cell): they load as the dates they are."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["reference", "title", "lead_commissioner", "start_date", "end_date"])
    wb.active.append(["ALP-60", "Resaved", "Alpha Council", "2014-04-01 00:00:00", dt.datetime(2015, 3, 31)])
    wb.active.append(["ALP-61", "Quoted", "Alpha Council", "'2014-04-01", "31/03/2015 00:00"])
    buffer = io.BytesIO()
    wb.save(buffer)
    client = client_for(world.users["commissioner"])
    answer = client.post(
        f"/p/{world.p.slug}/intentions/import/", {"file": SimpleUploadedFile("r.xlsx", buffer.getvalue())}
    )
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    for ref in ("ALP-60", "ALP-61"):
        i = Intention.objects.get(partnership=world.p, reference=ref)
        assert (i.start_date, i.end_date) == (dt.date(2014, 4, 1), dt.date(2015, 3, 31))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", None),
        (None, None),
        (dt.date(2014, 4, 1), dt.date(2014, 4, 1)),
        (dt.datetime(2014, 4, 1), dt.date(2014, 4, 1)),
        ("2014-04-01", dt.date(2014, 4, 1)),
        ("2014-04-01 00:00:00", dt.date(2014, 4, 1)),
        ("2014-04-01T00:00", dt.date(2014, 4, 1)),
        ("'2014-04-01", dt.date(2014, 4, 1)),
        ("01/04/2014", dt.date(2014, 4, 1)),
    ],
)
def test_parse_date_reads_what_spreadsheets_write(cell, expected):
    from jointly.core.imports import parse_date

    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("2014-04-01 10:30:00", "not a date"),
        (dt.datetime(2014, 4, 1, 10, 30), "time of day"),
        ("soon", "not a date"),
    ],
)
def test_parse_date_refuses_what_is_not_a_date(cell, words):
    from jointly.core.imports import parse_date

    with pytest.raises(ValueError, match=words):
        parse_date(cell)
