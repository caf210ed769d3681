"""Fixtures for the needs tests: a world with England, a region, a county, neighbours and indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from jointly.needs.importer import compute_values
from jointly.needs.models import ComparatorGroup, Indicator, IndicatorValue
from jointly.partnerships.models import Area

PERIODS = ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20"]


def make_value(
    indicator: Indicator, area: Area, period: str, count: float, denominator: float, **kw
) -> IndicatorValue:
    """An IndicatorValue with value and limits computed as the template import does."""
    out = compute_values(
        np.array([indicator.value_type], dtype=object),
        np.array([indicator.multiplier]),
        np.array([float(count)]),
        np.array([float(denominator)]),
    )
    return IndicatorValue(
        indicator=indicator, area=area, period=period, period_order=int(period[:4]) * 10000,
        count=count, denominator=denominator, **{k: float(v[0]) for k, v in out.items()}, **kw,
    )  # fmt: skip


@dataclass
class NeedsWorld:
    w: object
    england: Area
    region: Area
    county: Area
    neighbours: list[Area]
    bf: Indicator
    asthma: Indicator
    group: ComparatorGroup
    extra: list = field(default_factory=list)

    @classmethod
    def build(cls, w) -> NeedsWorld:
        england = Area.objects.create(gss_code="E92000001", name="England", area_type="country")
        region = Area.objects.create(
            gss_code="E12000006", name="East of England", area_type="region", parent=england
        )
        county = Area.objects.create(gss_code="E10000012", name="Shire", area_type="county", parent=region)
        neighbours = [
            Area.objects.create(
                gss_code=f"E1000010{i}", name=f"Neighbour {i}", area_type="county", parent=region
            )
            for i in range(3)
        ]
        w.p.areas.add(county)
        bf = Indicator.objects.create(
            code="bf", name="Breastfeeding at 6 to 8 weeks", value_type="proportion", multiplier=100, unit="%",
            polarity="higher is better", fingertips_id=92517, needed_level="universal",
        )  # fmt: skip
        asthma = Indicator.objects.create(
            code="asthma", name="Admissions for asthma", value_type="crude_rate", multiplier=100000,
            unit="per 100,000", polarity="lower is better", fingertips_id=90810, needed_level="additional",
        )  # fmt: skip
        for ind in (bf, asthma):
            ind.themes.add(w.theme)
            ind.outcomes.add(w.outcome)
        group = ComparatorGroup.objects.create(partnership=w.p, name="Shire neighbours", area=county)
        group.members.set(neighbours)
        nw = cls(w, england, region, county, neighbours, bf, asthma, group)
        nw.add_values()
        return nw

    def add_values(
        self, periods: list[str] = PERIODS, areas: list[Area] | None = None, base: bool = True
    ) -> None:
        """Values for England, the region and the county (``base``) and the neighbours (or ``areas``)."""
        rows = []
        for t, period in enumerate(periods):
            rows += (
                []
                if not base
                else [
                    make_value(self.bf, self.england, period, 45000, 100000),
                    make_value(self.bf, self.region, period, 4500, 10000),
                    make_value(self.bf, self.county, period, 3000, 10000),  # 30% against England's 45%: worse
                    make_value(self.asthma, self.england, period, 20000, 10_000_000),
                    make_value(self.asthma, self.region, period, 2000, 1_000_000),
                    make_value(self.asthma, self.county, period, 300 + 40 * t, 100_000),  # rising, worse
                ]
            )
            for n in areas if areas is not None else self.neighbours:
                rows.append(make_value(self.bf, n, period, 4480, 10000))
                rows.append(make_value(self.asthma, n, period, 210, 100_000))
        IndicatorValue.objects.bulk_create(rows)


@pytest.fixture
def needs(world) -> NeedsWorld:
    return NeedsWorld.build(world)


@pytest.fixture
def csv_file(tmp_path):
    """``csv_file(text, name="x.csv")`` writes a CSV and returns its path."""

    def write(text: str, name: str = "values.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
