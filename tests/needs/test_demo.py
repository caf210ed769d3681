"""The needs demo loader: the seeds' indicators with illustrative values, a gap with evidence, idempotent."""

from __future__ import annotations

import pytest

from jointly.demo import loader
from jointly.demo.loader import Stats
from jointly.needs import demo, overlay, queries
from jointly.needs.models import ComparatorGroup, ImportLog, Indicator, IndicatorValue, NeedsAssessment
from jointly.partnerships.models import Partnership


@pytest.fixture
def loaded(db):
    loader.load(with_users=False)
    return IndicatorValue.objects.count()


def test_demo_needs_load_show_a_gap_with_evidence_and_are_idempotent(loaded):
    data = demo.read()
    assert Indicator.objects.count() == len(data["indicators"]) >= 14
    assert all(i.illustrative and "illustrative" in i.source.lower() for i in Indicator.objects.all())
    assert loaded == len(demo.generate_values(data)) > 2000
    asthma = Indicator.objects.get(code="admissions-asthma-0-18")
    assert {t.name for t in asthma.themes.filter(partnership__slug="essex")} == {"Long term conditions"}
    assert asthma.outcomes.filter(framework__slug="derby-nhs-paediatric-indicators", code="2.7").exists()
    assert ComparatorGroup.objects.filter(partnership__slug="essex").count() == 1
    assert (
        NeedsAssessment.objects.get(partnership__slug="essex")
        .intentions.filter(reference="ESX-CCG-02")
        .exists()
    )

    essex = Partnership.objects.get(slug="essex")
    areas = [a for a in queries.partnership_areas(essex) if a.gss_code == "E10000012"]
    gaps, rows = overlay.partnership_gaps(essex, list(queries.partnership_indicators(essex)), areas)
    found = {(g.cell.theme.name, g.cell.level) for g in gaps}
    assert ("Long term conditions", "additional") in found
    by_code = {r.indicator.code: r for r in rows[areas[0].pk]}
    assert by_code["admissions-asthma-0-18"].england.result == "worse"

    logs, history = ImportLog.objects.count(), Indicator.history.count()
    stats = Stats()
    demo.load(stats)
    assert not [k for k in stats if k.startswith(("Indicator", "ComparatorGroup", "NeedsAssessment", "Area"))]
    assert ImportLog.objects.count() == logs and Indicator.history.count() == history
    assert IndicatorValue.objects.count() == loaded
    # the same seed gives the same values
    assert demo.generate_values(data).equals(demo.generate_values(data))
