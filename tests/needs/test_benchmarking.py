"""Benchmark wiring: comparisons with England, region and a comparator group; trends; spreads."""

from __future__ import annotations

import pytest

from jointly.needs import benchmarking, queries
from jointly.needs.models import ComparatorGroup
from tests.needs.conftest import make_value

pytestmark = pytest.mark.django_db


def profile(needs, **kw):
    area = queries.area_with_parents(needs.county.gss_code)
    rows = benchmarking.build_profile([needs.bf, needs.asthma], area, **kw)
    return {r.indicator.code: r for r in rows}


def test_profile_compares_with_england_region_and_group(needs):
    rows = profile(needs, group=needs.group)
    bf, asthma = rows["bf"], rows["asthma"]
    assert bf.latest.period == "2019/20" and bf.latest.value == pytest.approx(30.0)
    assert [c.key for c in bf.comparisons] == ["england", "region", "group"]
    assert bf.england.value == pytest.approx(45.0) and bf.england.result == "worse"
    assert bf.comparison("region").comparator == "East of England"
    assert bf.comparison("region").result == "worse"
    # the group value is pooled from its members counts: 3 × 4480 / 3 × 10000
    assert bf.comparison("group").value == pytest.approx(44.8)
    assert asthma.england.result == "worse"  # lower is better, the county is higher
    assert bf.worse_than_england and asthma.worse_than_england
    assert "worse than England" in bf.england.sentence


def test_neutral_polarity_gives_higher_or_lower(needs):
    needs.asthma.polarity = "neutral"
    needs.asthma.save()
    assert profile(needs)["asthma"].england.result == "higher"


def test_confidence_level_changes_the_limits_used(needs):
    narrow = profile(needs, level="95")["bf"]
    wide = profile(needs, level="99.8")["bf"]
    assert wide.lower < narrow.lower < narrow.upper < wide.upper
    assert benchmarking.clean_level("50") == "95"


def test_similar_when_the_interval_contains_the_comparator(needs):
    make_value(needs.bf, needs.county, "2020/21", 4500, 10000).save()
    assert profile(needs)["bf"].england.result == "not compared"  # England has no 2020/21 value
    make_value(needs.bf, needs.england, "2020/21", 45000, 100000).save()
    assert profile(needs)["bf"].england.result == "similar"


def test_recent_trend_over_the_last_five_points(needs):
    rows = profile(needs)
    assert rows["asthma"].trend == "increasing and getting worse"
    assert rows["bf"].trend == "no significant change"


def test_trend_needs_five_points(needs):
    from jointly.needs.models import IndicatorValue

    IndicatorValue.objects.filter(area=needs.county, period__in=["2014/15", "2015/16"]).delete()
    assert profile(needs)["bf"].trend == "cannot be calculated"


def test_spread_over_areas_of_the_same_type(needs):
    bf = profile(needs)["bf"]
    assert bf.spread.areas == 4  # the county and three neighbouring counties
    assert bf.spread.worst == pytest.approx(30.0) and bf.spread.best == pytest.approx(44.8)
    asthma = profile(needs)["asthma"]
    assert asthma.spread.worst > asthma.spread.best  # lower is better: the worst is the highest


def test_headline_prefers_persons(needs):
    make_value(needs.bf, needs.county, "2019/20", 10, 10, sex="Female").save()
    assert profile(needs)["bf"].sex == "Persons"


def test_compare_areas_orders_and_judges_against_england(needs):
    areas = [needs.county, *needs.neighbours]
    result = benchmarking.compare_areas(needs.bf, areas)
    assert result["period"] == "2019/20" and result["england"].value == pytest.approx(45.0)
    names = [v.area.name for v, _ in result["points"]]
    assert names[-1] == "Shire"  # lowest value last
    judged = dict((v.area.name, r) for v, r in result["points"])
    assert judged["Shire"] == "worse" and judged["Neighbour 0"] == "similar"
    older = benchmarking.compare_areas(needs.bf, areas, period="2014/15")
    assert older["period"] == "2014/15" and len(older["periods"]) == 6


def test_group_value_falls_back_to_the_mean_without_counts(needs):
    from jointly.needs.models import IndicatorValue

    IndicatorValue.objects.filter(area__in=needs.neighbours).update(count=None)
    rows = profile(needs, group=ComparatorGroup.objects.get(pk=needs.group.pk))
    assert rows["bf"].comparison("group").value == pytest.approx(44.8)


def test_export_rows_have_every_header(needs):
    rows = list(benchmarking.profile_export_rows(profile(needs, group=needs.group).values()))
    assert all(len(r) == len(benchmarking.PROFILE_EXPORT_HEADERS) for r in rows)
