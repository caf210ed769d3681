"""The services demo loader: loads the seed-based services, and a second load changes nothing."""

from __future__ import annotations

import json

import pytest

from jointly.demo import loader
from jointly.demo.loader import DemoDataError, Stats
from jointly.partnerships.models import Area, Partnership
from jointly.services import demo, queries, servicemap
from jointly.services.models import Service


@pytest.fixture
def loaded(db):
    loader.load(with_users=False)
    return Service.objects.count()


def test_demo_services_load_and_are_idempotent(loaded):
    assert loaded >= 70
    essex = Service.objects.filter(partnership__slug="essex")
    fnp = essex.get(name="Family Nurse Partnership")
    assert fnp.capacity == 350 and fnp.level_of_need == "intensive"
    assert {a.gss_code for a in fnp.areas.all()} == {"E10000012", "E06000033", "E06000034"}
    assert Service.objects.filter(
        partnership__slug="cambridgeshire", name="Residential short breaks"
    ).exists()
    assert Service.objects.filter(partnership__slug="north-east-essex").count() >= 10
    versions = dict(Service.objects.values_list("pk", "version"))
    history = Service.history.count()
    stats = Stats()
    demo.load(stats)
    assert not [k for k in stats if k.startswith("Service")]
    loader.load(with_users=False)
    assert Service.objects.count() == loaded
    assert dict(Service.objects.values_list("pk", "version")) == versions
    assert Service.history.count() == history

    # the service map shows what the Essex paper found
    essex = Partnership.objects.get(slug="essex")
    cpr = Area.objects.get(gss_code="E38000030")
    smap = servicemap.build_map(**queries.map_inputs(essex, area=cpr))
    theme = next(t for t in smap.themes if t.name == "CAMHS and emotional wellbeing")
    tier2 = smap.cell(theme.id, "additional", cpr.pk)
    assert tier2.status == servicemap.CellStatus.CROSS_DUPLICATION  # Trouble Tree vs council tier 2
    assert smap.cell(theme.id, "intensive", cpr.pk).status == servicemap.CellStatus.GAP  # behaviour gap


def test_bad_reference_stops_the_load(db, tmp_path):
    rows = demo.read()
    rows[0] = {**rows[0], "name": "Brand new", "provider": "no-such-org", "themes": ["Nope"]}
    path = tmp_path / "services.json"
    path.write_text(json.dumps({"services": rows}), encoding="utf-8")
    with pytest.raises(DemoDataError) as info:
        demo.load(Stats(), path)
    assert "unknown organisation no-such-org" in str(info.value) and "unknown theme 'Nope'" in str(info.value)
    assert not Service.objects.filter(name="Brand new").exists()
