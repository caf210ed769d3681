"""OCDS: export validates (offline, zero errors); the real Contracts Finder package imports;
a broken package imports nothing; round trip validates; CLI commands."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from jointly.contracts import actions, exporting, ocds
from jointly.contracts.models import Contract, OcdsImportLog, ProcurementProject
from jointly.partnerships.models import Organisation
from tests import paths

pytestmark = pytest.mark.django_db

EXAMPLES = paths.OCDS / "examples"
CF = EXAMPLES / "contracts_finder_2025-01-23_health_social_care_children.release-package.json"


def cf_package():
    return json.loads(CF.read_text(encoding="utf-8"))


def test_known_valid_examples_validate_and_a_broken_one_does_not():
    for name in ("fictional_ocds-213czf-000-00001.release-package.json",
                 "fictional_ocds-213czf-000-00001.record-package.json"):  # fmt: skip
        assert ocds.validate(json.loads((EXAMPLES / name).read_text())) == []
    broken = cf_package()
    broken["publishedDate"] = "yesterday"
    broken["releases"][0]["tag"] = ["nonsense"]
    broken["releases"][0]["tender"]["status"] = "open-ish"
    broken["releases"][0]["tender"]["value"] = {"amount": "lots", "currency": "XXY"}
    problems = ocds.validate(broken)
    assert len(problems) >= 5
    assert any(p.startswith("publishedDate") for p in problems)


def test_export_release_and_record_packages_validate(cw):
    from jointly.contracts.models import ContractDocument, ContractSubcontractor

    cw.variation.status = "approved"
    cw.variation.save()
    ContractDocument.objects.create(contract=cw.own, title="Spec", url="https://example.org/s.pdf")
    ContractSubcontractor.objects.create(contract=cw.own, organisation=cw.w.council, role="Parenting")
    cw.project.replaces.add(cw.other)
    release = exporting.ocds_package(cw.w.p)
    assert ocds.validate(release) == []
    assert len(release["releases"]) == 3
    contracts = [r for r in release["releases"] if "contracts" in r]
    own = next(r for r in contracts if r["contracts"][0]["id"] == "OWN-1")
    assert own["contracts"][0]["value"]["amount"] == 105000
    assert own["contracts"][0]["amendments"][0]["description"] == "More capacity"
    record = exporting.ocds_package(cw.w.p, kind="record")
    assert ocds.validate(record) == []
    assert len(record["records"]) == 3


def test_export_page_and_api(cw, client_for):
    client = client_for(cw.w.users["viewer"])
    response = client.get(reverse("contracts:ocds_export", args=["alpha"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert ocds.validate(json.loads(response.content)) == []
    record = client.get(reverse("contracts:ocds_export", args=["alpha"]) + "?kind=record")
    assert ocds.validate(json.loads(record.content)) == []
    api = client.get("/api/v1/contracts/ocds/?partnership=alpha&kind=record")
    assert api.status_code == 200 and ocds.validate(api.json()) == []
    provider = client_for(cw.w.users["provider"])
    assert provider.get("/api/v1/contracts/ocds/?partnership=alpha").status_code == 403
    assert client_for(cw.w.outsider).get("/api/v1/contracts/ocds/?partnership=alpha").status_code == 404


def test_contracts_finder_package_imports_and_round_trips(world):
    user = world.users["commissioner"]
    orgs_before = Organisation.objects.count()
    result = actions.import_ocds(world.p, cf_package(), by=user)
    assert result.ok, result.problems
    # 17 releases: 6 awards become contracts, 11 planning/tender notices become procurement projects
    assert len(result.reports) == 17
    assert result.contracts_created == 6
    assert result.procurements_created == 11
    assert Contract.objects.filter(partnership=world.p).count() == 6
    assert ProcurementProject.objects.filter(partnership=world.p).count() == 11
    # 6 suppliers and 15 buyers, none of them known before: buyers are kept too (issue 17)
    assert Organisation.objects.count() - orgs_before == result.organisations_created == 21
    assert all(r.skipped for r in result.reports)  # each release reports what it could not map
    assert any("contact names and emails not imported" in s for r in result.reports for s in r.skipped)
    assert any("buyer" in n and "lead commissioner left blank" in n for r in result.reports for n in r.notes)
    assert all(c.buyer_id for c in Contract.objects.filter(partnership=world.p))
    ymca = Contract.objects.get(ocid="ocds-b5fd17-070f4662-2e9c-40b0-8fa4-4b435f3ccae4")
    assert ymca.provider.name == "One YMCA" and str(ymca.value) == "1018044.14"
    assert ymca.history.first().history_user == user
    assert ocds.validate(exporting.ocds_package(world.p)) == []
    assert ocds.validate(exporting.ocds_package(world.p, kind="record")) == []
    # importing again creates nothing: every release is already in the register
    again = actions.import_ocds(world.p, cf_package(), by=user)
    assert again.ok and again.contracts_created == again.procurements_created == 0
    assert Contract.objects.filter(partnership=world.p).count() == 6


def test_broken_package_imports_nothing_and_lists_problems(world):
    broken = cf_package()
    broken["releases"][3]["tender"]["status"] = "open-ish"
    broken["releases"][5]["awards"][0]["value"]["amount"] = "a lot"
    result = actions.import_ocds(world.p, broken, by=world.users["commissioner"])
    assert not result.ok
    assert any("releases/3/tender/status" in p for p in result.problems)
    assert any("releases/5/awards/0/value/amount" in p for p in result.problems)
    assert Contract.objects.count() == 0 and ProcurementProject.objects.count() == 0
    not_package = actions.import_ocds(world.p, {"hello": 1}, by=None)
    assert not not_package.ok and Contract.objects.count() == 0


def test_database_failure_rolls_everything_back(world, monkeypatch):
    from jointly.contracts import ocds as mapping

    real = mapping.plan_import

    def duplicate_contract(data, **kw):
        plan = real(data, **kw)
        plan.contracts[-1].end_date = plan.contracts[-1].start_date.replace(
            year=1900
        )  # violates a constraint
        return plan

    monkeypatch.setattr(mapping, "plan_import", duplicate_contract)
    result = actions.import_ocds(world.p, cf_package(), by=None)
    assert not result.ok and "nothing was imported" in result.problems[0]
    assert Contract.objects.count() == ProcurementProject.objects.count() == 0
    assert result.contracts_created == 0 and not any(r.created for r in result.reports)


def test_import_page(world, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    url = reverse("contracts:ocds_import", args=["alpha"])
    client = client_for(world.users["commissioner"])
    assert client.get(url).status_code == 200
    with CF.open("rb") as fh:
        response = client.post(url, {"file": fh}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Checked: nothing has been imported yet" in page and "Release by release" in page
    assert "would create 6 contracts, 11 procurement projects" in page
    assert 'id="import-parties"' in page and "Would create" in page
    assert Contract.objects.count() == ProcurementProject.objects.count() == 0  # checked only
    log = OcdsImportLog.objects.get()
    assert (log.status, log.contracts_created, log.uploaded_by) == ("checked", 6, world.users["commissioner"])
    log_url = reverse("contracts:ocds_import_log", args=["alpha", log.pk])
    assert client_for(world.users["viewer"]).get(log_url).status_code == 403
    assert client_for(world.users["viewer"]).post(log_url).status_code == 403
    client = client_for(world.users["commissioner"])
    response = client.post(log_url, follow=True)
    page = response.content.decode()
    assert "Imported" in page and "6 contracts, 11 procurement projects" in page
    assert Contract.objects.count() == 6 and ProcurementProject.objects.count() == 11
    log.refresh_from_db()
    assert log.status == "done" and log.report["releases"] and log.report["parties"]["supplier"]["added"] > 0
    assert client.post(log_url).status_code == 409  # imported once only
    assert not list((tmp_path / "ocds-imports").iterdir())  # the stored package is removed
    assert log.file_name in client.get(url).content.decode()  # listed on the import page
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(url, {"file": SimpleUploadedFile("x.json", b"{not json")})
    assert bad.status_code == 400 and "not valid JSON" in bad.content.decode()
    broken = cf_package()
    broken["releases"][0]["date"] = "last Tuesday"
    response = client.post(url, {"file": SimpleUploadedFile("b.json", json.dumps(broken).encode())})
    assert response.status_code == 400 and "Nothing was imported" in response.content.decode()
    assert client_for(world.users["viewer"]).post(url, {}).status_code == 403


def test_api_import(world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.post("/api/v1/contracts/ocds-import/?partnership=alpha", cf_package(),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content[:500]
    assert response.json()["contracts_created"] == 6
    broken = cf_package()
    broken["releases"] = "none"
    bad = client.post(
        "/api/v1/contracts/ocds-import/?partnership=alpha", broken, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["problems"]
    viewer = client_for(world.users["viewer"])
    denied = viewer.post("/api/v1/contracts/ocds-import/?partnership=alpha", cf_package(),
                         content_type="application/json")  # fmt: skip
    assert denied.status_code == 403


def test_cli_export_and_import(world, tmp_path):
    out = tmp_path / "out.json"
    call_command("import", "ocds", "--partnership", "alpha", "--input", str(CF))
    assert Contract.objects.filter(partnership=world.p).count() == 6
    log = OcdsImportLog.objects.get()
    assert (log.status, log.uploaded_by, log.contracts_created, log.file_name) == ("done", None, 6, CF.name)
    assert len(log.checksum) == 64 and len(log.report["releases"]) == log.releases > 0
    call_command("export", "ocds", "--partnership", "alpha", "--output", str(out))
    assert ocds.validate(json.loads(out.read_text())) == []
    records = tmp_path / "records.json"
    call_command("export", "ocds", "--partnership", "alpha", "--output", str(records), "--records")
    assert ocds.validate(json.loads(records.read_text())) == []
    broken = tmp_path / "broken.json"
    data = copy.deepcopy(cf_package())
    data["publishedDate"] = "nope"
    broken.write_text(json.dumps(data))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", "ocds", "--partnership", "beta", "--input", str(broken))
    refused = OcdsImportLog.objects.get(partnership__slug="beta")
    assert refused.status == "failed" and refused.problem_count == len(refused.report["problems"]) > 0
    with pytest.raises(CommandError):
        call_command("export", "ocds", "--partnership", "nope", "--output", str(out))


def test_import_pages_use_a_fixed_number_of_queries(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    client = client_for(world.users["commissioner"])
    report = {"releases": [{"ocid": f"ocds-x-{i}", "title": f"R{i}", "notes": ["n"]} for i in range(3)]}
    first = factories.ocds_import_log(world.p, report=report, uploaded_by=world.users["commissioner"])
    urls = [
        reverse("contracts:ocds_import", args=["alpha"]),
        reverse("contracts:ocds_import_log", args=["alpha", first.pk]),
    ]

    def counts() -> list[int]:
        out = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    big = {"releases": [{"ocid": f"ocds-x-{i}", "title": f"R{i}", "notes": ["n"] * 5} for i in range(300)]}
    for _ in range(12):
        factories.ocds_import_log(world.p, report=big, uploaded_by=world.users["commissioner"])
    first.report = big
    first.save()
    assert counts() == before
    other = factories.ocds_import_log(world.other)
    assert client.get(reverse("contracts:ocds_import_log", args=["alpha", other.pk])).status_code == 404
    assert client.get(reverse("contracts:ocds_import_log", args=["alpha", 999999])).status_code == 404
