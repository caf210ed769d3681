"""Real Fingertips files load unchanged: the website's download, fingertipsR's and the API's spellings.

The rows are real (``tests/needs/data/fingertips_93356_excerpt.csv``, an exact excerpt of the
shared download, see its README); the fingertipsR and 2024/25-export files are the same rows
with only the header and quoting changed as those tools write them. Every stored value is checked
against the file as Python's ``csv`` module reads it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jointly.needs import importer
from jointly.needs.models import ImportLog, Indicator, IndicatorValue
from jointly.partnerships.models import Area
from tests.paths import REFERENCE

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
EXCERPT = DATA / "fingertips_93356_excerpt.csv"
FULL = REFERENCE / "real_files" / "fingertips_93356_county_ua_download.csv"

FINGERTIPSR = {
    "Indicator ID": "IndicatorID", "Indicator Name": "IndicatorName", "Parent Code": "ParentCode",
    "Parent Name": "ParentName", "Area Code": "AreaCode", "Area Name": "AreaName", "Area Type": "AreaType",
    "Category Type": "CategoryType", "Time period": "Timeperiod", "Lower CI 95.0 limit": "LowerCI95.0limit",
    "Upper CI 95.0 limit": "UpperCI95.0limit", "Lower CI 99.8 limit": "LowerCI99.8limit",
    "Upper CI 99.8 limit": "UpperCI99.8limit", "Value note": "Valuenote", "Recent Trend": "RecentTrend",
    "Time period Sortable": "TimeperiodSortable", "New data": "Newdata", "Compared to goal": "Comparedtogoal",
}  # fmt: skip


def file_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, list(reader)


def number(text: str) -> float | None:
    return float(text) if text.strip() else None


def assert_loaded_exactly(path: Path) -> None:
    """Every row of ``path`` is stored with its value, limits, count, denominator and note."""
    header, rows = file_rows(path)
    col = {importer.header_key(h): i for i, h in enumerate(header)}
    stored = {
        (v.area.gss_code, v.period, v.sex, v.age, v.category_type, v.category): v
        for v in IndicatorValue.objects.filter(indicator__fingertips_id=93356).select_related("area")
    }
    keys = set()
    for r in rows:
        key = tuple(
            r[col[k]].strip() for k in ("areacode", "timeperiod", "sex", "age", "categorytype", "category")
        )
        keys.add(key)
        v = stored[key]
        for field, k in (
            ("value", "value"), ("lower95", "lowerci950limit"), ("upper95", "upperci950limit"),
            ("lower998", "lowerci998limit"), ("upper998", "upperci998limit"), ("count", "count"),
            ("denominator", "denominator"),
        ):  # fmt: skip
            expected = number(r[col[k]])
            got = getattr(v, field)
            assert (got is None) if expected is None else got == pytest.approx(expected, rel=1e-14), (
                key,
                field,
            )
        assert v.value_note == r[col["valuenote"]].strip()
        assert v.period_order == int(r[col["timeperiodsortable"]])
    assert len(stored) == len(keys)


def test_the_website_download_loads_unchanged_and_adds_what_it_names(needs):
    log = importer.import_file(EXCERPT, "fingertips", partnership=needs.w.p)
    assert log.status == "done", log.report
    assert log.created == 64
    assert_loaded_exactly(EXCERPT)
    indicator = Indicator.objects.get(fingertips_id=93356)
    assert indicator.added_by_import and indicator.name == "Campylobacter incidence rate/100,000"
    assert (indicator.value_type, indicator.multiplier, indicator.unit) == (
        "crude_rate",
        100000,
        "per 100,000",
    )
    types = dict(Area.objects.values_list("gss_code", "area_type"))
    assert types["E06000052"] == "unitary"  # Cornwall: "County & UA" in the file
    assert types["E09000012"] == "london_borough"  # Hackney
    assert [t for c, t in types.items() if c.startswith("E08")] and all(
        t == "met_district" for c, t in types.items() if c.startswith("E08")
    )
    assert types["E10000012"] == "county"  # already known: kept as it was
    assert Area.objects.get(gss_code="E12000001").parent.gss_code == "E92000001"
    report = log.report
    assert report["added_indicators"][0]["fingertips_id"] == 93356
    assert (
        report["added_area_count"]
        == Area.objects.filter(gss_code__in=[a["gss_code"] for a in report["added_areas"]]).count()
    )
    assert report["value_notes"]["Aggregated from all known lower geography values"] > 0
    hackney = IndicatorValue.objects.filter(area__gss_code="E09000012").first()
    assert hackney.value_note == "Value for Hackney and City of London combined"


def test_strict_groups_the_problems_instead_of_repeating_them(needs):
    log = importer.import_file(EXCERPT, "fingertips", strict=True)
    assert log.status == "failed"
    groups = log.report["problem_groups"]
    indicator = [g for g in groups if g["kind"] == importer.UNKNOWN_INDICATOR]
    assert len(indicator) == 1 and indicator[0]["count"] == 64
    assert "unknown Fingertips indicator ID '93356'" in indicator[0]["message"]
    areas = [g for g in groups if g["kind"] == importer.UNKNOWN_AREA]
    assert len(areas) == len({g["message"] for g in areas}) > 5  # one group per unknown area
    lines = importer.report_lines(log.report, done=False)
    assert any(line.startswith("column 'Indicator ID', 64 rows (2, 3,") for line in lines), lines


@pytest.mark.parametrize("joiner", ["", "_"])
def test_fingertipsr_names_load_the_same_values(needs, tmp_path, joiner):
    header, rows = file_rows(EXCERPT)
    renamed = [FINGERTIPSR.get(h, h) for h in header]
    if joiner:  # R's write.csv after make.names, or janitor: Lower_CI_95.0_limit, Value_note
        renamed = [h.replace(" ", "_") for h in header]
    path = tmp_path / "fingertipsR.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(renamed)
        writer.writerows(rows)
    log = importer.import_file(path, "fingertips")
    assert log.status == "done", log.report
    assert_loaded_exactly(EXCERPT)


def test_a_quoted_export_with_bom_and_renamed_comparison_columns_loads(needs, tmp_path):
    header, rows = file_rows(EXCERPT)
    renamed = [
        {"Area Name": "AreaName", "Compared to Region value or percentiles": "Compared to parent value or percentiles"}.get(h, h)
        for h in header
    ] + ["Time period range"]  # fmt: skip
    path = tmp_path / "export-2024-25.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(renamed)
        writer.writerows(r + ["1y"] for r in rows)
    assert path.read_bytes().startswith(b'\xef\xbb\xbf"Indicator ID"')
    log = importer.import_file(path, "fingertips")
    assert log.status == "done", log.report
    assert_loaded_exactly(EXCERPT)
    assert Area.objects.get(gss_code="E09000012").name == "Hackney"


def test_only_the_columns_used_are_required(needs, tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("Indicator ID,Area Code,Time period,Value\n92517,E10000012,2030,41.5\n", encoding="utf-8")
    log = importer.import_file(path, "fingertips")
    assert log.status == "done", log.report
    v = IndicatorValue.objects.get(indicator=needs.bf, period="2030")
    assert (v.value, v.sex, v.age, v.count, v.value_note) == (41.5, "Persons", "All ages", None, "")
    missing = tmp_path / "missing.csv"
    missing.write_text("Indicator ID,Area Code,Value\n92517,E10000012,41.5\n", encoding="utf-8")
    log = importer.import_file(missing, "fingertips")
    assert importer.problems_for_display(log.problems) == [
        "row 1, column 'Time period': missing column (the fingertips layout needs: Indicator ID, Area Code, "
        "Time period, Value)"
    ]


def test_combined_regional_downloads_load_the_repeated_rows_once(needs, tmp_path):
    raw = EXCERPT.read_bytes()
    body = raw.split(b"\r\n", 1)[1]  # everything after the header line
    path = tmp_path / "two-regions.csv"
    path.write_bytes(raw + body)  # the second download repeats every row exactly
    log = importer.import_file(path, "fingertips")
    assert log.status == "done", log.report
    assert log.created == 64 and log.rows == 128
    assert any("64 row(s) repeat an earlier row exactly" in w for w in log.report["warnings"])
    assert_loaded_exactly(EXCERPT)


def test_conflicting_repeated_rows_are_refused(needs, tmp_path):
    header, rows = file_rows(EXCERPT)
    changed = list(rows[0])
    changed[header.index("Value")] = "1.5"
    path = tmp_path / "conflict.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([header, *rows, changed])
    log = importer.import_file(path, "fingertips")
    assert log.status == "failed"
    assert importer.problems_for_display(log.problems) == [
        f"row {len(rows) + 2}, column 'Indicator ID': the same indicator, area, period, sex, age and category "
        "as row 2, with other values"
    ]
    assert not IndicatorValue.objects.filter(indicator__fingertips_id=93356).exists()


def test_cli_loads_the_download_and_prints_what_it_added(needs):
    err = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command(
            "needs", "import", "--layout", "fingertips", "--input", str(EXCERPT), "--no-progress", "--strict",
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert (
        "64 rows (2, 3, 4," in err.getvalue() and "unknown Fingertips indicator ID '93356'" in err.getvalue()
    )
    assert err.getvalue().count("unknown Fingertips indicator ID") == 1  # grouped, not one line per row
    out = io.StringIO()
    call_command(
        "needs", "import", "--layout", "fingertips", "--input", str(EXCERPT), "--no-progress", stdout=out
    )
    text = out.getvalue()
    assert "Added indicator 93356 'Campylobacter incidence rate/100,000'" in text
    assert "E09000012 Hackney (London borough)" in text
    assert "Loaded 64 row(s): 64 new, 0 updated." in text
    assert ImportLog.objects.filter(status="done").count() == 1


@pytest.mark.skipif(not FULL.is_file(), reason="the shared reference files are not beside this checkout")
def test_the_whole_shared_download_loads_unchanged(needs):
    log = importer.import_file(FULL, "fingertips")
    assert log.status == "done", log.report
    assert log.created == 852
    assert_loaded_exactly(FULL)
    types = dict(Area.objects.filter(gss_code__regex=r"^E0[689]").values_list("gss_code", "area_type"))
    counts = {
        t: sum(1 for c in types.values() if c == t) for t in ("unitary", "met_district", "london_borough")
    }
    assert counts == {"unitary": 56, "met_district": 36, "london_borough": 33}


def test_the_import_page_shows_the_grouped_report_and_keeps_it(needs, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.VAR_DIR = tmp_path
    client = client_for(needs.w.users["analyst"])

    def upload(strict: bool) -> str:
        data = {"layout": "fingertips", "file": SimpleUploadedFile("download.csv", EXCERPT.read_bytes())}
        if strict:
            data["strict"] = "on"
        return client.post(reverse("needs:import", args=["alpha"]), data, follow=True).content.decode()

    refused = upload(strict=True)
    assert 'id="import-problem-groups"' in refused
    assert "64 row(s) (2, 3, 4," in refused and "unknown Fingertips indicator ID &#x27;93356&#x27;" in refused
    assert "Indicators that would be added" not in refused  # strict: nothing is proposed
    checked = upload(strict=False)
    assert "Checked: nothing has been saved yet" in checked
    assert (
        "Indicators that would be added" in checked
        and "93356: Campylobacter incidence rate/100,000" in checked
    )
    assert "Areas that would be added" in checked and "E09000012" in checked
    assert "combined areas" in checked  # value notes, before loading too
    assert not IndicatorValue.objects.filter(indicator__fingertips_id=93356).exists()
    pending = ImportLog.objects.filter(status="checked").get()
    url = reverse("needs:import_status", args=["alpha", pending.pk])
    html = client.post(url, {"action": "load"}, follow=True).content.decode()
    assert "Loaded 64 row(s): 64 new, 0 updated." in html
    assert "Indicators added" in html and "93356: Campylobacter incidence rate/100,000" in html
    assert 'id="import-added-areas"' in html and "E09000012" in html and "London borough" in html
    assert "combined areas" in html and "Value for Hackney and City of London combined" in html
    log = ImportLog.objects.filter(status="done").get()
    assert log.report["added_indicators"][0]["fingertips_id"] == 93356  # kept with the import log
    again = client.get(reverse("needs:import_status", args=["alpha", log.pk])).content.decode()
    assert "Indicators added" in again


def test_value_notes_are_shown_on_tables_charts_exports_and_the_api(needs, client_for):
    from django.urls import reverse
    from rest_framework.test import APIClient

    importer.import_file(EXCERPT, "fingertips")
    indicator = Indicator.objects.get(fingertips_id=93356)
    hackney = Area.objects.get(gss_code="E09000012")
    needs.w.p.areas.add(hackney)
    client = client_for(needs.w.users["viewer"])
    url = reverse("needs:indicator", args=["alpha", indicator.pk]) + "?area=E09000012"
    page = client.get(url).content.decode()
    assert "Value for Hackney and City of London combined" in page and "combined areas" in page
    assert "(Value for Hackney and City of London combined)</title>" in page  # the chart's points
    trend = client.get(url + "&format=csv").content.decode("utf-8-sig").splitlines()
    assert trend[0].endswith(",value_note") and trend[1].endswith(
        ",Value for Hackney and City of London combined"
    )
    compare = reverse("needs:compare", args=["alpha", indicator.pk]) + "?area=E09000012&period=2015"
    assert "Value for Hackney and City of London combined" in client.get(compare).content.decode()
    csv_text = client.get(compare + "&format=csv").content.decode("utf-8-sig")
    assert "Value for Hackney and City of London combined" in csv_text
    api = APIClient()
    api.force_authenticate(needs.w.users["viewer"])
    body = api.get(
        "/api/v1/indicator-values/", {"area__gss_code": "E09000012", "indicator": indicator.pk}
    ).json()
    assert body["count"] and {r["value_note"] for r in body["results"]} == {
        "Value for Hackney and City of London combined"
    }
