"""Benchmarking indicator values for people: Fingertips comparisons and recent trends.

The statistics are :mod:`jointly.stats.benchmark` (pure, vectorised); this module fetches
the values in a fixed number of queries, picks each indicator's headline series (sex and
age), the comparators (England, the area's region, a comparator group's pooled value) and
feeds whole arrays to the pure functions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jointly.charts.profile import css_for
from jointly.needs import queries
from jointly.needs.models import (
    DEFAULT_AGE,
    DEFAULT_SEX,
    ComparatorGroup,
    Indicator,
    IndicatorValue,
    ValueType,
)
from jointly.partnerships.models import Area
from jointly.stats.benchmark import (
    NOT_COMPARED,
    SIMILAR,
    WORSE,
    benchmark,
    recent_trend,
)

LEVELS = ("95", "99.8")
DEFAULT_LEVEL = "95"
ENGLAND, REGION, GROUP = "england", "region", "group"
POOLABLE = {ValueType.PROPORTION, ValueType.CRUDE_RATE}


def clean_level(level: str | None) -> str:
    return level if level in LEVELS else DEFAULT_LEVEL


def limits_of(value: IndicatorValue | None, level: str) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    return value.limits(level)


@dataclass
class Comparison:
    key: str
    comparator: str
    value: float | None
    result: str = NOT_COMPARED

    @property
    def css(self) -> str:
        return css_for(self.result)

    @property
    def sentence(self) -> str:
        if self.result in (NOT_COMPARED,):
            return f"not compared with {self.comparator}"
        if self.result == SIMILAR:
            return f"similar to {self.comparator}"
        return f"{self.result} than {self.comparator}"


@dataclass
class Spread:
    """The range of values over all areas of the same type (oriented: ``low`` is worst where judged)."""

    worst: float
    q25: float
    q75: float
    best: float
    areas: int


@dataclass
class ProfileRow:
    indicator: Indicator
    area: Area
    sex: str
    age: str
    latest: IndicatorValue | None
    series: list[IndicatorValue]
    england_series: list[IndicatorValue]
    comparisons: list[Comparison] = field(default_factory=list)
    trend: str = "cannot be calculated"
    spread: Spread | None = None
    level: str = DEFAULT_LEVEL
    gaps: list[Any] = field(default_factory=list)

    @property
    def lower(self) -> float | None:
        return limits_of(self.latest, self.level)[0]

    @property
    def upper(self) -> float | None:
        return limits_of(self.latest, self.level)[1]

    def comparison(self, key: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.key == key), None)

    @property
    def england(self) -> Comparison | None:
        return self.comparison(ENGLAND)

    @property
    def worse_than_england(self) -> bool:
        c = self.england
        return c is not None and c.result == WORSE


def _headline(rows: Sequence[IndicatorValue]) -> tuple[str, str]:
    """The sex and age of an indicator's headline series: Persons / the commonest age."""
    sexes = Counter(r.sex for r in rows)
    sex = DEFAULT_SEX if DEFAULT_SEX in sexes or not sexes else sexes.most_common(1)[0][0]
    ages = Counter(r.age for r in rows if r.sex == sex)
    age = DEFAULT_AGE if DEFAULT_AGE in ages or not ages else ages.most_common(1)[0][0]
    return sex, age


def _group_value(indicator: Indicator, rows: list[IndicatorValue]) -> float | None:
    """A comparator group's value: pooled from counts where possible, else the mean of values."""
    if not rows:
        return None
    if indicator.value_type in POOLABLE and all(r.count is not None and r.denominator for r in rows):
        total = sum(r.denominator for r in rows)  # type: ignore[misc]
        return sum(r.count for r in rows) / total * indicator.multiplier if total else None  # type: ignore[misc]
    values = [r.value for r in rows if r.value is not None]
    return float(np.mean(values)) if values else None


def build_profile(
    indicators: Iterable[Indicator],
    area: Area,
    *,
    level: str = DEFAULT_LEVEL,
    group: ComparatorGroup | None = None,
    england: Area | None = None,
    with_spread: bool = True,
) -> list[ProfileRow]:
    """One row per indicator for ``area``: latest value, comparisons, trend (and spread).

    Queries: England (unless given), the group's members (unless prefetched), all values in
    one query, the spread in one more - whatever the number of indicators or periods.
    ``area`` should be loaded with its parents (``queries.area_with_parents``).
    """
    level = clean_level(level)
    indicators = list(indicators)
    if not indicators:
        return []
    england = england if england is not None else queries.england()
    region = queries.region_of(area)
    members = [m for m in group.members.all() if m.pk != area.pk] if group else []
    area_ids = {area.pk} | {a.pk for a in (england, region) if a} | {m.pk for m in members}
    buckets: dict[tuple[int, int], list[IndicatorValue]] = defaultdict(list)
    for v in queries.series_values([i.pk for i in indicators], area_ids):
        buckets[(v.indicator_id, v.area_id)].append(v)

    def matching(indicator: Indicator, where: Area | None, sex: str, age: str) -> list[IndicatorValue]:
        if where is None:
            return []
        return [v for v in buckets.get((indicator.pk, where.pk), []) if v.sex == sex and v.age == age]

    rows: list[ProfileRow] = []
    for indicator in indicators:
        own = buckets.get((indicator.pk, area.pk), [])
        sex, age = _headline(own)
        series = [v for v in own if v.sex == sex and v.age == age]
        latest = series[-1] if series else None
        row = ProfileRow(indicator, area, sex, age, latest, series, matching(indicator, england, sex, age))
        row.level = level
        period = latest.period if latest else None
        at = {v.period: v for v in row.england_series}
        row.comparisons.append(Comparison(ENGLAND, "England", at[period].value if period in at else None))
        if region is not None:
            at = {v.period: v for v in matching(indicator, region, sex, age)}
            row.comparisons.append(
                Comparison(REGION, region.name, at[period].value if period in at else None)
            )
        if group is not None:
            pool = [v for m in members for v in matching(indicator, m, sex, age) if v.period == period]
            row.comparisons.append(Comparison(GROUP, group.name, _group_value(indicator, pool)))
        rows.append(row)

    _judge(rows, level)
    _trends(rows)
    if with_spread:
        _spreads(rows, area.area_type)
    return rows


def _judge(rows: list[ProfileRow], level: str) -> None:
    """Benchmark every comparison of every row in one vectorised call."""
    pairs = [(row, c) for row in rows for c in row.comparisons]
    if not pairs:
        return
    lower = [limits_of(row.latest, level)[0] for row, _ in pairs]
    upper = [limits_of(row.latest, level)[1] for row, _ in pairs]
    comp = [c.value for _, c in pairs]
    polarity = [row.indicator.polarity for row, _ in pairs]
    as_float = lambda xs: np.array([np.nan if x is None else x for x in xs], dtype=float)  # noqa: E731
    results = benchmark(as_float(lower), as_float(upper), as_float(comp), polarity)
    for (_, c), result in zip(pairs, results, strict=True):
        c.result = str(result)


def _trends(rows: list[ProfileRow]) -> None:
    """Recent trend (chi-square for trend over the last five points) for proportions and rates."""
    by_kind: dict[str, list[ProfileRow]] = defaultdict(list)
    for row in rows:
        kind = row.indicator.trend_kind
        if kind and len(row.series) >= 5:
            by_kind[kind].append(row)
    for kind, group in by_kind.items():
        num = np.array([[np.nan if v.count is None else v.count for v in r.series[-5:]] for r in group])
        den = np.array(
            [[np.nan if v.denominator is None else v.denominator for v in r.series[-5:]] for r in group]
        )
        if kind == "rate":
            # counts of a "count" indicator have no denominator: use 1 (a trend in the counts)
            for i, r in enumerate(group):
                if r.indicator.value_type == ValueType.COUNT:
                    den[i] = np.where(np.isnan(den[i]), 1.0, den[i])
        labels = recent_trend(num, den, kind, [r.indicator.polarity for r in group])  # type: ignore[arg-type]
        for r, label in zip(group, labels, strict=True):
            r.trend = str(label)


def _spreads(rows: list[ProfileRow], area_type: str) -> None:
    keys = [(r.indicator.pk, r.latest.period, r.sex, r.age) for r in rows if r.latest is not None]
    values: dict[int, list[float]] = defaultdict(list)
    for v in queries.values_at(keys, area_type):
        if v.value is not None:
            values[v.indicator_id].append(v.value)
    for row in rows:
        if row.latest is None or len(values.get(row.indicator.pk, [])) < 2:
            continue
        arr = np.array(values[row.indicator.pk])
        q25, q75 = np.percentile(arr, [25, 75])
        low, high = float(arr.min()), float(arr.max())
        if row.indicator.polarity == "lower is better":
            row.spread = Spread(high, float(q75), float(q25), low, arr.size)
        else:
            row.spread = Spread(low, float(q25), float(q75), high, arr.size)


def compare_areas(
    indicator: Indicator,
    areas: Sequence[Area],
    *,
    level: str = DEFAULT_LEVEL,
    period: str | None = None,
    sex: str | None = None,
    age: str | None = None,
    england: Area | None = None,
) -> dict[str, Any]:
    """The indicator's values for ``areas`` (and England) in one period, each judged against England.

    Two queries (the values of the areas, in all periods, and England), whatever the data size.
    """
    level = clean_level(level)
    england = england if england is not None else queries.england()
    ids = {a.pk for a in areas} | ({england.pk} if england else set())
    values = list(queries.series_values([indicator.pk], ids))
    h_sex, h_age = _headline(values)
    sex, age = sex or h_sex, age or h_age
    values = [v for v in values if v.sex == sex and v.age == age]
    periods = sorted({(v.period_order, v.period) for v in values})
    if period is None or period not in {p for _, p in periods}:
        period = periods[-1][1] if periods else None
    at = [v for v in values if v.period == period]
    eng = next((v for v in at if england and v.area_id == england.pk), None)
    points = [v for v in at if not (england and v.area_id == england.pk)]
    by_id = {a.pk: a for a in areas}
    for v in points:
        v.area = by_id[v.area_id]
    comp = np.nan if eng is None or eng.value is None else eng.value
    lo = np.array([np.nan if limits_of(v, level)[0] is None else limits_of(v, level)[0] for v in points])
    hi = np.array([np.nan if limits_of(v, level)[1] is None else limits_of(v, level)[1] for v in points])
    results = benchmark(lo, hi, comp, indicator.polarity) if points else []
    judged = sorted(
        zip(points, [str(r) for r in results], strict=True),
        key=lambda pair: (pair[0].value is None, -(pair[0].value or 0)),
    )
    return {
        "period": period,
        "periods": [p for _, p in periods],
        "sex": sex,
        "age": age,
        "england": eng,
        "points": judged,
        "level": level,
    }


def trend(
    indicator: Indicator, area: Area, *, level: str = DEFAULT_LEVEL, england: Area | None = None
) -> ProfileRow | None:
    """The area's headline series with England's, and the recent-trend call (2-3 queries)."""
    rows = build_profile([indicator], area, level=level, england=england, with_spread=False)
    return rows[0] if rows else None


def worse_findings(rows: Iterable[ProfileRow], comparator: str = ENGLAND) -> list[ProfileRow]:
    return [r for r in rows if (c := r.comparison(comparator)) is not None and c.result == WORSE]


def profile_export_rows(rows: Iterable[ProfileRow]) -> Iterable[list[Any]]:
    for r in rows:
        v = r.latest
        base = [
            r.indicator.name, r.indicator.fingertips_id, r.area.gss_code, r.area.name, r.sex, r.age,
            v.period if v else "", v.count if v else None, v.denominator if v else None,
            v.value if v else None, r.lower, r.upper, r.indicator.unit, r.indicator.polarity,
        ]  # fmt: skip
        for key in (ENGLAND, REGION, GROUP):
            c = r.comparison(key)
            base += [c.comparator if c else "", c.value if c else None, c.result if c else ""]
        yield [*base, r.trend, r.level, v.value_note if v else ""]


PROFILE_EXPORT_HEADERS = [
    "indicator", "fingertips_id", "area_code", "area", "sex", "age", "period", "count", "denominator",
    "value", "lower_limit", "upper_limit", "unit", "polarity",
    "england", "england_value", "compared_with_england",
    "region", "region_value", "compared_with_region",
    "comparator_group", "group_value", "compared_with_group",
    "recent_trend", "confidence_level", "value_note",
]  # fmt: skip
