"""`jointly needs fetch`: the Fingertips API's CSV through the same importer, never the network.

The API's "all data" CSV has the website download's layout, so the recorded answer here is the real
download excerpt of ``data/`` (indicator 93356), served for the address the command asks for.
"""

from __future__ import annotations

import io
import urllib.error

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jointly.needs import fingertips_api
from jointly.needs.models import ImportLog, IndicatorValue
from tests.needs.test_real_files import EXCERPT, assert_loaded_exactly

pytestmark = pytest.mark.django_db

URL = (
    "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=93356"
    "&child_area_type_id=502&parent_area_type_id=15"
)


@pytest.fixture
def recorded(monkeypatch):
    asked: list[str] = []

    def answer(url: str, timeout: float):
        asked.append(url)
        if url == URL:
            return io.BytesIO(EXCERPT.read_bytes())
        raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)  # type: ignore[arg-type]

    monkeypatch.setattr(fingertips_api, "OPEN", answer)
    return asked


def test_fetch_loads_the_indicator_through_the_importer(needs, recorded):
    out = io.StringIO()
    call_command("needs", "fetch", "--indicator", "93356", stdout=out)
    assert recorded == [URL]
    assert "Loaded 64 row(s): 64 new, 0 updated." in out.getvalue()
    assert "Added indicator 93356" in out.getvalue()
    assert_loaded_exactly(EXCERPT)
    log = ImportLog.objects.get()
    assert log.file_name == "fingertips-api-93356-502.csv" and log.layout == "fingertips"


def test_fetch_strict_and_errors(needs, recorded, settings):
    with pytest.raises(CommandError, match="problem"):
        call_command(
            "needs", "fetch", "--indicator", "93356", "--strict", stdout=io.StringIO(), stderr=io.StringIO()
        )
    with pytest.raises(CommandError, match="could not be read: HTTP Error 404"):
        call_command("needs", "fetch", "--indicator", "1", stdout=io.StringIO())
    settings.JOINTLY_MAX_NEEDS_UPLOAD_BYTES = 1000
    with pytest.raises(CommandError, match="larger than 1,000 bytes"):
        call_command("needs", "fetch", "--indicator", "93356", stdout=io.StringIO())
    assert not IndicatorValue.objects.filter(indicator__fingertips_id=93356).exists()


def test_profile_address():
    assert fingertips_api.data_url(profile=19, area_type=402, base="https://example.test/api/") == (
        "https://example.test/api/all_data/csv/by_profile_id?profile_id=19&child_area_type_id=402"
        "&parent_area_type_id=15"
    )
    with pytest.raises(ValueError):
        fingertips_api.data_url()
