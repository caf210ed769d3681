"""Needs pages: who may see and do what, what they show, exports, uploads, forms."""

from __future__ import annotations

import io
import os
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jointly.needs.models import ComparatorGroup, ImportLog, IndicatorValue, NeedsAssessment
from jointly.needs.views import _select  # noqa: F401 - imported to check the module loads

pytestmark = pytest.mark.django_db

READERS = ["viewer", "commissioner", "analyst", "finance", "partnership_admin", "provider"]
IMPORTERS = {"commissioner", "analyst", "partnership_admin"}


def read_urls(needs) -> list[str]:
    slug, pk = "alpha", needs.bf.pk
    group = needs.group.pk
    assessment = NeedsAssessment.objects.create(partnership=needs.w.p, topic="Asthma JSNA", date="2013-01-01")
    log = ImportLog.objects.create(partnership=needs.w.p, file_name="x.csv", layout="template")
    return [
        reverse("needs:index", args=[slug]),
        reverse("needs:profile", args=[slug]),
        reverse("needs:profile", args=[slug]) + "?format=csv",
        reverse("needs:profile", args=[slug]) + f"?format=xlsx&level=99.8&group={group}",
        reverse("needs:gaps", args=[slug]),
        reverse("needs:indicator", args=[slug, pk]),
        reverse("needs:indicator", args=[slug, pk]) + "?format=csv",
        reverse("needs:compare", args=[slug, pk]),
        reverse("needs:compare", args=[slug, pk]) + "?format=csv",
        reverse("needs:funnel", args=[slug, pk]),
        reverse("needs:funnel", args=[slug, needs.asthma.pk]),
        reverse("needs:comparators", args=[slug]),
        reverse("needs:assessments", args=[slug]),
        reverse("needs:assessment", args=[slug, assessment.pk]),
        reverse("needs:import_status", args=[slug, log.pk]),
    ]


def write_urls(needs) -> list[str]:
    slug = "alpha"
    assessment = NeedsAssessment.objects.create(partnership=needs.w.p, topic="Old", date="2013-01-01")
    return [
        reverse("needs:import", args=[slug]),
        reverse("needs:indicator_new", args=[slug]),
        reverse("needs:indicator_edit", args=[slug, needs.bf.pk]),
        reverse("needs:comparator_new", args=[slug]),
        reverse("needs:comparator_edit", args=[slug, needs.group.pk]),
        reverse("needs:assessment_new", args=[slug]),
        reverse("needs:assessment_edit", args=[slug, assessment.pk]),
    ]


@pytest.mark.parametrize("role", READERS)
def test_every_member_reads_every_page(needs, client_for, role):
    client = client_for(needs.w.users[role])
    for url in read_urls(needs):
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        if "format=" not in url:
            html = response.content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)", html), url  # no inline scripts (CSP)
            assert " style=" not in html and "<style" not in html, url  # no inline styles


@pytest.mark.parametrize("role", READERS)
def test_only_importers_reach_the_import_and_edit_pages(needs, client_for, role):
    client = client_for(needs.w.users[role])
    for url in write_urls(needs):
        expected = 200 if role in IMPORTERS else 403
        assert client.get(url).status_code == expected, (role, url)


def test_outsiders_get_404_and_anonymous_people_sign_in(needs, client_for):
    urls = read_urls(needs) + write_urls(needs)
    outsider = client_for(needs.w.outsider)
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    anonymous = client_for(None)
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_platform_admin_may_do_everything(needs, client_for):
    client = client_for(needs.w.admin)
    for url in read_urls(needs) + write_urls(needs):
        assert client.get(url).status_code == 200, url


def test_profile_shows_worse_than_england_linked_to_the_gap(needs, client_for):
    html = client_for(needs.w.users["viewer"]).get(reverse("needs:profile", args=["alpha"])).content.decode()
    assert "Area profile: Shire" in html
    assert "Worse</strong> than England (45.0)" in html
    assert "Gap with evidence</strong> Early help – no additional service" in html
    assert "increasing and getting worse" in html.lower()
    assert '<svg width="300"' in html and 'id="spine-table"' in html
    gaps = client_for(needs.w.users["viewer"]).get(reverse("needs:gaps", args=["alpha"])).content.decode()
    assert (
        'id="gap-' in gaps and "Early help · Additional · Shire" in gaps and "Admissions for asthma" in gaps
    )


def test_profile_area_and_group_must_be_the_partnerships(needs, client_for):
    client = client_for(needs.w.users["viewer"])
    url = reverse("needs:profile", args=["alpha"])
    # Refused as a form error (400), exactly like an unknown value: nothing of theirs is shown.
    assert client.get(url + "?area=E92000001").status_code == 400
    other = ComparatorGroup.objects.create(partnership=needs.w.other, name="Theirs")
    assert client.get(url + f"?group={other.pk}").status_code == 400
    assert client.get(url + "?group=999999").status_code == 400
    assert client.get(reverse("needs:gaps", args=["alpha"]) + "?comparator=moon").status_code == 400


def test_profile_exports(needs, client_for):
    client = client_for(needs.w.users["viewer"])
    url = reverse("needs:profile", args=["alpha"])
    text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("indicator,fingertips_id,area_code")
    assert "Admissions for asthma" in text and "worse" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    sheet = book.active
    assert sheet["A1"].value == "indicator" and sheet.max_row == 3


def test_compare_trend_and_funnel_pages_show_data(needs, client_for):
    client = client_for(needs.w.users["viewer"])
    compare = client.get(reverse("needs:compare", args=["alpha", needs.bf.pk])).content.decode()
    assert "Neighbour 0" in compare and 'id="compare-table"' in compare and "<svg" in compare
    older = client.get(
        reverse("needs:compare", args=["alpha", needs.bf.pk]) + "?period=2014/15"
    ).content.decode()
    assert '<p class="govuk-body">2014/15' in older
    trend = client.get(reverse("needs:indicator", args=["alpha", needs.asthma.pk])).content.decode()
    assert "Increasing and getting worse" in trend and 'id="trend-table"' in trend and "<polyline" in trend
    funnel = client.get(reverse("needs:funnel", args=["alpha", needs.bf.pk])).content.decode()
    assert 'id="funnel-table"' in funnel and "Low (0.001)" in funnel
    rate = client.get(reverse("needs:funnel", args=["alpha", needs.asthma.pk])).content.decode()
    assert "High (0.001)" in rate


def _upload(client, text: str, layout: str = "template", name: str = "values.csv"):
    return client.post(
        reverse("needs:import", args=["alpha"]),
        {"layout": layout, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
        follow=True,
    )


def test_upload_with_errors_lists_them_and_saves_nothing(needs, client_for):
    client = client_for(needs.w.users["analyst"])
    before = IndicatorValue.objects.count()
    response = _upload(
        client,
        "indicator,area_code,period,sex,age,count,denominator\nbf,E10000012,2030,,,x,10\nzz,E10000012,2030,,,1,10\n",
    )
    html = response.content.decode()
    assert "Nothing was saved: 2 problems" in html
    assert "row 2, column &#x27;count&#x27;: &#x27;x&#x27; is not a number" in html
    assert "row 3, column &#x27;indicator&#x27;" in html
    assert IndicatorValue.objects.count() == before
    log = ImportLog.objects.get()
    assert log.uploaded_by == needs.w.users["analyst"] and log.partnership == needs.w.p


def test_good_upload_loads_and_reports(needs, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = client_for(needs.w.users["commissioner"])
    response = _upload(
        client, "indicator,area_code,period,sex,age,count,denominator\nbf,E10000012,2030,,,3,10\n"
    )
    html = response.content.decode()
    assert "Checked: nothing has been saved yet" in html and 'id="import-load"' in html
    assert not IndicatorValue.objects.filter(period="2030").exists()  # checked, not loaded
    log = ImportLog.objects.get()
    assert log.status == "checked" and len(list((tmp_path / "needs-imports").iterdir())) == 1
    url = reverse("needs:import_status", args=["alpha", log.pk])
    assert client_for(needs.w.users["viewer"]).post(url, {"action": "load"}).status_code == 403
    client = client_for(needs.w.users["commissioner"])
    response = client.post(url, {"action": "load"}, follow=True)
    assert "Loaded 1 row(s): 1 new, 0 updated." in response.content.decode()
    assert IndicatorValue.objects.filter(period="2030").count() == 1
    assert not list((tmp_path / "needs-imports").iterdir())  # the stored upload is removed
    assert client.post(url, {"action": "load"}).status_code == 409  # loaded once only
    log.refresh_from_db()
    assert (log.status, log.created, log.uploaded_by) == ("done", 1, needs.w.users["commissioner"])


def test_a_checked_file_that_changed_or_went_is_not_loaded(needs, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = client_for(needs.w.users["analyst"])
    _upload(client, "indicator,area_code,period,sex,age,count,denominator\nbf,E10000012,2030,,,3,10\n")
    log = ImportLog.objects.get()
    url = reverse("needs:import_status", args=["alpha", log.pk])
    (stored,) = (tmp_path / "needs-imports").iterdir()
    stored.write_text("indicator,area_code,period,sex,age,count,denominator\nbf,E10000012,2030,,,4,10\n")
    response = client.post(url, {"action": "load"})
    assert response.status_code == 409 and b"changed since it was checked" in response.content
    assert not IndicatorValue.objects.filter(period="2030").exists()
    assert 'id="import-expired"' in client.get(url).content.decode()
    assert client.post(url, {"action": "load"}).status_code == 409


def test_checked_files_nobody_loaded_are_swept(needs, settings, tmp_path):
    from jointly.needs import jobs as needs_jobs

    settings.VAR_DIR = tmp_path
    old = needs_jobs.upload_dir() / "1-old.csv"
    new = needs_jobs.upload_dir() / "2-new.csv"
    old.write_text("x")
    new.write_text("x")
    os.utime(old, (0, 0))
    assert needs_jobs.sweep_uploads() == 1 and not old.exists() and new.exists()


def test_upload_form_errors(needs, client_for):
    client = client_for(needs.w.users["analyst"])
    response = client.post(reverse("needs:import", args=["alpha"]), {"layout": "template"})
    assert response.status_code == 400
    response = client.post(
        reverse("needs:import", args=["alpha"]),
        {"layout": "template", "file": SimpleUploadedFile("x.pdf", b"%PDF", content_type="application/pdf")},
    )
    assert response.status_code == 400 and "Choose a CSV file" in response.content.decode()


def test_running_import_page_refreshes_itself(needs, client_for):
    log = ImportLog.objects.create(
        partnership=needs.w.p,
        file_name="big.csv",
        layout="fingertips",
        status="running",
        progress=40,
        stage="Saving values",
    )
    response = client_for(needs.w.users["viewer"]).get(reverse("needs:import_status", args=["alpha", log.pk]))
    # The progress panel refreshes itself in place with htmx (it was a Refresh header before).
    assert "Refresh" not in response
    html = response.content.decode()
    assert f'hx-get="/p/alpha/needs/import/{log.pk}/" hx-trigger="every 2s"' in html
    assert "Saving values: 40% done." in html
    other = ImportLog.objects.create(partnership=needs.w.other, file_name="theirs.csv", layout="template")
    assert (
        client_for(needs.w.users["viewer"])
        .get(reverse("needs:import_status", args=["alpha", other.pk]))
        .status_code
        == 404
    )


def test_large_upload_runs_in_the_background(needs, client_for, settings, tmp_path, monkeypatch):
    from jointly.needs import jobs as needs_jobs

    settings.VAR_DIR = tmp_path
    settings.JOINTLY_NEEDS_IMPORT_SYNC_BELOW = 0

    started = []
    monkeypatch.setattr(needs_jobs, "enqueue_import", lambda log, path, **kw: started.append((log, path)))
    response = _upload(
        client_for(needs.w.users["analyst"]), "indicator,area_code,period,sex,age,count,denominator\n"
    )
    log, path = started[0]
    assert path.exists() and log.status == "pending"
    assert response.redirect_chain[-1][0].endswith(f"/import/{log.pk}/")


def test_comparator_group_create_edit_and_stale_edit(needs, client_for):
    client = client_for(needs.w.users["analyst"])
    url = reverse("needs:comparator_new", args=["alpha"])
    members = [a.pk for a in needs.neighbours[:2]]
    response = client.post(
        url, {"name": "CIPFA", "kind": "cipfa", "area": needs.county.pk, "members": members}
    )
    assert response.status_code == 302
    group = ComparatorGroup.objects.get(name="CIPFA")
    assert group.partnership == needs.w.p and group.version == 1 and group.members.count() == 2
    assert (
        client.post(url, {"name": "CIPFA", "kind": "cipfa", "members": members}).status_code == 400
    )  # duplicate name
    edit = reverse("needs:comparator_edit", args=["alpha", group.pk])
    assert (
        client.post(edit, {"name": "CIPFA 2", "kind": "cipfa", "members": members, "version": 1}).status_code
        == 302
    )
    stale = client.post(edit, {"name": "CIPFA 3", "kind": "cipfa", "members": members, "version": 1})
    assert stale.status_code == 409
    assert ComparatorGroup.objects.get(pk=group.pk).name == "CIPFA 2"
    assert group.history.count() >= 2


def test_assessment_create_shows_links_and_history(needs, client_for):
    client = client_for(needs.w.users["commissioner"])
    response = client.post(
        reverse("needs:assessment_new", args=["alpha"]),
        {"topic": "Asthma in Shire", "area": needs.county.pk, "date": "2013-09-30", "key_findings": "High admissions",
         "recommendations": "Community asthma nurses", "indicators": [needs.asthma.pk], "outcomes": [needs.w.outcome.pk],
         "intentions": [needs.w.intention.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assessment = NeedsAssessment.objects.get(topic="Asthma in Shire")
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "Admissions for asthma" in html and "ALP-01" in html and "Created" in html


def test_indicator_edit_keeps_other_partnerships_links(needs, client_for):
    from tests import factories as f

    theirs = f.theme(needs.w.other, name="Their theme")
    needs.bf.themes.add(theirs)
    client = client_for(needs.w.users["analyst"])
    form = {
        "code": "bf", "name": "Breastfeeding (6-8 weeks)", "definition": "", "value_type": "proportion", "multiplier": 100,
        "unit": "%", "polarity": "higher is better", "source": "", "fingertips_id": 92517, "needed_level": "universal",
        "themes": [], "outcomes": [needs.w.outcome.pk], "notes": "", "version": needs.bf.version,
    }  # fmt: skip
    response = client.post(reverse("needs:indicator_edit", args=["alpha", needs.bf.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    needs.bf.refresh_from_db()
    assert needs.bf.name == "Breastfeeding (6-8 weeks)" and list(needs.bf.themes.all()) == [theirs]
    assert needs.bf.history.count() >= 2


def test_thread_section_on_the_outcome_page(needs, client_for):
    from jointly.needs.thread import section

    html = client_for(needs.w.users["viewer"]).get(needs.w.outcome.get_absolute_url()).content.decode()
    assert 'id="thread-indicators"' in html and "Admissions for asthma" in html and "worse" in html
    assert section(needs.w.outcome, needs.w.p, needs.w.outsider) is None
    s = section(needs.w.outcome, needs.w.p, needs.w.users["provider"])
    assert s is not None and len(s.context["rows"]) == 2
