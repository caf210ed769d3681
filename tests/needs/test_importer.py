"""The indicator-value importer: both layouts, every kind of bad input, whole-or-nothing, upserts."""

from __future__ import annotations

import io

import pytest

from jointly.needs import importer
from jointly.needs.models import ImportLog, IndicatorValue
from jointly.partnerships.models import Area
from jointly.stats.proportions import proportion, rate

pytestmark = pytest.mark.django_db

TEMPLATE_HEAD = "indicator,area_code,period,sex,age,count,denominator\n"
FT_HEAD = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Time period Sortable\n"
)


def ft_row(ind="92517", area="E10000012", period="2020/21", value="40.5", lo="39", hi="42", lo3="38", hi3="43",
           count="405", den="1000", sex="Persons", age="All ages", cat_type="", cat="", sortable="20200000") -> str:  # fmt: skip
    return (
        f"{ind},Breastfeeding,E12000006,East of England,{area},Shire,Counties & UAs,{sex},{age},"
        f"{cat_type},{cat},{period},{value},{lo},{hi},{lo3},{hi3},{count},{den},,{sortable}\n"
    )


def problems_of(log: ImportLog) -> list[str]:
    return importer.problems_for_display(log.problems)


def test_template_import_computes_values_and_limits_with_jointly_stats(needs, csv_file):
    before = IndicatorValue.objects.count()
    path = csv_file(TEMPLATE_HEAD + "bf,E10000012,2020/21,,,412,1000\nasthma,E10000012,2020/21,,,7,100000\n")
    log = importer.import_file(path, "template", by=needs.w.users["analyst"], partnership=needs.w.p)
    assert log.status == "done", problems_of(log)
    assert (log.rows, log.created, log.updated) == (2, 2, 0)
    assert log.uploaded_by == needs.w.users["analyst"] and log.file_name == "values.csv"
    assert len(log.checksum) == 64 and log.finished_on is not None and log.progress == 100
    assert IndicatorValue.objects.count() == before + 2
    bf = IndicatorValue.objects.get(indicator=needs.bf, area=needs.county, period="2020/21")
    expected = proportion([412], [1000], (0.95, 0.998), 100)
    assert bf.value == pytest.approx(41.2)
    assert bf.lower95 == pytest.approx(expected["lower95_0cl"][0])
    assert bf.upper998 == pytest.approx(expected["upper99_8cl"][0])
    assert (bf.sex, bf.age, bf.period_order, bf.import_log_id) == ("Persons", "All ages", 20200000, log.pk)
    asthma = IndicatorValue.objects.get(indicator=needs.asthma, area=needs.county, period="2020/21")
    expected = rate([7], [100000], (0.95, 0.998), 100000)  # exact Poisson below 10 events
    assert asthma.value == pytest.approx(7.0)
    assert asthma.lower95 == pytest.approx(expected["lower95_0cl"][0])
    assert asthma.upper998 == pytest.approx(expected["upper99_8cl"][0])


def test_template_accepts_fingertips_id_and_count_type(needs, csv_file):
    needs.asthma.value_type = "count"
    needs.asthma.save()
    log = importer.import_file(
        csv_file(TEMPLATE_HEAD + "92517,E10000012,2021,,,5,10\nasthma,E10000012,2021,,,12,\n"), "template"
    )
    assert log.status == "done", problems_of(log)
    count = IndicatorValue.objects.get(indicator=needs.asthma, period="2021")
    assert count.value == 12 and count.lower95 < 12 < count.upper95


def test_reimport_updates_in_place(needs, csv_file):
    path = csv_file(TEMPLATE_HEAD + "bf,E10000012,2020/21,,,400,1000\n")
    first = importer.import_file(path, "template")
    total = IndicatorValue.objects.count()
    second = importer.import_file(
        csv_file(TEMPLATE_HEAD + "bf,E10000012,2020/21,,,500,1000\n", "v2.csv"), "template"
    )
    assert (second.created, second.updated) == (0, 1)
    assert IndicatorValue.objects.count() == total
    value = IndicatorValue.objects.get(indicator=needs.bf, area=needs.county, period="2020/21")
    assert value.value == pytest.approx(50.0) and value.import_log_id == second.pk != first.pk
    assert ImportLog.objects.filter(status="done").count() == 2


def test_fingertips_layout_loads_values_as_published(needs, csv_file):
    text = (
        FT_HEAD
        + ft_row()
        + ft_row(area="E92000001", value="47.1", count="", den="", sortable="")
        + ft_row(sex="Female", age="15-17 yrs", cat_type="Ethnic groups", cat="White")
    )
    log = importer.import_file(csv_file(text), "fingertips")
    assert log.status == "done", problems_of(log)
    assert log.created == 3
    v = IndicatorValue.objects.get(indicator=needs.bf, area=needs.county, period="2020/21", sex="Persons")
    assert (v.value, v.lower95, v.upper95, v.lower998, v.upper998, v.count, v.denominator) == (
        40.5, 39, 42, 38, 43, 405, 1000,
    )  # fmt: skip
    eng = IndicatorValue.objects.get(indicator=needs.bf, area=needs.england, period="2020/21")
    assert eng.count is None and eng.denominator is None and eng.period_order == 20200000
    cat = IndicatorValue.objects.get(indicator=needs.bf, category="White")
    assert (cat.sex, cat.age, cat.category_type) == ("Female", "15-17 yrs", "Ethnic groups")


def test_template_every_problem_listed_by_row_and_column_and_nothing_written(needs, csv_file):
    before = IndicatorValue.objects.count()
    text = (
        TEMPLATE_HEAD
        + "\n".join(
            [
                "nope,E10000012,2021,,,1,10",  # row 2: unknown indicator
                "bf,E99999999,2021,,,1,10",  # row 3: unknown area
                "bf,E10000012,2021,,,lots,10",  # row 4: not a number
                "bf,E10000012,2022,,,-1,10",  # row 5: negative count
                "bf,E10000012,2023,,,11,10",  # row 6: numerator > denominator (proportion)
                "bf,E10000012,2024,,,1,10",  # row 7
                "bf,E10000012,2024,,,2,10",  # row 8: duplicate of row 7
                "asthma,E10000012,2025,,,3,",  # row 9: missing denominator
                "bf,E10000012,,,,3,10",  # row 10: missing period
                "asthma,E10000012,2026,,,3,0",  # row 11: zero denominator
                "bf,E10000012,2027,,,3,-10",  # row 12: negative denominator
                "bf,E10000012,2028,,,1,10",  # row 13: good, but the file is refused
            ]
        )
        + "\n"
    )
    log = importer.import_file(csv_file(text), "template")
    assert log.status == "failed"
    found = problems_of(log)
    for expected in [
        "row 2, column 'indicator': unknown indicator code or Fingertips ID 'nope'",
        "row 3, column 'area_code': unknown area code 'E99999999'",
        "row 4, column 'count': 'lots' is not a number",
        "row 5, column 'count': a count cannot be negative",
        "row 6, column 'count': count 11 is more than the denominator 10",
        "row 8, column 'indicator': the same indicator, area, period, sex, age and category as row 7",
        "row 9, column 'denominator': the denominator is missing",
        "row 10, column 'period': the period is missing",
        "row 11, column 'denominator': the denominator cannot be zero",
        "row 12, column 'denominator': a denominator cannot be negative",
    ]:
        assert any(p.startswith(expected) for p in found), (expected, found)
    assert log.problem_count == len(found) >= 10
    assert not any(p.startswith("row 13") for p in found)
    assert IndicatorValue.objects.count() == before
    assert "nothing was saved" in log.message


def test_template_refuses_types_it_cannot_compute(needs, csv_file):
    needs.asthma.value_type = "dsr"
    needs.asthma.save()
    log = importer.import_file(csv_file(TEMPLATE_HEAD + "asthma,E10000012,2021,,,30,1000\n"), "template")
    assert log.status == "failed"
    assert "cannot be computed from a count and denominator" in problems_of(log)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("indicator,area_code,period\nbf,E10000012,2021\n", "row 1, column 'count': missing column"),
        ("Indicator ID,Area Code\n1,E1\n", "row 1, column 'Time period': missing column"),
        ("", "could not be read"),
    ],
)
def test_missing_columns_and_unreadable_files(needs, csv_file, text, expected):
    layout = "fingertips" if text.startswith("Indicator ID") else "template"
    log = importer.import_file(csv_file(text), layout)
    assert log.status == "failed"
    assert any(expected in p for p in problems_of(log)), problems_of(log)


def test_not_utf8_is_a_problem_not_a_crash(needs):
    log = importer.import_file(
        io.BytesIO(b"indicator,area_code\n\xff\xfe\x00bad"), "template", file_name="bad.csv"
    )
    assert log.status == "failed" and "UTF-8" in problems_of(log)[0]


def test_fingertips_problems_listed(needs, csv_file):
    text = FT_HEAD + ft_row(ind="123") + ft_row(value="n/k?") + ft_row(period="2019/20", lo="45", hi="40")
    text += ft_row(period="2018/19", count="-4") + ft_row(period="2017/18", count="2000")
    before = IndicatorValue.objects.count()
    log = importer.import_file(csv_file(text), "fingertips", strict=True)
    found = problems_of(log)
    assert any(
        p.startswith("row 2, column 'Indicator ID': unknown Fingertips indicator ID '123'") for p in found
    )
    assert any(p.startswith("row 3, column 'Value': 'n/k?' is not a number") for p in found)
    assert any(p.startswith("row 4, column 'Lower CI 95.0 limit': the lower limit is above") for p in found)
    assert any(p.startswith("row 5, column 'Count': a count cannot be negative") for p in found)
    assert any(
        p.startswith("row 6, column 'Count': count 2000 is more than the denominator 1000") for p in found
    )
    assert IndicatorValue.objects.count() == before


def test_blank_and_na_cells_are_missing_not_errors(needs, csv_file):
    text = FT_HEAD + ft_row(value="", lo="NA", hi="", lo3="", hi3="", count="", den="")
    log = importer.import_file(csv_file(text), "fingertips")
    assert log.status == "done", problems_of(log)
    assert IndicatorValue.objects.get(indicator=needs.bf, period="2020/21").value is None


def test_unknown_fingertips_areas_are_added_typed_by_their_code(needs, csv_file):
    log = importer.import_file(csv_file(FT_HEAD + ft_row(area="E06000099")), "fingertips")
    assert log.status == "done", problems_of(log)
    area = Area.objects.get(gss_code="E06000099")
    # "Counties & UAs" in the file, but E06 is a unitary authority; the parent comes from Parent Code
    assert area.area_type == "unitary" and IndicatorValue.objects.filter(area=area).count() == 1
    assert area.parent == needs.region
    assert log.report["added_areas"] == [
        {"gss_code": "E06000099", "name": "Shire", "area_type": "Unitary authority", "parent": "E12000006"}
    ]
    assert "Added 0 indicators and 1 area from the file." in log.message


def test_strict_refuses_unknown_areas_and_indicators(needs, csv_file):
    text = FT_HEAD + ft_row(area="E06000099") + ft_row(ind="93356", period="2019/20")
    log = importer.import_file(csv_file(text), "fingertips", strict=True)
    assert log.status == "failed"
    assert not Area.objects.filter(gss_code="E06000099").exists()
    groups = [g["text"] for g in log.report["problem_groups"]]
    assert any("unknown area code 'E06000099': add the area first" in g for g in groups), groups
    assert any("unknown Fingertips indicator ID '93356'" in g for g in groups), groups


def test_progress_callback_reaches_the_end(needs, csv_file):
    seen = []
    importer.import_file(
        csv_file(TEMPLATE_HEAD + "bf,E10000012,2030,,,1,10\n"),
        "template",
        progress=lambda f, s: seen.append(f),
    )
    assert seen[0] < seen[-1] == 1.0 and seen == sorted(seen)


def test_unknown_layout_is_refused(needs, csv_file):
    with pytest.raises(ValueError):
        importer.import_file(csv_file(TEMPLATE_HEAD), "xml")


def test_period_order_uses_years_and_quarters():
    import pandas as pd

    order = importer.period_order(pd.Series(["2019/20", "2017 - 19", "2020 Q3", "Aug 2020", "none"]))
    assert order.tolist() == [20190000, 20170000, 20200300, 20200000, 0]


def test_background_import_records_progress_and_finishes(needs, csv_file, settings, tmp_path):
    from jointly.needs import jobs as needs_jobs

    settings.VAR_DIR = tmp_path
    path = needs_jobs.upload_dir() / "1-upload.csv"
    path.write_bytes(csv_file(TEMPLATE_HEAD + "bf,E10000012,2031,,,1,10\n").read_bytes())
    log = importer.start_log(file_name="values.csv", layout="template", partnership=needs.w.p)
    job = needs_jobs.enqueue_import(log, path)  # run eagerly in tests
    log.refresh_from_db()
    assert log.status == "done" and log.progress == 100
    assert (job.status, job.done, job.total, job.attempts) == ("succeeded", 100, 100, 1)
    assert not path.exists()  # the stored upload is removed


def test_duplicate_detected_when_named_by_code_and_by_fingertips_id(needs, csv_file):
    log = importer.import_file(
        csv_file(TEMPLATE_HEAD + "bf,E10000012,2041,,,1,10\n92517,E10000012,2041,,,2,10\n"), "template"
    )
    assert problems_of(log) == [
        "row 3, column 'indicator': the same indicator, area, period, sex, age and category as row 2, "
        "with other values"
    ]
