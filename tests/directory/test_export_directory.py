"""CSV and XLSX export of a partnership's directory entries: scoped, formula cells neutralised, and
never a confidential address or a contact person's details."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from jointly.directory.exporting import HEADERS, WITHHELD
from tests import factories
from tests.directory.conftest import REFUGE_ADDRESS, REFUGE_POSTCODE


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_holds_the_entries_and_never_a_confidential_address_or_a_contact_person(client, lo):
    lo.centres.how_to_access = '=HYPERLINK("http://evil.example")'
    lo.centres.save()
    confidential_place = factories.location(lo.breaks, name="Safe house", address_1="9 Hidden Row",
                                            postcode="CO2 8QQ", confidential=True)  # fmt: skip
    client.force_login(lo.w.users["commissioner"])
    response = client.get("/p/alpha/directory/?format=csv")
    text = response.content.decode("utf-8-sig")
    rows = {r["service"]: r for r in _csv(response)}
    assert list(rows["Children's centres"]) == HEADERS
    assert set(rows) >= {"Children's centres", "Short breaks", "Refuge and support"}
    assert rows["Children's centres"]["how to get it"].startswith("'=HYPERLINK")  # neutralised
    assert "CO1 1AA" in rows["Children's centres"]["locations"]
    assert rows["Refuge and support"]["locations"] == WITHHELD
    assert rows["Refuge and support"]["how to make contact instead"] == "Call the helpline."
    assert WITHHELD in rows["Short breaks"]["locations"]
    for secret in (REFUGE_ADDRESS, REFUGE_POSTCODE, confidential_place.address_1, "CO2 8QQ", "Safe house",
                   "centres@example.org", "Centre team"):  # fmt: skip
        assert secret not in text, secret

    book = load_workbook(io.BytesIO(client.get("/p/alpha/directory/?format=xlsx").content))
    sheet = book.active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert not any(REFUGE_ADDRESS in str(c.value) or "Safe house" in str(c.value) for c in cells)


def test_a_provider_exports_only_its_own_entries(client, lo):
    rival = factories.organisation(slug="rival-x", name="Rival X", kind="nhs_trust")
    factories.directory_entry(factories.service(lo.w.p, name="Rival's service", provider=rival), rival)
    client.force_login(lo.w.users["provider"])
    names = {r["service"] for r in _csv(client.get("/p/alpha/directory/?format=csv"))}
    assert "Rival's service" not in names and "Children's centres" in names
    client.force_login(lo.w.users["commissioner"])
    assert "Rival's service" in {r["service"] for r in _csv(client.get("/p/alpha/directory/?format=csv"))}


def test_an_unknown_format_shows_the_page(client, lo):
    client.force_login(lo.w.users["viewer"])
    response = client.get("/p/alpha/directory/?format=pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
