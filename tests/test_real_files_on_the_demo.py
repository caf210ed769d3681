"""Issue 17's "done when": the two shared real files load unchanged on the demo with the README's
commands (skipped when the shared reference folder is not beside the checkout)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from jointly.contracts.models import Contract, ProcurementProject
from jointly.demo import loader
from jointly.needs.models import IndicatorValue
from jointly.partnerships.models import Area
from tests.paths import REFERENCE

pytestmark = pytest.mark.django_db

FILES = REFERENCE / "real_files"
FINGERTIPS = FILES / "fingertips_93356_county_ua_download.csv"
CONTRACTS_FINDER = FILES / "contracts_finder_2025-01-23_100_releases.release-package.json"


@pytest.mark.skipif(not FINGERTIPS.is_file(), reason="the shared reference files are not here")
def test_both_real_files_load_on_the_demo_with_the_readme_commands():
    loader.load(with_users=False)
    essex_before = Area.objects.get(gss_code="E10000012").area_type
    out = io.StringIO()
    call_command(
        "needs", "import", "--layout", "fingertips", "--input", str(FINGERTIPS), "--no-progress", stdout=out
    )
    assert "Loaded 852 row(s): 852 new, 0 updated." in out.getvalue()
    assert IndicatorValue.objects.filter(indicator__fingertips_id=93356).count() == 852
    assert Area.objects.get(gss_code="E10000012").area_type == essex_before == "county"
    assert Area.objects.get(gss_code="E06000033").area_type == "unitary"  # Southend, from the demo
    assert Area.objects.get(gss_code="E09000012").area_type == "london_borough"
    out = io.StringIO()
    before = Contract.objects.filter(partnership__slug="essex").count()
    call_command("import", "ocds", "--partnership", "essex", "--input", str(CONTRACTS_FINDER), stdout=out)
    assert "warning: document '2': link 'http://Contract Finder' is not a URL: link dropped" in out.getvalue()
    made = Contract.objects.filter(partnership__slug="essex").count() - before
    projects = ProcurementProject.objects.filter(partnership__slug="essex").exclude(
        ocid__startswith="ocds-jntly0"
    )
    assert made + projects.filter(ocid__startswith="ocds-b5fd17").count() == 94
    assert not Contract.objects.filter(
        partnership__slug="essex", ocid__startswith="ocds-b5fd17", buyer=None
    ).exists()
