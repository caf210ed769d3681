"""Importing intentions from CSV/XLSX: whole or nothing, every problem by row and column."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jointly.intentions.models import Intention

pytestmark = pytest.mark.django_db


def upload(client, world, name, content):
    return client.post(f"/p/{world.p.slug}/intentions/import/", {"file": SimpleUploadedFile(name, content)})


GOOD = (
    "reference,title,lead_commissioner,partner_commissioners,themes,outcomes,stage,integrated,start_date,end_date\n"
    "ALP-01,Integrated early help (revised),Alpha Council,Alpha CCG,Early help,1,do,yes,2014-04-01,2015-03-31\n"
    "ALP-02,School nursing,alpha-ccg,,,,plan,no,01/04/2014,\n"
)


def test_import_creates_and_updates_with_history(world, client_for):
    client = client_for(world.users["commissioner"])
    response = upload(client, world, "register.csv", GOOD.encode())
    assert response.status_code == 302
    updated = Intention.objects.get(partnership=world.p, reference="ALP-01")
    assert updated.title == "Integrated early help (revised)"
    assert updated.stage == "do" and updated.version == 2
    assert list(updated.partner_commissioners.all()) == [world.ccg]
    assert updated.history.first().history_user == world.users["commissioner"]
    created = Intention.objects.get(partnership=world.p, reference="ALP-02")
    assert created.lead_commissioner == world.ccg and created.integrated is False
    assert str(created.start_date) == "2014-04-01"


def test_import_lists_every_problem_and_writes_nothing(world, client_for):
    client = client_for(world.users["commissioner"])
    bad = (
        "reference,title,lead_commissioner,themes,outcomes,stage,start_date,end_date,integrated\n"
        "ALP-09,,Nobody Council,Early help,1,plan,2014-04-01,2013-01-01,maybe\n"
        "ALP-10,Fine row,Alpha Council,Unknown theme,99,launch,not a date,,yes\n"
        "ALP-10,Duplicate,Beta Council,,,,,,\n"
    )
    before = (Intention.objects.count(), Intention.history.count())
    response = upload(client, world, "register.csv", bad.encode())
    assert response.status_code == 400
    text = response.content.decode()
    for expected in [
        "row 2, column &#x27;title&#x27;: is empty",
        "row 2, column &#x27;lead_commissioner&#x27;: &#x27;Nobody Council&#x27; is not an organisation",
        "row 2, column &#x27;end_date&#x27;: is before the start date",
        "row 2, column &#x27;integrated&#x27;",
        "row 3, column &#x27;themes&#x27;: &#x27;Unknown theme&#x27;",
        "row 3, column &#x27;outcomes&#x27;: &#x27;99&#x27;",
        "row 3, column &#x27;stage&#x27;",
        "row 3, column &#x27;start_date&#x27;",
        "row 4, column &#x27;reference&#x27;: &#x27;ALP-10&#x27; is already used on row 3",
        "row 4, column &#x27;lead_commissioner&#x27;: &#x27;Beta Council&#x27;",
    ]:
        assert expected in text, expected
    assert (Intention.objects.count(), Intention.history.count()) == before


def test_import_xlsx(world, client_for):
    wb = Workbook()
    wb.active.append(["reference", "title", "lead_commissioner"])
    wb.active.append(["ALP-20", "Speech and language therapy", "Alpha Council"])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = upload(client_for(world.users["partnership_admin"]), world, "register.xlsx", buffer.getvalue())
    assert response.status_code == 302
    assert Intention.objects.filter(reference="ALP-20", partnership=world.p).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.txt", b"reference,title\n", "Upload a .csv or .xlsx file."),
        ("register.csv", "reference,title\nA,\u00e9".encode("latin-1"), "not UTF-8"),
        ("register.csv", b"title\nSomething\n", "Missing column(s): reference"),
        ("register.csv", b"reference,title\n", "no data rows"),
        ("register.xlsx", b"not a workbook", "could not be read as an Excel workbook"),
    ],
)
def test_import_rejects_unusable_files(world, client_for, name, content, message):
    before = Intention.objects.count()
    response = upload(client_for(world.users["commissioner"]), world, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Intention.objects.count() == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [("commissioner", 200), ("partnership_admin", 200), ("viewer", 403), ("analyst", 403),
     ("finance", 403), ("provider", 403), ("outsider", 404), ("admin", 200)],
)  # fmt: skip
def test_import_page_access(world, client_for, who, expected):
    user = world.users.get(who) or getattr(world, who)
    assert client_for(user).get(f"/p/{world.p.slug}/intentions/import/").status_code == expected
    if expected != 200:
        before = Intention.objects.count()
        assert upload(client_for(user), world, "register.csv", GOOD.encode()).status_code == expected
        assert Intention.objects.count() == before


def test_import_template_download(world, client_for):
    response = client_for(world.users["commissioner"]).get(f"/p/{world.p.slug}/intentions/import/?template=1")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("reference,title,")


def test_only_check_shows_what_would_change_and_saves_nothing(world, client_for):
    client = client_for(world.users["commissioner"])
    before = {i.reference: (i.title, i.version) for i in Intention.objects.filter(partnership=world.p)}
    response = client.post(
        f"/p/{world.p.slug}/intentions/import/",
        {"file": SimpleUploadedFile("register.csv", GOOD.encode()), "check_only": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Checked: nothing has been saved" in page
    assert "would add 1 intention and update 1" in page
    assert "Would add: ALP-02" in page and "Would update: ALP-01" in page
    assert {
        i.reference: (i.title, i.version) for i in Intention.objects.filter(partnership=world.p)
    } == before
