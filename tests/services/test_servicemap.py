"""The service map's cell model: a pure function, tested without the database."""

from __future__ import annotations

from jointly.services.servicemap import (
    ALL_AREAS,
    CellStatus,
    MapArea,
    MapService,
    MapTheme,
    build_map,
)

LEVELS = ["universal", "additional", "intensive", "specialist"]
CAMHS, EARLY = MapTheme(1, "CAMHS"), MapTheme(2, "Early years")
COUNTY, NORTH, SOUTH, OTHER = 10, 11, 12, 99
PARENTS = {COUNTY: None, NORTH: COUNTY, SOUTH: COUNTY, OTHER: None}
COUNCIL, CCG = 100, 200


def svc(i: int, level: str = "universal", themes=(1,), areas=(), commissioners=(COUNCIL,)) -> MapService:
    return MapService(
        id=i, name=f"S{i}", level=level, theme_ids=frozenset(themes), area_ids=frozenset(areas),
        commissioner_ids=frozenset(commissioners), commissioner_names=tuple(str(c) for c in commissioners),
    )  # fmt: skip


def grid(services, areas=(ALL_AREAS,)):
    return build_map(services, [CAMHS, EARLY], LEVELS, list(areas), parents=PARENTS)


def test_empty_cells_are_gaps():
    smap = grid([svc(1)])
    assert smap.cell(1, "universal").status == CellStatus.COVERED
    assert smap.cell(1, "specialist").status == CellStatus.GAP
    assert smap.cell(1, "specialist").is_gap
    assert smap.cell(2, "universal").services == []
    assert smap.counts()[CellStatus.GAP] == 7
    assert len(smap.cells) == 8


def test_two_services_same_commissioner_are_possible_duplication():
    smap = grid([svc(1), svc(2)])
    cell = smap.cell(1, "universal")
    assert cell.status == CellStatus.DUPLICATION
    assert cell.is_duplication
    assert [(a.id, b.id) for a, b in cell.overlaps] == [(1, 2)]


def test_different_commissioners_flag_more_strongly():
    smap = grid([svc(1, commissioners=(COUNCIL,)), svc(2, commissioners=(CCG,))])
    cell = smap.cell(1, "universal")
    assert cell.status == CellStatus.CROSS_DUPLICATION
    assert cell.status.severity > CellStatus.DUPLICATION.severity
    assert set(cell.commissioner_names) == {str(COUNCIL), str(CCG)}


def test_unknown_commissioners_are_not_called_different():
    smap = grid([svc(1, commissioners=()), svc(2, commissioners=(CCG,))])
    assert smap.cell(1, "universal").status == CellStatus.DUPLICATION


def test_services_in_different_districts_do_not_duplicate():
    north, south = svc(1, areas=[NORTH]), svc(2, areas=[SOUTH], commissioners=(CCG,))
    smap = grid([north, south])
    assert smap.cell(1, "universal").status == CellStatus.PARTIAL  # neither covers the whole county
    smap = grid([north, south], [MapArea.whole([COUNTY])])
    assert smap.cell(1, "universal").status == CellStatus.PARTIAL
    assert smap.cell(1, "universal").overlaps == []


def test_area_filter_uses_the_area_tree():
    county_wide = svc(1, areas=[COUNTY])
    north_only = svc(2, areas=[NORTH], commissioners=(CCG,))
    elsewhere = svc(3, areas=[OTHER])
    services = [county_wide, north_only, elsewhere]
    north = grid(services, [MapArea(NORTH, "North", "N")]).cell(1, "universal", NORTH)
    assert [p.service.id for p in north.services] == [1, 2]
    assert {p.coverage for p in north.services} == {"whole"}
    assert north.status == CellStatus.CROSS_DUPLICATION
    south = grid(services, [MapArea(SOUTH, "South", "S")]).cell(1, "universal", SOUTH)
    assert [p.service.id for p in south.services] == [1]
    assert south.status == CellStatus.COVERED
    county = grid(services, [MapArea(COUNTY, "County", "C")]).cell(1, "universal", COUNTY)
    assert [(p.service.id, p.coverage) for p in county.services] == [(1, "whole"), (2, "part")]
    assert county.status == CellStatus.CROSS_DUPLICATION  # the county-wide service overlaps the north
    other = grid([north_only], [MapArea(OTHER, "Other", "O")]).cell(1, "universal", OTHER)
    assert other.status == CellStatus.GAP


def test_service_without_areas_covers_everywhere():
    smap = grid([svc(1)], [MapArea(SOUTH, "South", "S")])
    assert smap.cell(1, "universal", SOUTH).services[0].coverage == "whole"


def test_levels_themes_and_unplaced():
    smap = grid([svc(1, level="specialist", themes=(1, 2)), svc(2, themes=())])
    assert smap.cell(1, "specialist").status == CellStatus.COVERED
    assert smap.cell(2, "specialist").status == CellStatus.COVERED
    assert [s.id for s in smap.unplaced] == [2]
    rows = smap.rows
    assert [t.name for t, _ in rows] == ["CAMHS", "Early years"]
    assert [c.level for c in rows[0][1]] == LEVELS


def test_several_areas_at_once_and_extra_overlay():
    areas = [MapArea(NORTH, "North", "N"), MapArea(SOUTH, "South", "S")]
    smap = grid([svc(1, areas=[NORTH])], areas)
    assert len(smap.cells) == 2 * 2 * 4
    assert smap.cell(1, "universal", NORTH).status == CellStatus.COVERED
    assert smap.cell(1, "universal", SOUTH).status == CellStatus.GAP
    cell = smap.cell(1, "universal", SOUTH)
    cell.extra["need"] = "high"  # overlays (the needs feature) annotate cells in place
    assert smap.cell(1, "universal", SOUTH).extra == {"need": "high"}


def test_cycles_in_the_area_tree_do_not_hang():
    smap = build_map([svc(1, areas=[1])], [CAMHS], LEVELS, [MapArea(2, "B")], parents={1: 2, 2: 1})
    assert smap.cell(1, "universal", 2).services[0].coverage == "whole"
