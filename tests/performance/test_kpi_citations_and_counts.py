"""Issue 10 item 7: no internal text on KPI pages. A definition says what the KPI is; the paper it
comes from is a citation in ``source``; counts of whole things (places) are whole numbers."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from jointly.performance import demo
from jointly.performance.models import Kpi, KpiReturn
from tests import factories
from tests.factories import LONG_RUNNING, contract, kpi


@pytest.fixture
def demo_kpis(db):
    p = factories.partnership(slug="demo-p")
    org = factories.organisation()
    made: dict = {}
    for spec in demo.KPIS:
        if spec.contract not in made:
            made[spec.contract] = contract(
                p, org, **{**LONG_RUNNING, "start_date": dt.date(2013, 4, 1), "end_date": dt.date(2016, 3, 31)},
                reference=spec.contract,
            )  # fmt: skip
    demo.load(Counter())
    return p


def test_demo_definitions_carry_no_seed_numbers_and_cite_their_paper(demo_kpis):
    for k in Kpi.objects.all():
        assert not k.definition.lower().startswith("seed"), k.definition
    places = Kpi.objects.get(code="ESX-FNP-PLACES")
    assert places.definition.startswith("Expand from 125 places")
    assert "Essex commissioning intentions" in places.source


def test_demo_counts_of_places_are_whole_numbers(demo_kpis):
    values = KpiReturn.objects.filter(kpi__code="ESX-FNP-PLACES").values_list("numerator", "value")
    assert values
    for numerator, value in values:
        assert numerator == numerator.to_integral_value() and value == int(value), (numerator, value)
    # FTE is a fractional count and keeps its decimal place.
    fte = KpiReturn.objects.filter(kpi__code="CAM-HV-FTE").values_list("numerator", flat=True)
    assert any(n != n.to_integral_value() for n in fte)


def test_a_demo_loaded_before_rounds_its_counts_on_reload(demo_kpis):
    ret = KpiReturn.objects.filter(kpi__code="ESX-FNP-PLACES").first()
    KpiReturn.objects.filter(pk=ret.pk).update(numerator=Decimal("344.6"), value=344.6)
    demo.load(Counter())
    ret.refresh_from_db()
    assert ret.numerator == Decimal(345) and ret.value == 345


def test_kpi_page_shows_the_source_as_a_citation_not_in_the_definition(client, world):
    p = world.p
    c = contract(p, factories.organisation(), **LONG_RUNNING)
    k = kpi(c, definition="Expand to 350 places.", source="Essex commissioning intentions 2013-15 (seed 000)")
    client.force_login(world.users["commissioner"])
    html = client.get(f"/p/{p.slug}/performance/kpis/{k.code}/").content.decode()
    assert "<cite>Essex commissioning intentions 2013-15 (seed 000)</cite>" in html
    assert "Seed 000:" not in html


def test_migration_moves_a_seed_prefix_into_source(db):
    migration = importlib.import_module("jointly.performance.migrations.0005_kpi_source_h10b")
    p = factories.partnership()
    c = contract(p, factories.organisation(), **LONG_RUNNING)
    k = kpi(c, definition="Seed 000: expand from 125 places to 350.")
    migration.move_citations(django_apps, None)
    k.refresh_from_db()
    assert k.definition == "Expand from 125 places to 350."
    assert "seed 000" in k.source
