"""The quarterly progress report (page, CSV, DOCX, command), the CLI and the demo data loader."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from docx import Document

from jointly import cli
from jointly.demo import loader
from jointly.intentions import reports
from jointly.intentions.models import Intention
from jointly.partnerships.models import Partnership
from jointly.stats.proportions import wilson_frame
from jointly.stats.spc import spc_frame
from jointly.stats.tabular import read_csv
from tests import factories as f

PERIOD = "2013/14 Q2"  # July to September 2013
AS_AT = dt.date(2013, 9, 30)  # the default: the quarter's last day
URL_PERIOD = "2013/14-Q2"
STEM = "alpha-progress-2013-14-Q2-as-at-2013-09-30"


@pytest.fixture
def report_world(world):
    """Three intentions in Alpha with hand-built milestones and updates around 2013/14 Q2."""
    p, council = world.p, world.council
    # ALP-01 (from the world): green in 2013/14 Q2; its milestone due 2013-08-01 is not completed -> missed.
    a = world.intention
    a.sro = "Jo Bloggs"
    a.save()
    met = f.milestone(a, title="Met on time", due_date=dt.date(2013, 9, 1), completed_on=dt.date(2013, 8, 30))
    late = f.milestone(a, title="Done late", due_date=dt.date(2013, 7, 15), completed_on=dt.date(2013, 10, 2))
    q4 = f.milestone(a, title="Due next quarter", due_date=dt.date(2013, 11, 1))
    q2 = f.milestone(a, title="Due last quarter", due_date=dt.date(2013, 6, 30))
    # ALP-02: red this quarter, an older amber update.
    b = f.intention(p, council, reference="ALP-02", title="Short breaks")
    f.progress(b, period="2013/14 Q1", rag="amber", narrative="Slipping.")
    f.progress(b, period=PERIOD, rag="red", narrative="=Behind; recovery plan agreed.")
    on_boundary = f.milestone(
        b, title="Boundary", due_date=dt.date(2013, 9, 30), completed_on=dt.date(2013, 9, 30)
    )
    # ALP-03: only an update from an earlier quarter (stale), and one from a later one (ignored).
    c = f.intention(p, None, reference="ALP-03", title="Transitions", integrated=True)
    f.progress(c, period="2013/14 Q1", rag="amber", narrative="Scoping.")
    f.progress(c, period="2013/14 Q4", rag="green", narrative="Future update.")
    # ALP-04: no updates at all.
    d = f.intention(p, council, reference="ALP-04", title="Healthy weight")
    # Another partnership's intention never appears.
    f.intention(world.other, world.other_council, reference="BET-01", title="Elsewhere")
    return {
        "a": a, "b": b, "c": c, "d": d, "missed": world.milestone, "met": met, "late": late,
        "q4": q4, "q2": q2, "boundary": on_boundary,
    }  # fmt: skip


# --- the report data ---------------------------------------------------------------------------


def test_report_rows_and_rag_counts(report_world, world):
    report = reports.build(world.p, PERIOD, as_at=AS_AT)
    assert [r.intention.reference for r in report.rows] == ["ALP-01", "ALP-02", "ALP-03", "ALP-04"]
    rows = {r.intention.reference: r for r in report.rows}
    assert rows["ALP-01"].update.rag == "green" and not rows["ALP-01"].stale
    assert rows["ALP-02"].update.rag == "red" and rows["ALP-02"].update.period == PERIOD
    assert rows["ALP-03"].update.period == "2013/14 Q1" and rows["ALP-03"].stale  # later update ignored
    assert rows["ALP-04"].update is None and not rows["ALP-04"].stale
    assert report.rag_counts == {"red": 1, "amber": 1, "green": 1, "none": 1}
    assert (report.start, report.end) == (dt.date(2013, 7, 1), dt.date(2013, 9, 30))
    assert "Quarter 2 2013/14 (1 July to 30 September 2013)" in report.title


def test_milestones_due_and_missed_in_quarter(report_world, world):
    report = reports.build(world.p, PERIOD, as_at=AS_AT)
    rows = {r.intention.reference: r for r in report.rows}
    w = report_world
    # Due in the quarter: the uncompleted one (1 Aug), the late one, the on-time one; not Q2/Q4.
    assert rows["ALP-01"].due == [w["late"], w["missed"], w["met"]]
    assert rows["ALP-01"].missed == [w["late"], w["missed"]]
    assert rows["ALP-02"].due == [w["boundary"]] and rows["ALP-02"].missed == []
    assert rows["ALP-03"].due == [] and rows["ALP-04"].due == []
    assert (report.due_count, report.missed_count) == (4, 2)


def test_milestone_not_yet_due_is_not_missed(world):
    """As at mid-quarter, an uncompleted milestone due later in the quarter is due, not missed."""
    ahead = f.milestone(world.intention, title="Later this quarter", due_date=dt.date(2013, 9, 20))
    report = reports.build(world.p, PERIOD, as_at=dt.date(2013, 8, 15))
    row = report.rows[0]
    assert ahead in row.due and ahead not in row.missed
    assert world.milestone in row.missed  # 1 August, before "today", not done
    docx = Document(io.BytesIO(reports.render_docx(report)))
    cell_text = "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "Later this quarter (20 Sep 2013): due" in cell_text


def test_timeline_quarters(report_world, world):
    report = reports.build(world.p, PERIOD, as_at=AS_AT)
    assert report.timeline_quarters[:3] == ["2013/14 Q1", "2013/14 Q2", "2013/14 Q3"]
    assert len(report.timeline_quarters) == 8 and report.timeline_quarters[-1] == "2014/15 Q4"
    row = next(t for t in report.timeline if t.intention.reference == "ALP-01")
    assert report_world["q2"] in row.cells[0] and report_world["q4"] in row.cells[2]


# --- downloads -------------------------------------------------------------------------------


def test_progress_report_page(report_world, world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.get(f"/p/alpha/intentions/report/?period={URL_PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="download-docx"' in html and "ALP-03" in html
    assert "4 milestones due this quarter; 2 missed or late." in html
    assert client.get("/p/alpha/intentions/report/?period=2013-Q5").status_code == 400
    assert "As at 30 September 2013" in html and "Quarter 2 2013/14 (1 July to 30 September 2013)" in html


def test_progress_report_csv(report_world, world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.get(f"/p/alpha/intentions/report/?period={URL_PERIOD}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{STEM}.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == reports.CSV_HEADERS
    by_ref = {r["reference"]: r for r in rows}
    assert set(by_ref) == {"ALP-01", "ALP-02", "ALP-03", "ALP-04"}
    assert by_ref["ALP-01"]["rag"] == "green" and by_ref["ALP-01"]["sro"] == "Jo Bloggs"
    assert by_ref["ALP-01"]["lead_commissioner"] == "Alpha Council"
    assert by_ref["ALP-01"]["milestones_missed"] == (
        f"Done late (2013-07-15); {report_world['missed'].title} (2013-08-01)"
    )
    assert "Due next quarter" not in by_ref["ALP-01"]["milestones_due"]
    # formula injection neutralised
    assert by_ref["ALP-02"]["progress"] == "'=Behind; recovery plan agreed."
    assert by_ref["ALP-03"]["rag_period"] == "2013/14 Q1" and by_ref["ALP-03"]["lead_commissioner"] == ""
    assert by_ref["ALP-04"]["rag"] == "" and by_ref["ALP-04"]["progress"] == ""


def docx_text(data: bytes) -> tuple[list[str], str]:
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    body = "\n".join(p.text for p in doc.paragraphs)
    body += "\n" + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    return headings, body


def test_progress_report_docx(report_world, world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.get(f"/p/alpha/intentions/report/?period={URL_PERIOD}&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert f'filename="{STEM}.docx"' in response["Content-Disposition"]
    headings, body = docx_text(response.content)
    assert headings[0] == "Alpha"
    for heading in ("1. Summary", "2. Recommendations", "3. Supporting information"):
        assert heading in headings
    assert "1 amber and 1 red; 1 had no progress rating" in body
    assert "4 milestones fell due in the quarter, of which 2 were missed" in body
    assert "(ALP-02)" in body  # red intention named in the recommendations
    assert "(Latest update, 2013/14 Q1) Scoping." in body
    assert "As at 30 September 2013" in body
    assert "Future update." not in body


def test_viewer_cannot_see_other_partnership_report(world, client_for):
    client = client_for(world.users["commissioner"])
    assert client.get("/p/beta/intentions/report/").status_code == 404


# --- jointly report ---------------------------------------------------------------------------


def test_report_command_docx(report_world, world, tmp_path):
    out = tmp_path / "alpha.docx"
    stdout = io.StringIO()
    call_command("report", "progress", partnership="alpha", period=URL_PERIOD, format="docx",
                 output=str(out), stdout=stdout)  # fmt: skip
    headings, body = docx_text(out.read_bytes())
    assert "2. Recommendations" in headings and "Alpha" in headings
    assert "ALP-04" in body
    assert "4 intentions" in stdout.getvalue()


def test_report_command_csv(report_world, world, tmp_path):
    out = tmp_path / "alpha.csv"
    call_command("report", "progress", partnership="alpha", period=URL_PERIOD, format="csv",
                 output=str(out), stdout=io.StringIO())  # fmt: skip
    with out.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == reports.CSV_HEADERS
    assert [r[0] for r in rows[1:]] == ["ALP-01", "ALP-02", "ALP-03", "ALP-04"]
    expected = reports.csv_rows(reports.build(world.p, PERIOD, as_at=AS_AT))
    assert [r[5] for r in rows[1:]] == [e[5] for e in expected]


def test_report_command_bad_period(world, tmp_path):
    with pytest.raises(CommandError, match="2013-Q5"):
        call_command("report", "progress", partnership="alpha", period="2013-Q5",
                     output=str(tmp_path / "x.docx"))  # fmt: skip
    assert not (tmp_path / "x.docx").exists()


def test_report_command_unknown_partnership(world, tmp_path):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("report", "progress", partnership="nowhere", period=PERIOD,
                     output=str(tmp_path / "x.docx"))  # fmt: skip


# --- as at a date -------------------------------------------------------------------------------


def test_report_as_at_a_date_judges_milestones_as_things_stood(report_world, world):
    w = report_world
    early = {
        r.intention.reference: r for r in reports.build(world.p, PERIOD, as_at=dt.date(2013, 7, 20)).rows
    }
    # 20 July: "Done late" (due 15 July, done 2 October) is already overdue; 1 August is not due yet.
    assert early["ALP-01"].missed == [w["late"]]
    later = reports.build(world.p, PERIOD, as_at=dt.date(2013, 10, 31))
    assert later.rows[0].missed == [w["late"], w["missed"]]  # done late by then, and still missed
    assert later.milestone_state(w["met"]) == "met"
    assert reports.build(world.p, PERIOD, as_at=dt.date(2013, 8, 31)).milestone_state(w["met"]) == "met"
    assert reports.build(world.p, PERIOD, as_at=dt.date(2013, 8, 29)).milestone_state(w["met"]) == "due"


def test_report_page_and_exports_take_as_at(report_world, world, client_for):
    client = client_for(world.users["commissioner"])
    base = f"/p/alpha/intentions/report/?period={URL_PERIOD}"
    html = client.get(f"{base}&as_at=2013-07-20").content.decode()
    assert "As at 20 July 2013" in html and "4 milestones due this quarter; 1 missed or late." in html
    response = client.get(f"{base}&as_at=2013-07&format=csv")  # a month means its last day
    assert 'as-at-2013-07-31.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert {r["as_at"] for r in rows} == {"2013-07-31"} and {r["period"] for r in rows} == {PERIOD}
    _, body = docx_text(client.get(f"{base}&as_at=2013-07-20&format=docx").content)
    assert "As at 20 July 2013" in body
    assert client.get(f"{base}&as_at=2013-02-30").status_code == 400
    assert client.get(f"{base}&as_at=yesterday").status_code == 400


def test_partnership_reference_date_is_today_when_browsing(report_world, world, client_for):
    world.p.reference_date = dt.date(2013, 8, 15)
    world.p.save()
    client = client_for(world.users["commissioner"])
    html = client.get("/p/alpha/intentions/report/").content.decode()
    assert "Quarter 2 2013/14 (1 July to 30 September 2013)" in html and "As at 15 August 2013" in html
    detail = client.get("/p/alpha/intentions/ALP-01/").content.decode()
    assert "Status as at 15 August 2013" in detail
    # The earlier quarter has ended by the reference date: reported as at its own last day.
    html = client.get("/p/alpha/intentions/report/?period=2013/14-Q1").content.decode()
    assert "As at 30 June 2013" in html


def test_progress_form_and_api_store_the_canonical_quarter(world, client_for):
    client = client_for(world.users["commissioner"])
    response = client.post(
        "/p/alpha/intentions/ALP-01/progress/new/",
        {"period": "Q3 2013/14", "rag": "amber", "narrative": "n", "author": "a", "date": "2014-01-10"},
    )
    assert response.status_code == 302
    assert world.intention.progress.filter(period="2013/14 Q3").exists()
    refused = client.post(
        "/p/alpha/intentions/ALP-01/progress/new/",
        {"period": "2014-Q1", "rag": "amber", "narrative": "n", "author": "a", "date": "2014-04-10"},
    )
    assert (
        refused.status_code == 400 and "as a financial quarter write 2013/14 Q4" in refused.content.decode()
    )


def test_report_command_reads_the_old_calendar_form_with_a_note(report_world, world, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", "progress", partnership="alpha", period="2013-Q3", format="csv",
                 stdout=out, stderr=err)  # fmt: skip
    assert "2013/14 Q2" in err.getvalue() and "July to September 2013" in err.getvalue()
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["period"] for r in rows} == {PERIOD} and {r["as_at"] for r in rows} == {"2013-09-30"}


def test_report_command_as_at(report_world, world):
    out = io.StringIO()
    call_command("report", "progress", partnership="alpha", period="2013/14 Q2", as_at="2013-07-20",
                 format="csv", stdout=out, stderr=io.StringIO())  # fmt: skip
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["ALP-01"]["milestones_missed"] == "Done late (2013-07-15)"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("report", "progress", partnership="alpha", period=PERIOD, as_at="30/09/2013",
                     format="csv", stdout=io.StringIO())  # fmt: skip


@pytest.mark.django_db
def test_derby_report_is_as_at_its_paper_not_today():
    """The done-when of issue 9: Derby's 2013/14 Q2 report as at 30 September 2013."""
    loader.load(with_users=False)
    out = io.StringIO()
    call_command("report", "progress", partnership="derby", period="2013/14-Q2", format="csv",
                 stdout=out, stderr=io.StringIO())  # fmt: skip
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert len(rows) == 8 and {r["as_at"] for r in rows.values()} == {"2013-09-30"}
    assert {r["rag_period"] for r in rows.values()} == {"2013/14 Q2"}
    assert rows["DER-05"]["rag"] == "red" and rows["DER-03"]["rag"] == "green"
    # The September 2013 milestones are due on 30 September, not missed; the only one missed is
    # the 29 August meeting that the paper expects but does not record as held.
    assert "FNP recruitment to new nurse posts (2013-09-30)" in rows["DER-01"]["milestones_due"]
    missed = [r["milestones_missed"] for r in rows.values() if r["milestones_missed"]]
    assert missed == ["Paediatric Clinical Improvement Group meeting (2013-08-29)"]
    derby = Partnership.objects.get(slug="derby")
    assert derby.reference_date == dt.date(2013, 9, 30)


@pytest.mark.django_db
def test_demo_records_what_the_papers_say_was_done():
    from jointly.intentions.models import Milestone

    loader.load(with_users=False)
    notice = Milestone.objects.get(intention__reference="ESX-NHSE-02", title__startswith="Notice given")
    essex = Partnership.objects.get(slug="essex")
    assert notice.status_at(essex.reference_date) == "done"
    assert essex.reference_date == dt.date(2013, 12, 8)  # the date of the Essex paper


# --- jointly --help -------------------------------------------------------------------------


def test_cli_help_lists_jointly_commands(capsys):
    cli.print_help()
    out = capsys.readouterr().out
    for command in ("serve", "demo", "report", "token", "stats"):
        assert f"  {command} " in out, command


def test_cli_main_help_flag(capsys):
    cli.main(["jointly", "--help"])
    assert "report" in capsys.readouterr().out


# --- demo data ---------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


@pytest.mark.django_db
def test_demo_load_is_idempotent():
    loader.load(with_users=True)
    first = row_counts()
    history_first = {k: v for k, v in first.items() if ".Historical" in k}
    assert sum(history_first.values()) > 0
    stats = loader.load(with_users=True)
    second = row_counts()
    assert second == first
    assert not stats, f"second load changed {dict(stats)}"
    assert {k: v for k, v in second.items() if ".Historical" in k} == history_first


@pytest.mark.django_db
def test_demo_partnerships():
    loader.load(with_users=False)
    slugs = set(Partnership.objects.values_list("slug", flat=True))
    assert {"essex", "north-east-essex", "derby", "leeds", "cambridgeshire"} <= slugs
    assert Intention.objects.filter(partnership__slug="derby").count() == 8


@pytest.mark.django_db
def test_demo_text_fits_every_column():
    """SQLite ignores varchar lengths, PostgreSQL does not: the demo data must fit both."""
    from django.apps import apps
    from django.db import models
    from django.db.models.functions import Length

    loader.load(with_users=False)
    too_long = []
    for model in apps.get_models():
        if not model.__module__.startswith("jointly"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.max_length:
                rows = model.objects.annotate(_len=Length(field.name)).filter(_len__gt=field.max_length)
                too_long += [
                    f"{model.__name__}.{field.name}: {v!r}"
                    for v in rows.values_list(field.name, flat=True)[:3]
                ]
    assert too_long == []


# --- jointly stats -----------------------------------------------------------------------------


def test_stats_wilson_command(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("area,numerator,denominator\nA,10,100\nB,0,50\nC,45,45\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("stats", "wilson", input=str(src), output=str(out), stdout=io.StringIO())
    result = pd.read_csv(out)
    expected_cols = [
        "value",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
        "statistic",
        "method",
    ]
    assert list(result.columns) == ["area", "numerator", "denominator", *expected_cols]
    expected = wilson_frame(read_csv(str(src)))
    for col in ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]:
        assert result[col].tolist() == pytest.approx(expected[col].astype(float).tolist(), rel=1e-12)
    assert result["method"].tolist() == ["Wilson"] * 3
    assert result["statistic"].tolist() == expected["statistic"].tolist()
    assert result["value"][0] == pytest.approx(0.1)


def test_stats_wilson_bad_row(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("area,numerator,denominator\nA,10,100\nB,60,50\nC,x,45\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("stats", "wilson", input=str(src), output=str(out), stderr=stderr)
    errors = stderr.getvalue()
    assert "row 3, column 'numerator'" in errors
    assert "row 4, column 'numerator'" in errors
    assert not out.exists()


SPC_CSV = "series,date,value\n" + "".join(
    f"s1,2024-{month:02d}-01,{value}\n"
    for month, value in enumerate([10, 12, 11, 13, 12, 11, 30, 12, 11, 10, 12, 13], start=1)
)


def test_stats_spc_command(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(SPC_CSV, encoding="utf-8")
    out = tmp_path / "out.csv"
    call_command("stats", "spc", input=str(src), output=str(out), stdout=io.StringIO())
    result = pd.read_csv(out, dtype=str, keep_default_na=False)
    added = [
        "mean_col",
        "lpl",
        "upl",
        "special_cause_flag",
        "special_cause_type",
        "point_type",
        "assurance_type",
    ]
    assert list(result.columns) == ["series", "date", "value", *added]
    expected = spc_frame(read_csv(str(src)))
    for col in ["mean_col", "lpl", "upl"]:
        assert result[col].astype(float).tolist() == pytest.approx(expected[col].astype(float).tolist())
    for col in ["special_cause_flag", "special_cause_type", "point_type"]:
        assert result[col].tolist() == expected[col].astype(str).replace("nan", "").tolist()
    assert len(result) == 12


def test_stats_spc_bad_row(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(SPC_CSV.replace("2024-05-01,12", "2024-05-01,twelve"), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("stats", "spc", input=str(src), output=str(tmp_path / "o.csv"), stderr=stderr)
    assert "row 6" in stderr.getvalue() and "'value'" in stderr.getvalue()
    assert not (tmp_path / "o.csv").exists()


def test_stats_missing_input(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("stats", "wilson", input=str(tmp_path / "nope.csv"), output=str(tmp_path / "o.csv"))


@pytest.mark.django_db
def test_demo_accounts_printed_are_the_ones_that_exist():
    from jointly.accounts.models import User

    loader.load(with_users=True)
    listed = {email for email, _slug, _role in loader.demo_accounts()}
    assert listed == set(User.objects.filter(email__endswith="@jointly.test").values_list("email", flat=True))
    assert "commissioner.derby@jointly.test" in listed and "provider.essex@jointly.test" in listed
