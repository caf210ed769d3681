"""The needs import reads the file in chunks: what spans chunks is handled as in one piece.

``CHUNK_ROWS`` is set to a few rows so the real excerpt (64 rows) is read in many chunks: an
areas first seen in a later chunk are added, exact repeats and conflicting rows in
different chunks are found, row numbers stay spreadsheet numbers, and nothing is half-written.
"""

from __future__ import annotations

import csv
import io

import pytest

from jointly.needs import importer
from jointly.needs.models import ImportLog, IndicatorValue
from jointly.partnerships.models import Area
from tests.needs.test_real_files import EXCERPT, assert_loaded_exactly, file_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_ROWS", 5)


def test_the_excerpt_loads_exactly_in_chunks(needs):
    log = importer.import_file(EXCERPT, "fingertips")
    assert log.status == "done", log.report
    assert (log.rows, log.created, log.updated) == (64, 64, 0)
    assert_loaded_exactly(EXCERPT)
    again = importer.import_file(EXCERPT, "fingertips")
    assert (again.created, again.updated) == (0, 64)
    assert IndicatorValue.objects.filter(import_log=again).count() == 64


def test_repeats_and_conflicts_across_chunks(needs, tmp_path):
    header, rows = file_rows(EXCERPT)
    path = tmp_path / "two-regions.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows, *rows[:7]])  # exact repeats, chunks later
    log = importer.import_file(path, "fingertips")
    assert log.status == "done", log.report
    assert (log.rows, log.created) == (71, 64)
    assert any(
        "7 row(s) repeat an earlier row exactly" in w and "row 66" in w for w in log.report["warnings"]
    )
    assert_loaded_exactly(EXCERPT)

    changed = list(rows[3])
    changed[header.index("Value")] = "1.5"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows, rows[0], changed])
    before = IndicatorValue.objects.count(), Area.objects.count()
    log = importer.import_file(path, "fingertips")
    assert log.status == "failed"
    assert importer.problems_for_display(log.problems) == [
        f"row {len(rows) + 3}, column 'Indicator ID': the same indicator, area, period, sex, age and "
        "category as row 5, with other values"
    ]
    assert (IndicatorValue.objects.count(), Area.objects.count()) == before


def test_problems_keep_spreadsheet_rows_across_chunks_and_nothing_is_written(needs, tmp_path):
    header, rows = file_rows(EXCERPT)
    bad = list(rows[40])
    bad[header.index("Value")] = "lots"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows[:40], [], bad, *rows[41:]])  # a blank line at row 42
    log = importer.import_file(path, "fingertips")
    assert log.status == "failed"
    assert importer.problems_for_display(log.problems) == ["row 43, column 'Value': 'lots' is not a number"]
    assert not IndicatorValue.objects.filter(indicator__fingertips_id=93356).exists()
    assert not Area.objects.filter(gss_code="E06000052").exists()  # no area added either


def test_a_check_only_run_writes_nothing_and_reports_what_loading_would_add(needs):
    log = importer.start_log(file_name="x.csv", layout="fingertips")
    with EXCERPT.open("rb") as fh:
        importer.run(log, io.BytesIO(fh.read()), check_only=True)
    log.refresh_from_db()
    assert log.status == "checked" and log.finished
    assert log.report["added_indicators"][0]["fingertips_id"] == 93356 and log.report["added_area_count"] > 5
    assert "Nothing has been saved yet" in log.message
    assert (
        not IndicatorValue.objects.filter(import_log=log).exists()
        and not Area.objects.filter(gss_code="E06000052").exists()
    )
    assert ImportLog.objects.count() == 1
