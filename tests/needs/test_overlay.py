"""Need over provision: empty service-map cells with worse-than-comparator evidence."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jointly.needs import overlay, queries
from jointly.needs.overlay import Evidence, gaps_with_evidence
from jointly.services import servicemap


def evidence(theme_ids=(1,), area_id=10, level="", result="worse", name="Asthma admissions") -> Evidence:
    return Evidence(
        indicator_id=7, indicator_name=name, theme_ids=frozenset(theme_ids), area_id=area_id, area_name="Shire",
        period="2019/20", value=300.0, lower=280.0, upper=320.0, comparator="England", comparator_value=200.0,
        needed_level=level, result=result,
    )  # fmt: skip


def cell(theme=1, level="additional", area=10, services=()):
    return SimpleNamespace(
        theme=SimpleNamespace(id=theme), level=level, area=SimpleNamespace(id=area), services=list(services)
    )


def test_empty_cell_with_worse_evidence_is_a_gap():
    gaps = gaps_with_evidence([cell()], [evidence()])
    assert len(gaps) == 1 and gaps[0].evidence[0].indicator_name == "Asthma admissions"
    assert gaps[0].anchor == "gap-1-additional-10"


def test_cells_with_services_are_not_gaps():
    assert gaps_with_evidence([cell(services=["a service"])], [evidence()]) == []


def test_only_worse_evidence_counts():
    assert gaps_with_evidence([cell()], [evidence(result="similar"), evidence(result="better")]) == []


def test_evidence_must_match_theme_area_and_level():
    ev = evidence(level="additional")
    assert gaps_with_evidence([cell(theme=2)], [ev]) == []
    assert gaps_with_evidence([cell(area=11)], [ev]) == []
    assert gaps_with_evidence([cell(level="universal")], [ev]) == []
    # no level on the indicator: any empty cell of the theme
    assert len(gaps_with_evidence([cell(level="universal"), cell(level="specialist")], [evidence()])) == 2


def test_bare_ids_and_model_like_objects_work():
    bare = SimpleNamespace(theme=1, level="additional", area=10, services=[])
    model_like = SimpleNamespace(
        theme=SimpleNamespace(pk=1), level="additional", area=SimpleNamespace(pk=10), services=[]
    )
    assert len(gaps_with_evidence([bare, model_like], [evidence()])) == 2


def test_servicemap_cells_whole_partnership_and_extra():
    themes = [servicemap.MapTheme(1, "Long term conditions"), servicemap.MapTheme(2, "Maternity")]
    services = [servicemap.MapService(1, "Diabetes service", "specialist", frozenset({1}))]
    whole = servicemap.MapArea.whole([10, 11])
    smap = servicemap.build_map(services, themes, ["universal", "additional", "specialist"], [whole])
    gaps = gaps_with_evidence(smap.cells, [evidence(level="additional"), evidence(level="specialist")])
    assert [(g.cell.theme.name, g.cell.level) for g in gaps] == [("Long term conditions", "additional")]
    assert smap.cell(1, "additional", None).extra["evidence"][0].comparator == "England"
    assert "evidence" not in smap.cell(1, "specialist", None).extra


@pytest.mark.django_db
def test_partnership_gaps_from_the_database(needs):
    from tests.factories import service

    w = needs.w
    service(w.p, themes=[w.theme], areas=[needs.county], level_of_need="universal")
    area = queries.area_with_parents(needs.county.gss_code)
    indicators = list(queries.partnership_indicators(w.p))
    gaps, rows = overlay.partnership_gaps(w.p, indicators, [area])
    # breastfeeding calls for a universal service (there is one); asthma for an additional one (none)
    assert [(g.cell.theme.name, g.cell.level) for g in gaps] == [("Early help", "additional")]
    assert [e.indicator_name for e in gaps[0].evidence] == ["Admissions for asthma"]
    overlay.attach_gaps(rows[area.pk], gaps)
    by_code = {r.indicator.code: r for r in rows[area.pk]}
    assert by_code["asthma"].gaps == gaps and by_code["bf"].gaps == []
