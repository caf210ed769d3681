"""The service map: theme × level of need × area, with gaps and possible duplication.

A plain module (no Django import, no queries) so that other features can reuse the cells:
the needs/JSNA feature overlays need data on the same cells to show "gaps with evidence".

Inputs are plain values (build them with :func:`jointly.services.queries.map_inputs`, or by hand
in tests):

``MapService(id, name, level, theme_ids, area_ids, commissioner_ids, ...)``
    One service. ``area_ids`` empty means it covers the whole partnership.
``MapTheme(id, name)``
    A row of the grid.
``levels``
    Column keys in order, e.g. ``jointly.services.models.LEVEL_ORDER``
    (``"universal", "additional", "intensive", "specialist"``).
``MapArea(id, name, code)``
    The area a grid is built for. :data:`ALL_AREAS` (``id=None``) means the whole partnership:
    pass its component areas with ``MapArea.whole(parts)``.
``parents``
    ``{area id: parent area id or None}`` for every area the services and axes use (the area
    tree, so that a county-wide service covers each district in it).

API::

    smap = build_map(services, themes, levels, [area], parents=parents)
    smap.rows                # [(MapTheme, [Cell per level])] for the first area, in order
    smap.cells               # every Cell, ordered by area, theme, level
    smap.cell(theme_id, level, area_id)   # one Cell (area_id None for "all areas")
    smap.unplaced            # services with no theme (they appear in no row)
    smap.counts()            # {CellStatus: number of cells}

``Cell(theme, level, area, services, status)`` plus:

- ``services``: :class:`Placement` (service, coverage) for each service in the cell, where
  ``coverage`` is ``"whole"`` (it covers the whole area) or ``"part"`` (only part of it);
- ``status``: :class:`CellStatus` — ``gap`` (no service), ``partial`` (services cover only part of
  the area), ``covered`` (one service, or several that do not overlap), ``duplication`` (two or more
  services whose areas overlap), ``duplication_cross_commissioner`` (the same, and they are
  commissioned by different organisations: the case the Essex service mapping looked for);
- ``overlaps``: the pairs of services behind a duplication flag;
- ``extra``: a free dict for overlays (the needs feature puts indicator values here).

Nothing here decides *who may see* a service: callers pass only the services the person may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import combinations
from typing import Any


class CellStatus(StrEnum):
    GAP = "gap"
    PARTIAL = "partial"
    COVERED = "covered"
    DUPLICATION = "duplication"
    CROSS_DUPLICATION = "duplication_cross_commissioner"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def severity(self) -> int:
        """Higher means more in need of a commissioner's attention (for sorting)."""
        return STATUS_SEVERITY[self]


STATUS_LABELS = {
    CellStatus.GAP: "Gap: no service",
    CellStatus.PARTIAL: "Partial: covers only part of the area",
    CellStatus.COVERED: "Covered",
    CellStatus.DUPLICATION: "Possible duplication",
    CellStatus.CROSS_DUPLICATION: "Possible duplication across commissioners",
}
STATUS_SEVERITY = {
    CellStatus.COVERED: 0,
    CellStatus.PARTIAL: 1,
    CellStatus.DUPLICATION: 2,
    CellStatus.GAP: 3,
    CellStatus.CROSS_DUPLICATION: 3,
}

WHOLE = "whole"
PART = "part"


@dataclass(frozen=True)
class MapService:
    id: int
    name: str
    level: str
    theme_ids: frozenset[int] = frozenset()
    area_ids: frozenset[int] = frozenset()
    commissioner_ids: frozenset[int] = frozenset()
    commissioner_names: tuple[str, ...] = ()
    provider_id: int | None = None
    provider_name: str = ""
    age_min: int = 0
    age_max: int = 25
    url: str = ""


@dataclass(frozen=True)
class MapTheme:
    id: int
    name: str


@dataclass(frozen=True)
class MapArea:
    id: int | None
    name: str
    code: str = ""
    parts: tuple[int, ...] = ()
    """For the whole partnership (``id`` None): the ids of the areas that make it up."""

    @classmethod
    def whole(cls, parts: Iterable[int], name: str = "All areas") -> MapArea:
        return cls(id=None, name=name, code="", parts=tuple(parts))

    @property
    def key(self) -> str:
        return "all" if self.id is None else str(self.id)


ALL_AREAS = MapArea(id=None, name="All areas")


@dataclass(frozen=True)
class Placement:
    service: MapService
    coverage: str  # WHOLE or PART


@dataclass
class Cell:
    theme: MapTheme
    level: str
    area: MapArea
    services: list[Placement]
    status: CellStatus
    overlaps: list[tuple[MapService, MapService]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str, int | None]:
        return (self.theme.id, self.level, self.area.id)

    @property
    def is_gap(self) -> bool:
        return self.status == CellStatus.GAP

    @property
    def is_duplication(self) -> bool:
        return self.status in (CellStatus.DUPLICATION, CellStatus.CROSS_DUPLICATION)

    @property
    def commissioner_names(self) -> list[str]:
        names: dict[str, None] = {}
        for p in self.services:
            for name in p.service.commissioner_names:
                names[name] = None
        return list(names)


@dataclass
class ServiceMap:
    themes: list[MapTheme]
    levels: list[str]
    areas: list[MapArea]
    cells: list[Cell]
    unplaced: list[MapService]

    def __post_init__(self) -> None:
        self._index = {c.key: c for c in self.cells}

    def cell(self, theme_id: int, level: str, area_id: int | None = None) -> Cell:
        return self._index[(theme_id, level, area_id)]

    @property
    def rows(self) -> list[tuple[MapTheme, list[Cell]]]:
        """Rows of the grid for the first area: (theme, cells in level order)."""
        if not self.areas:
            return []
        area_id = self.areas[0].id
        return [(t, [self.cell(t.id, lv, area_id) for lv in self.levels]) for t in self.themes]

    def counts(self) -> dict[CellStatus, int]:
        result = {s: 0 for s in CellStatus}
        for c in self.cells:
            result[c.status] += 1
        return result


class _Tree:
    """Ancestor look-ups over ``{area id: parent id}`` (cycles are cut, not followed)."""

    def __init__(self, parents: Mapping[int, int | None]):
        self.parents = parents
        self._cache: dict[int, frozenset[int]] = {}

    def ancestors(self, area_id: int) -> frozenset[int]:
        cached = self._cache.get(area_id)
        if cached is not None:
            return cached
        seen: list[int] = []
        current = self.parents.get(area_id)
        while current is not None and current not in seen and current != area_id:
            seen.append(current)
            current = self.parents.get(current)
        result = frozenset(seen)
        self._cache[area_id] = result
        return result

    def within(self, inner: int, outer: int) -> bool:
        """Is ``inner`` the same area as ``outer`` or inside it?"""
        return inner == outer or outer in self.ancestors(inner)


def _coverage(service: MapService, area: MapArea, tree: _Tree) -> str | None:
    """WHOLE, PART or None: how much of ``area`` the service covers."""
    if not service.area_ids:
        return WHOLE  # no areas recorded: the whole partnership
    if area.id is None:
        if not area.parts:
            return PART  # the partnership's extent is unknown: only a service without areas is whole
        covered = [any(tree.within(p, a) for a in service.area_ids) for p in area.parts]
        if all(covered):
            return WHOLE
        return PART  # it covers somewhere in the partnership, if not all of it
    if any(tree.within(area.id, a) for a in service.area_ids):
        return WHOLE
    if any(tree.within(a, area.id) for a in service.area_ids):
        return PART
    return None


def _overlap(a: MapService, b: MapService, tree: _Tree) -> bool:
    """Do the two services' areas overlap (one inside or equal to the other)?"""
    if not a.area_ids or not b.area_ids:
        return True
    return any(tree.within(x, y) or tree.within(y, x) for x in a.area_ids for y in b.area_ids)


def different_commissioners(a: MapService, b: MapService) -> bool:
    """Both have commissioners recorded and they are not the same organisations."""
    return bool(a.commissioner_ids and b.commissioner_ids and a.commissioner_ids != b.commissioner_ids)


def classify(
    placements: Sequence[Placement], tree: _Tree
) -> tuple[CellStatus, list[tuple[MapService, MapService]]]:
    """The status of one cell and the overlapping pairs behind a duplication flag."""
    if not placements:
        return CellStatus.GAP, []
    overlaps = [
        (p.service, q.service)
        for p, q in combinations(placements, 2)
        if WHOLE in (p.coverage, q.coverage) or _overlap(p.service, q.service, tree)
    ]
    if any(different_commissioners(a, b) for a, b in overlaps):
        return CellStatus.CROSS_DUPLICATION, overlaps
    if overlaps:
        return CellStatus.DUPLICATION, overlaps
    if any(p.coverage == WHOLE for p in placements):
        return CellStatus.COVERED, []
    return CellStatus.PARTIAL, []


def build_map(
    services: Iterable[MapService],
    themes: Sequence[MapTheme],
    levels: Sequence[str],
    areas: Sequence[MapArea] = (ALL_AREAS,),
    *,
    parents: Mapping[int, int | None] | None = None,
) -> ServiceMap:
    """Place each service in its cells and classify every cell (pure: no I/O).

    A service sits in the row of each of its themes, in the column of its level, for each area
    it covers wholly or in part. Services are listed in each cell by name.
    """
    tree = _Tree(parents or {})
    services = sorted(services, key=lambda s: (s.name.lower(), s.id))
    theme_ids = {t.id for t in themes}
    by_key: dict[tuple[int, str], list[MapService]] = {}
    unplaced: list[MapService] = []
    for s in services:
        placed = False
        for tid in s.theme_ids:
            if tid in theme_ids:
                by_key.setdefault((tid, s.level), []).append(s)
                placed = True
        if not placed:
            unplaced.append(s)
    cells: list[Cell] = []
    for area in areas:
        for theme in themes:
            for level in levels:
                placements = []
                for s in by_key.get((theme.id, level), []):
                    cover = _coverage(s, area, tree)
                    if cover is not None:
                        placements.append(Placement(s, cover))
                status, overlaps = classify(placements, tree)
                cells.append(Cell(theme, level, area, placements, status, overlaps))
    return ServiceMap(list(themes), list(levels), list(areas), cells, unplaced)
