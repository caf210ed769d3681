"""`jointly demo national`: every record kind, marked synthetic, idempotent, with a generator hook."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from jointly.contracts.models import Contract, FundingShare, Variation
from jointly.demo import national
from jointly.intentions.models import Intention, Milestone, ProgressUpdate
from jointly.needs.models import Indicator, IndicatorValue
from jointly.partnerships.models import Area, Board, Meeting, Organisation, Partnership
from jointly.performance.models import Kpi, KpiReturn
from jointly.services.models import Service
from tests import factories as f

SCALE = 0.04


def counts() -> dict[str, int]:
    models = (
        Partnership, Organisation, Area, Board, Meeting, Intention, ProgressUpdate, Milestone, Service,
        Contract, Variation, FundingShare, Kpi, KpiReturn, Indicator, IndicatorValue,
    )  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_plan_reaches_the_national_volumes():
    figures = national.plan(150)
    assert figures["indicator values"] >= 10_000_000
    assert figures["kpi returns"] >= 1_000_000


@pytest.mark.django_db
def test_every_record_kind_is_made_once_and_marked_synthetic(capsys):
    f.area()  # an area of the real catalogue: it gets national values too
    call_command("demo", "national", "--partnerships", "2", "--scale", str(SCALE))
    first = counts()
    out = capsys.readouterr().out
    assert "partnership 2/2 synthetic-002" in out and "indicator values:" in out
    assert all(first[name] > 0 for name in first), first
    figures = national.plan(2, SCALE, other_areas=1)
    assert first["KpiReturn"] == figures["kpi returns"]
    assert first["IndicatorValue"] == figures["indicator values"]  # every area, period and sex
    assert first["ProgressUpdate"] == figures["progress updates"]
    p = Partnership.objects.get(slug="synthetic-001")
    assert "illustrative" in p.name and "invented" in p.description
    assert not Intention.objects.filter(partnership=p, illustrative=False).exists()
    assert not KpiReturn.objects.filter(kpi__partnership=p, illustrative=False).exists()
    assert not Contract.objects.filter(partnership=p, illustrative=False).exists()
    # variations keep their history (the contract page reads it); the values point at one log
    assert (
        Variation.history.filter(contract__partnership=p).count()
        == Variation.objects.filter(contract__partnership=p).count()
    )
    assert IndicatorValue.objects.filter(import_log__isnull=True).count() == 0

    call_command("demo", "national", "--partnerships", "2", "--scale", str(SCALE))
    assert counts() == first  # idempotent
    call_command("demo", "national", "--partnerships", "3", "--scale", str(SCALE), "-v", "0")
    grown = counts()
    assert grown["Partnership"] == first["Partnership"] + 1
    assert grown["IndicatorValue"] == national.plan(3, SCALE, other_areas=1)["indicator values"]


CALLS: list[str] = []


def extra_generator(ctx: national.Context) -> None:
    CALLS.append(ctx.partnership.slug)


@pytest.mark.django_db
def test_another_app_adds_a_generator_which_fills_in_earlier_partnerships():
    call_command("demo", "national", "--partnerships", "1", "--scale", str(SCALE), "--no-values", "-v", "0")
    CALLS.clear()
    from django.conf import settings

    extended = [*settings.JOINTLY_NATIONAL_GENERATORS, f"{__name__}.extra_generator"]
    with override_settings(JOINTLY_NATIONAL_GENERATORS=extended):
        call_command(
            "demo", "national", "--partnerships", "2", "--scale", str(SCALE), "--no-values", "-v", "0"
        )
    assert CALLS == ["synthetic-001", "synthetic-002"]


@pytest.mark.django_db
def test_the_synthetic_partnership_pages_answer(client):
    from jointly.accounts.models import Role

    call_command("demo", "national", "--partnerships", "1", "--scale", str(SCALE), "-v", "0")
    p = Partnership.objects.get(slug="synthetic-001")
    u = f.user()
    f.membership(u, Organisation.objects.get(slug="synthetic-001-council"), Role.COMMISSIONER, p)
    client.force_login(u)
    for path in ("", "intentions/", "contracts/", "services/", "performance/", "needs/"):
        response = client.get(f"/p/{p.slug}/{path}")
        assert response.status_code == 200, path


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--partnerships", "0"], ["--scale", "0"], ["--scale", "50"]])
def test_bad_arguments_are_refused(args):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", "national", *args)
