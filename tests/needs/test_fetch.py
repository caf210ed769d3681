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


def test_the_needs_page_fetches_as_a_background_job_then_loads_on_confirmation(
    needs, recorded, client_for, settings, tmp_path
):
    from django.urls import reverse

    from jointly.jobs.models import Job

    settings.VAR_DIR = tmp_path
    client = client_for(needs.w.users["analyst"])
    page = client.get(reverse("needs:import", args=["alpha"])).content.decode()
    assert 'action="/p/alpha/needs/import/fetch/"' in page and 'id="id_fetch-indicator"' in page
    data = {"fetch-indicator": "93356", "fetch-area_type": "502", "fetch-parent_area_type": "15"}
    response = client.post(reverse("needs:fetch", args=["alpha"]), data, follow=True)
    log = ImportLog.objects.get()
    job = Job.objects.get()
    assert recorded == [URL]
    assert (job.kind, job.status, job.partnership, job.created_by) == (
        "needs.fetch", "succeeded", needs.w.p, needs.w.users["analyst"],
    )  # fmt: skip
    assert job.percent == 100
    assert (log.status, log.file_name, log.rows) == ("checked", "fingertips-api-93356-502.csv", 64)
    html = response.content.decode()
    assert "Checked: nothing has been saved yet" in html and "Indicators that would be added" in html
    assert not IndicatorValue.objects.filter(indicator__fingertips_id=93356).exists()
    url = reverse("needs:import_status", args=["alpha", log.pk])
    html = client.post(url, {"action": "load"}, follow=True).content.decode()
    assert "Loaded 64 row(s): 64 new, 0 updated." in html
    assert_loaded_exactly(EXCERPT)
    assert not list((tmp_path / "needs-imports").iterdir())


def test_the_fetch_form_refuses_bad_input_and_reports_api_errors(
    needs, recorded, client_for, settings, tmp_path
):
    from django.urls import reverse

    from jointly.jobs.models import Job

    settings.VAR_DIR = tmp_path
    client = client_for(needs.w.users["analyst"])
    url = reverse("needs:fetch", args=["alpha"])
    for data in (
        {"fetch-area_type": "502", "fetch-parent_area_type": "15"},  # neither
        {
            "fetch-indicator": "1",
            "fetch-profile": "2",
            "fetch-area_type": "502",
            "fetch-parent_area_type": "15",
        },
        {"fetch-indicator": "x", "fetch-area_type": "502", "fetch-parent_area_type": "15"},
        {"fetch-indicator": "-3", "fetch-area_type": "0", "fetch-parent_area_type": "15"},
    ):
        assert client.post(url, data).status_code == 400
    assert not ImportLog.objects.exists() and not Job.objects.exists()
    data = {"fetch-indicator": "1", "fetch-area_type": "502", "fetch-parent_area_type": "15"}
    html = client.post(url, data, follow=True).content.decode()
    log = ImportLog.objects.get()
    assert log.status == "failed" and "Nothing was fetched" in log.message and "HTTP Error 404" in html
    assert not list((tmp_path / "needs-imports").iterdir())
    assert client_for(needs.w.users["viewer"]).post(url, {"fetch-indicator": "1"}).status_code == 403
