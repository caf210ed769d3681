"""Need over provision: service-map cells that are gaps *with evidence*.

A cell of the service map (theme × level of need × area) is a gap with evidence when

* no service sits in it (``cell.services`` is empty), and
* one of the theme's indicators is significantly **worse** than its comparator for the cell's
  area (or, for a whole-partnership cell, for one of the areas that make it up), and
* the indicator calls for that level of need (an indicator with no level calls for any).

:func:`gaps_with_evidence` is pure: it takes any objects with ``.theme``, ``.level``, ``.area``
and ``.services`` (the cells of :mod:`jointly.services.servicemap`, or stand-ins) and plain
:class:`Evidence` records; :func:`evidence_from_rows` makes those records from benchmark rows
(:class:`jointly.needs.benchmarking.ProfileRow`). :func:`partnership_gaps` wires both to the
database for the pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jointly.stats.benchmark import WORSE


class CellLike(Protocol):
    theme: Any
    level: str
    area: Any
    services: Sequence[Any]


@dataclass(frozen=True)
class Evidence:
    """One indicator value that is significantly worse than its comparator."""

    indicator_id: int
    indicator_name: str
    theme_ids: frozenset[int]
    area_id: int
    area_name: str
    period: str
    value: float | None
    lower: float | None
    upper: float | None
    comparator: str
    comparator_value: float | None
    needed_level: str = ""
    unit: str = ""
    result: str = WORSE
    level: str = "95"


@dataclass
class EvidencedGap:
    cell: Any
    evidence: list[Evidence] = field(default_factory=list)
    map_url: str | None = None

    @property
    def theme_id(self) -> int | None:
        return _id(self.cell.theme)

    @property
    def area_id(self) -> int | None:
        return _id(self.cell.area)

    @property
    def anchor(self) -> str:
        return f"gap-{self.theme_id}-{self.cell.level}-{self.area_id or 'all'}"


def _id(obj: Any) -> Any:
    """The id of a theme/area given as a model, a servicemap dataclass or a bare id."""
    if obj is None or isinstance(obj, (int, str)):
        return obj
    for attr in ("id", "pk"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    return None


def _area_ids(area: Any) -> set[Any]:
    """The areas a cell stands for: its own id, or the parts of a whole-partnership cell."""
    own = _id(area)
    if own is not None:
        return {own}
    return set(getattr(area, "parts", ()) or ())


def gaps_with_evidence(cells: Iterable[CellLike], evidence: Iterable[Evidence]) -> list[EvidencedGap]:
    """The empty cells whose theme has worse-than-comparator evidence at the cell's level and area.

    Cells that have an ``extra`` dict get ``extra["evidence"]`` set, so a map can show it.
    """
    by_theme: dict[Any, list[Evidence]] = defaultdict(list)
    for e in evidence:
        if e.result != WORSE:
            continue
        for theme_id in e.theme_ids:
            by_theme[theme_id].append(e)
    gaps: list[EvidencedGap] = []
    for cell in cells:
        if cell.services:
            continue
        candidates = by_theme.get(_id(cell.theme), [])
        if not candidates:
            continue
        areas = _area_ids(cell.area)
        found = [
            e for e in candidates
            if e.area_id in areas and (not e.needed_level or e.needed_level == cell.level)
        ]  # fmt: skip
        if found:
            gaps.append(EvidencedGap(cell, found))
            extra = getattr(cell, "extra", None)
            if isinstance(extra, dict):
                extra["evidence"] = found
    return gaps


def evidence_from_rows(rows: Iterable[Any], comparator: str = "england") -> list[Evidence]:
    """Evidence records from benchmark rows that are worse than ``comparator`` (england/region/group)."""
    out: list[Evidence] = []
    for row in rows:
        comparison = row.comparison(comparator)
        if comparison is None or comparison.result != WORSE or row.latest is None:
            continue
        out.append(
            Evidence(
                indicator_id=row.indicator.pk,
                indicator_name=row.indicator.name,
                theme_ids=frozenset(t.pk for t in row.indicator.themes.all()),
                area_id=row.area.pk,
                area_name=row.area.name,
                period=row.latest.period,
                value=row.latest.value,
                lower=row.lower,
                upper=row.upper,
                comparator=comparison.comparator,
                comparator_value=comparison.value,
                needed_level=row.indicator.needed_level,
                unit=row.indicator.unit,
                level=row.level,
            )
        )
    return out


def partnership_gaps(
    partnership: Any,
    indicators: Sequence[Any],
    areas: Sequence[Any],
    *,
    level: str = "95",
    comparator: str = "england",
    groups: dict[int, Any] | None = None,
) -> tuple[list[EvidencedGap], dict[int, list[Any]]]:
    """Gaps with evidence in each of ``areas`` (the service map of that area × its benchmarks).

    Returns the gaps and the benchmark rows by area id. A fixed number of queries per area.
    """
    from jointly.needs import benchmarking, queries
    from jointly.services import queries as service_queries
    from jointly.services import servicemap

    england = queries.england()
    gaps: list[EvidencedGap] = []
    rows_by_area: dict[int, list[Any]] = {}
    for area in areas:
        group = (groups or {}).get(area.pk)
        rows = benchmarking.build_profile(
            indicators, area, level=level, group=group, england=england, with_spread=False
        )
        rows_by_area[area.pk] = rows
        evidence = evidence_from_rows(rows, comparator)
        if not evidence:
            continue
        smap = servicemap.build_map(**service_queries.map_inputs(partnership, area=area))
        gaps.extend(gaps_with_evidence(smap.cells, evidence))
    return gaps, rows_by_area


def attach_gaps(rows: Iterable[Any], gaps: Iterable[EvidencedGap]) -> None:
    """Put on each benchmark row the gaps its value is evidence for (row.gaps)."""
    index: dict[tuple[int, int], list[EvidencedGap]] = defaultdict(list)
    for gap in gaps:
        for e in gap.evidence:
            index[(e.indicator_id, e.area_id)].append(gap)
    for row in rows:
        row.gaps = index.get((row.indicator.pk, row.area.pk), [])
