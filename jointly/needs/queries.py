"""Querysets for the needs pages (select/prefetch in one place; a fixed number of queries per page)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, Prefetch, Q, QuerySet

from jointly.intentions.models import Theme
from jointly.needs.gss import peer_types
from jointly.needs.models import ENGLAND_CODE, ComparatorGroup, Indicator, IndicatorValue, NeedsAssessment
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import Area, AreaType, Partnership


def partnership_indicators(partnership: Partnership) -> QuerySet[Indicator]:
    """Indicators linked to the partnership's themes or outcomes (its part of the catalogue).

    Two semi-joins (``id IN (…)``), never a join of both link tables with DISTINCT: that built
    every theme-link × outcome-link pair of every partnership sharing an indicator, growing
    roughly with the square of the partnerships (issue 16; ``tests/needs/test_indicator_plan.py``).
    """
    by_theme = Indicator.themes.through.objects.filter(theme__partnership=partnership).values("indicator_id")
    by_outcome = Indicator.outcomes.through.objects.filter(
        outcome__framework__partnership=partnership
    ).values("indicator_id")
    return (
        Indicator.objects.filter(Q(pk__in=by_theme) | Q(pk__in=by_outcome))
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.filter(partnership=partnership)),
            Prefetch(
                "outcomes",
                # The framework's partnership too: each outcome links to its page (no query per link).
                queryset=Outcome.objects.filter(framework__partnership=partnership).select_related(
                    "framework__partnership"
                ),
            ),
        )
        .order_by("name")
    )


def partnership_areas(partnership: Partnership) -> list[Area]:
    return list(partnership.areas.select_related("parent__parent__parent").order_by("name"))


def area_with_parents(gss_code: str) -> Area | None:
    return Area.objects.select_related("parent__parent__parent").filter(gss_code=gss_code).first()


def england() -> Area | None:
    return Area.objects.filter(gss_code=ENGLAND_CODE).first()


def region_of(area: Area) -> Area | None:
    """The region above an area (areas are loaded with three levels of parents)."""
    node = area.parent if area.area_type != AreaType.REGION else None
    for _ in range(3):
        if node is None:
            return None
        if node.area_type == AreaType.REGION:
            return node
        node = node.parent
    return None


def comparator_groups(partnership: Partnership) -> QuerySet[ComparatorGroup]:
    return (
        ComparatorGroup.objects.filter(partnership=partnership)
        .select_related("area")
        .prefetch_related(Prefetch("members", queryset=Area.objects.order_by("name")))
        .order_by("name")
    )


def series_values(indicator_ids: Iterable[int], area_ids: Iterable[int]) -> QuerySet[IndicatorValue]:
    """All periods of the headline (uncategorised) values of some indicators in some areas."""
    return IndicatorValue.objects.filter(
        indicator_id__in=list(indicator_ids), area_id__in=list(area_ids), category_type=""
    ).order_by("indicator_id", "area_id", "period_order", "period")


def values_at(keys: Iterable[tuple[int, str, str, str]], area_type: str) -> QuerySet[IndicatorValue]:
    """Values of every area ranked with ``area_type`` (:func:`jointly.needs.gss.peer_types`: a county
    among the upper tier, as Fingertips' "County & UA") at given (indicator, period, sex, age) - one query."""
    condition = Q()
    for indicator_id, period, sex, age in keys:
        condition |= Q(indicator_id=indicator_id, period=period, sex=sex, age=age)
    if not condition:
        return IndicatorValue.objects.none()
    return (
        IndicatorValue.objects.filter(condition, area__area_type__in=peer_types(area_type), category_type="")
        .select_related("area")
        .order_by("indicator_id", "value")
    )


def latest_period(indicator: Indicator, area_ids: Iterable[int]) -> int | None:
    return IndicatorValue.objects.filter(indicator=indicator, area_id__in=list(area_ids)).aggregate(
        latest=Max("period_order")
    )["latest"]


def recent_assessments(partnership: Partnership, count: int = 5) -> list[NeedsAssessment]:
    """The newest assessments, for a list of links (topic and date): nothing else is read."""
    recent = list(NeedsAssessment.objects.filter(partnership=partnership).order_by("-date", "topic")[:count])
    for a in recent:
        a.partnership = partnership  # their links name it: no query each
    return recent


def assessments(partnership: Partnership) -> QuerySet[NeedsAssessment]:
    return (
        NeedsAssessment.objects.filter(partnership=partnership)
        .select_related("area", "partnership")
        .prefetch_related("indicators", "outcomes__framework", "intentions")
        .order_by("-date", "topic")
    )
