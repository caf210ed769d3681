"""The OCDS schema ships inside the project: export and import work on a clone with no ../shared."""

from __future__ import annotations

import builtins
import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from jointly.contracts import ocds
from jointly.contracts.models import Contract
from tests.paths import OCDS

pytestmark = pytest.mark.django_db

PROJECT = Path(settings.BASE_DIR).resolve()
SHARED_SCHEMA = OCDS / "schema"


@pytest.fixture
def opened(monkeypatch):
    """Every file path opened while the test runs."""
    paths: list[Path] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        if isinstance(file, str | os.PathLike):
            paths.append(Path(os.fspath(file)).resolve())
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    ocds._validators.cache_clear()  # read the schema again, under the spy
    yield paths
    ocds._validators.cache_clear()


def test_schema_directory_is_inside_the_package():
    assert ocds.SCHEMA_DIR.resolve().is_relative_to(PROJECT / "jointly" / "contracts")
    for name in (*ocds.SCHEMA_NAMES, "LICENSE-open-contracting-standard.txt"):
        assert (ocds.SCHEMA_DIR / name).is_file(), name
    assert not hasattr(settings, "JOINTLY_OCDS_SCHEMA_DIR")


def test_export_and_import_read_nothing_outside_the_project(cw, tmp_path, opened):
    cw.variation.status = "approved"
    cw.variation.save()
    out = tmp_path / "release.json"
    call_command("export", "ocds", "--partnership", cw.w.p.slug, "--output", str(out))
    package = json.loads(out.read_text())
    assert ocds.validate(package) == []
    # into the other partnership: re-importing into the same one matches every ocid and writes nothing
    before = Contract.objects.filter(partnership=cw.w.other).count()
    call_command("import", "ocds", "--partnership", cw.w.other.slug, "--input", str(out))
    assert Contract.objects.filter(partnership=cw.w.other).count() > before  # the import wrote

    schema_reads = [p for p in opened if p.suffix == ".json" and p.name in ocds.SCHEMA_NAMES]
    assert {p.name for p in schema_reads} == set(ocds.SCHEMA_NAMES)
    assert all(p.is_relative_to(PROJECT / "jointly" / "contracts" / "schema") for p in schema_reads)
    beside_project = [
        p
        for p in opened
        if p.is_relative_to(PROJECT.parent)
        and not p.is_relative_to(PROJECT)
        and not p.is_relative_to(tmp_path)
    ]
    assert beside_project == []


@pytest.mark.skipif(not SHARED_SCHEMA.is_dir(), reason="../shared is not beside this checkout")
def test_shipped_schema_is_the_published_one():
    for name in ocds.SCHEMA_NAMES:
        assert (ocds.SCHEMA_DIR / name).read_bytes() == (SHARED_SCHEMA / name).read_bytes(), name
