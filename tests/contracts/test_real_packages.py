"""Real Contracts Finder packages load as published: quirks become warnings, buyers and every
supplier are kept, and re-importing our own export matches by ocid.

``data/contracts_finder_2025-01-23_excerpt.release-package.json`` is 10 releases of the shared
100-release package, unchanged (see ``data/README.md``); the whole package is read from the
shared reference folder when it is there.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from jointly.contracts import actions, exporting
from jointly.contracts.models import Contract, PartyIdentifier, ProcurementProject
from jointly.partnerships.models import MemberRole, Organisation, PartnershipMember
from tests.paths import REFERENCE

pytestmark = pytest.mark.django_db

EXCERPT = Path(__file__).parent / "data" / "contracts_finder_2025-01-23_excerpt.release-package.json"
FULL = REFERENCE / "real_files" / "contracts_finder_2025-01-23_100_releases.release-package.json"
DPS = "ocds-b5fd17-d1441223-b3e7-45a9-9ff6-88fcdad59f37"  # Home to School DPS, 12 suppliers
BAD_LINK = "ocds-b5fd17-b6ab5943-23fc-44f1-b12f-9331c6049f58"  # "url": "http://Contract Finder"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def latest_releases(data: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for release in sorted(data["releases"], key=lambda r: r.get("date", "")):
        out[release["ocid"]] = release
    return out


def clean(name: str) -> str:
    """A party's name as the importer keeps it: spaces collapsed, a trailing comma dropped."""
    return " ".join(name.strip().rstrip(",").split())


def check_against_file(partnership, data: dict) -> None:
    """Every process of the file is in the register, with its buyer, every supplier and its value."""
    for ocid, release in latest_releases(data).items():
        contract = Contract.objects.filter(partnership=partnership, ocid=ocid).first()
        project = ProcurementProject.objects.filter(partnership=partnership, ocid=ocid).first()
        assert (contract is None) != (project is None), ocid
        record = contract or project
        assert record.title == release["tender"]["title"].strip()[:400]
        if release.get("buyer"):
            assert record.buyer is not None and record.buyer.name == clean(release["buyer"]["name"])
        if contract is not None:
            award = next(a for a in release["awards"] if a.get("status") == "active")
            names = {clean(s["name"]) for s in award["suppliers"]}
            assert {o.name for o in contract.suppliers.all()} == names
            assert contract.provider.name == clean(award["suppliers"][0]["name"])
            amount = (award.get("value") or release["tender"].get("value") or {}).get("amount")
            assert contract.value == (
                None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01"))
            )
            assert str(contract.start_date) == award["contractPeriod"]["startDate"][:10]
            assert str(contract.end_date) == award["contractPeriod"]["endDate"][:10]


def test_the_package_loads_unchanged_with_the_bad_link_as_a_warning(world):
    data = load(EXCERPT)
    result = actions.import_ocds(world.p, data, by=world.users["commissioner"])
    assert result.ok, result.problems
    report = next(r for r in result.reports if r.ocid == BAD_LINK)
    assert report.created and any(
        "'http://Contract Finder' is not a URL: link dropped" in w for w in report.warnings
    )
    check_against_file(world.p, data)
    dps = Contract.objects.get(ocid=DPS)
    assert dps.suppliers.count() == 12
    assert any("12 suppliers recorded" in n for r in result.reports if r.ocid == DPS for n in r.notes)


def test_buyers_are_kept_matched_by_identifier_and_lead_only_when_ours(world):
    durham = Organisation.objects.create(slug="durham", name="Durham County Council", kind="council")
    PartnershipMember.objects.create(partnership=world.p, organisation=durham, role=MemberRole.PARTNER)
    result = actions.import_ocds(world.p, load(EXCERPT), by=None)
    assert result.ok, result.problems
    ours = [
        r for r in (*Contract.objects.all(), *ProcurementProject.objects.all()) if r.buyer_id == durham.pk
    ]
    assert ours and all(r.lead_commissioner_id == durham.pk for r in ours)
    others = [
        r for r in (*Contract.objects.all(), *ProcurementProject.objects.all()) if r.buyer_id != durham.pk
    ]
    assert others and all(r.lead_commissioner_id is None and r.buyer_id for r in others)
    ofcom = Organisation.objects.get(name="Ofcom")
    assert ofcom.kind == "public_body"
    assert PartyIdentifier.objects.get(scheme="GB-GOR", identifier="OT385").organisation == ofcom
    assert PartyIdentifier.objects.get(scheme="GB-LAE", identifier="DUR").organisation == durham
    # a later import finds Ofcom by its identifier even under another name
    ofcom.name = "Office of Communications"
    ofcom.save()
    again = load(EXCERPT)
    for release in again["releases"]:
        release["ocid"] += "-again"
    result = actions.import_ocds(world.p, again, by=None)
    assert result.ok and not Organisation.objects.filter(name="Ofcom").exists()
    assert any("matched by identifier GB-GOR OT385" in n for r in result.reports for n in r.notes)


def test_schema_errors_in_what_jointly_stores_still_refuse_the_package(world):
    data = load(EXCERPT)
    data["releases"][0]["awards"][0]["value"]["amount"] = "a lot"
    result = actions.import_ocds(world.p, data, by=None)
    assert not result.ok and any("awards/0/value/amount" in p for p in result.problems)
    assert Contract.objects.count() == 0


def test_reimporting_our_own_export_matches_by_ocid(world):
    actions.import_ocds(world.p, load(EXCERPT), by=None)
    Contract.objects.filter(ocid=DPS).update(ocid="")  # a contract typed in by hand has no ocid
    exported = exporting.ocds_package(world.p)
    before = (Contract.objects.count(), ProcurementProject.objects.count(), Organisation.objects.count())
    result = actions.import_ocds(world.p, exported, by=None)
    assert result.ok, result.problems
    assert result.contracts_created == result.procurements_created == 0
    assert (
        Contract.objects.count(),
        ProcurementProject.objects.count(),
        Organisation.objects.count(),
    ) == before
    dps = next(r for r in exported["releases"] if r["ocid"].startswith("ocds-jntly0-alpha-c"))
    assert len(dps["awards"][0]["suppliers"]) == 12


def test_cli_prints_warnings_and_buyers(world):
    out = io.StringIO()
    call_command("import", "ocds", "--partnership", "alpha", "--input", str(EXCERPT), stdout=out)
    text = out.getvalue()
    assert "    warning: document '2': link 'http://Contract Finder' is not a URL: link dropped" in text
    assert "buyer 'Met Office' added as an organisation (other public body)" in text
    assert "recorded as the buyer, lead commissioner left blank" in text


@pytest.mark.skipif(not FULL.is_file(), reason="the shared reference files are not beside this checkout")
def test_the_whole_shared_package_loads_unchanged(world):
    data = load(FULL)
    result = actions.import_ocds(world.p, data, by=None)
    assert result.ok, result.problems
    assert result.contracts_created + result.procurements_created == len(latest_releases(data)) == 94
    check_against_file(world.p, data)
    assert Contract.objects.get(ocid=DPS).suppliers.count() == 12


def test_detail_pages_show_the_buyer_and_every_supplier(world, client_for):
    from django.urls import reverse

    actions.import_ocds(world.p, load(EXCERPT), by=None)
    client = client_for(world.users["viewer"])
    dps = Contract.objects.get(ocid=DPS)
    page = client.get(reverse("contracts:detail", args=["alpha", dps.pk])).content.decode()
    assert 'id="contract-buyer">Welland Procurement Unit<' in page
    assert page.count("<li>", page.index('id="contract-suppliers"')) >= 12
    project = ProcurementProject.objects.get(ocid=BAD_LINK)
    page = client.get(reverse("contracts:procurement", args=["alpha", project.pk])).content.decode()
    assert 'id="procurement-buyer">' in page
