"""`jointly needs import`: loads a file, lists every problem, saves nothing on a bad file."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jointly.needs.models import ImportLog, IndicatorValue

pytestmark = pytest.mark.django_db

HEAD = "indicator,area_code,period,sex,age,count,denominator\n"


def test_cli_import_template(needs, csv_file):
    out, err = io.StringIO(), io.StringIO()
    path = csv_file(HEAD + "bf,E10000012,2030/31,,,40,100\n")
    call_command("needs", "import", "--layout", "template", "--input", str(path), stdout=out, stderr=err)
    assert "Loaded 1 row(s): 1 new, 0 updated." in out.getvalue()
    assert "100%" in err.getvalue()  # the tqdm progress bar
    assert IndicatorValue.objects.filter(period="2030/31").count() == 1
    log = ImportLog.objects.get()
    assert log.uploaded_by is None and log.layout == "template" and log.status == "done"


def test_cli_bad_file_lists_problems_and_saves_nothing(needs, csv_file):
    before = IndicatorValue.objects.count()
    err = io.StringIO()
    path = csv_file(HEAD + "bf,E10000012,2030/31,,,x,100\nbf,NOWHERE,2030/31,,,1,100\n")
    with pytest.raises(CommandError, match="2 problem"):
        call_command(
            "needs", "import", "--layout", "template", "--input", str(path), "--no-progress", stderr=err
        )
    assert "column 'count', 1 row (2): 'x' is not a number" in err.getvalue()
    assert "column 'area_code', 1 row (3): unknown area code 'NOWHERE'" in err.getvalue()
    assert IndicatorValue.objects.count() == before
    assert ImportLog.objects.get().status == "failed"


def test_cli_fingertips_layout_and_missing_file(needs, csv_file, tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("needs", "import", "--layout", "fingertips", "--input", str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="missing column|problem"):
        call_command(
            "needs", "import", "--layout", "fingertips", "--input", str(csv_file(HEAD)), "--no-progress",
            stderr=io.StringIO(),
        )  # fmt: skip


def test_cli_needs_a_known_layout(needs, csv_file):
    with pytest.raises(CommandError):
        call_command("needs", "import", "--layout", "xml", "--input", str(csv_file(HEAD)))
