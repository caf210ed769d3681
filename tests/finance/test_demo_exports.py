"""The finance demo equals seed 001's tables line by line (read from the seed itself), the
reconciliation shows every disagreement, and fund positions follow each demo fund's rule."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from jointly.demo import loader
from jointly.finance import exporting, queries
from jointly.finance.models import Fund, PlannedSaving, SavingsScheme
from jointly.partnerships.models import Partnership
from tests.paths import SHARED

SEED_001 = SHARED / "seeds" / "001_5877f717e89e43c6.txt"
PLAN = "North East Essex CCG QIPP plan 2013/14 and 2014/15"
MODEL = "NEE CCG budget model 2013/14 to 2015/16"


def _n(text: str) -> D:
    text = text.strip()
    negative = text.startswith("(") and text.endswith(")")
    value = D(text.strip("()").replace(",", ""))
    return -value if negative else value


def seed_qipp() -> tuple[list[tuple[str, str, D, D]], dict[str, tuple[D, D]], tuple[D, D]]:
    lines = SEED_001.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Programme Board\tProject"))
    schemes, subtotals, programme = [], {}, ""
    for line in lines[start + 1 :]:
        cells = line.split("\t")
        if cells[0] == "TOTALS":
            return schemes, subtotals, (_n(cells[2]), _n(cells[3]))
        if cells[0]:
            programme = cells[0]
        if cells[1]:
            schemes.append((programme, cells[1], _n(cells[2]), _n(cells[3])))
        else:
            subtotals[programme] = (_n(cells[2]), _n(cells[3]))
    raise AssertionError("no TOTALS row")


def seed_budget_model() -> tuple[list[tuple[str, D, D, D]], tuple[D, D, D]]:
    lines = SEED_001.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("GP COMMISSIONING"))
    rows = []
    for line in lines[start + 1 :]:
        cells = line.split("\t")
        values = tuple(_n(c) * 1000 for c in cells[1:4])
        if cells[0] == "TOTAL CCG":
            return rows, values
        rows.append((cells[0], *values))
    raise AssertionError("no TOTAL CCG row")


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction rolled back at its end (loading
    it is slow); each test runs in its own savepoint within it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            loader.load(with_users=False)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_loaded, db):
    return Partnership.objects.get(slug="north-east-essex")


def export(what: str, slug: str, tmp_path, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / f"{what}.csv"
    call_command("finance", "export", "--partnership", slug, "--what", what, "--output", str(out), *extra)
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == exporting.COLUMNS[what]
        return list(reader)


def test_savings_export_equals_the_seed_qipp_table(demo, tmp_path):
    schemes, _subtotals, _totals = seed_qipp()
    assert len(schemes) == 25
    rows = [r for r in export("savings", "north-east-essex", tmp_path) if r["plan"] == PLAN]
    expected = []
    for programme, scheme, a13, a14 in schemes:
        expected.append([PLAN, programme, scheme, "2013/14", f"{a13:.2f}", "0.00"])
        expected.append([PLAN, programme, scheme, "2014/15", f"{a14:.2f}", "0.00"])
    assert [list(r.values()) for r in rows] == expected


def test_budget_model_export_equals_the_seed_table(demo, tmp_path):
    table, _totals = seed_budget_model()
    assert len(table) == 27
    rows = [r for r in export("budget-model", "north-east-essex", tmp_path) if r["model"] == MODEL]
    expected = []
    for name, *amounts in table:
        for year, amount in zip(("2013/14", "2014/15", "2015/16"), amounts, strict=True):
            expected.append([MODEL, "GP Commissioning", name, year, f"{amount:.2f}"])
    assert [list(r.values()) for r in rows] == expected


def test_reconciliation_shows_every_disagreement_of_the_paper(demo, tmp_path):
    schemes, subtotals, totals = seed_qipp()
    table, model_totals = seed_budget_model()
    rows = export("reconciliation", "north-east-essex", tmp_path)
    by_key = {(r["kind"], r["name"], r["financial_year"]): r for r in rows}
    # Every programme subtotal: computed from the schemes, stated as printed.
    for programme, (s13, s14) in subtotals.items():
        for year, stated in (("2013/14", s13), ("2014/15", s14)):
            row = by_key[("savings-programme", f"{programme} subtotal", year)]
            computed = sum(
                (a13 if year == "2013/14" else a14) for p, _s, a13, a14 in schemes if p == programme
            )
            assert D(row["computed_total_gbp"]) == computed and D(row["stated_total_gbp"]) == stated
            assert D(row["difference_gbp"]) == stated - computed
    # The one subtotal that disagrees with its line: Medicines Management 14/15 (2,000,000 vs 1,200,000).
    differing = {(r["kind"], r["name"], r["financial_year"]) for r in rows if D(r["difference_gbp"]) != 0}
    assert ("savings-programme", "Medicines Management subtotal", "2014/15") in differing
    totals_14 = by_key[("savings-plan", "TOTALS", "2014/15")]
    assert (totals_14["computed_total_gbp"], totals_14["stated_total_gbp"], totals_14["difference_gbp"]) == (
        "13200000.00", "14000000.00", "800000.00",
    )  # fmt: skip
    assert by_key[("savings-plan", "TOTALS", "2013/14")]["difference_gbp"] == "0.00"
    assert totals[0] == D("9000000") and totals[1] == D("14000000")
    # The budget model's TOTAL CCG against its own lines.
    for index, year in enumerate(("2013/14", "2014/15", "2015/16")):
        row = by_key[("budget-model", "TOTAL CCG", year)]
        assert D(row["computed_total_gbp"]) == sum(r[1 + index] for r in table)
        assert D(row["stated_total_gbp"]) == model_totals[index]
    # Text against table: the £4m contingency against the table's (176).
    contingency = by_key[("budget-model", "Contingency reserve of circa 1% (£4m), in the text", "2013/14")]
    assert contingency["computed_total_gbp"] == "-176000.00" and contingency["difference_gbp"] == "4176000.00"
    # Targets: £36m over the three years, £13m in 2015/16 with no schemes yet.
    assert by_key[("savings-plan", "QIPP target", "2015/16")]["difference_gbp"] == "13000000.00"
    assert by_key[("savings-plan", "QIPP target over the 3 years of the plan", "")]["stated_total_gbp"] == (
        "36000000.00"
    )
    # Running costs and investments add up as printed.
    assert by_key[("budget-model", "Running costs: Total", "2013/14")]["difference_gbp"] == "0.00"
    assert (
        by_key[("budget-model", "Recurrent investments required in 2013/14: Total Commitments", "2013/14")][
            "difference_gbp"
        ]
        == "0.00"
    )
    assert (
        by_key[("fund", "Share of the national £300m funding (£1.950m)", "2013/14")]["difference_gbp"]
        == "0.00"
    )


def test_unidentified_is_a_gap_not_a_scheme(demo):
    plan = queries.savings_plans(demo).get(name=PLAN)
    assert queries.plan_total(plan, "2014/15") == D("13200000.00")
    assert queries.plan_total(plan, "2014/15", identified_only=True) == D("12200000.00")
    assert SavingsScheme.objects.get(name="Unidentified").unidentified


def test_fund_positions_follow_each_demo_funds_rule(demo, tmp_path):
    rows = export("fund-position", "cambridgeshire", tmp_path, "--as-at", "2014-09")
    assert {r["partner"] for r in rows} == {
        "Cambridgeshire County Council", "NHS Cambridgeshire and Peterborough CCG",
    }  # fmt: skip
    # Aligned: each partner bears its own lines' variance, and the shares add up to the variance.
    ccg = next(r for r in rows if r["partner"].startswith("NHS"))
    council = next(r for r in rows if r["partner"].startswith("Cambridgeshire"))
    assert ccg["variance_gbp"] == council["variance_gbp"] == "215000.00"
    assert ccg["share_of_variance_gbp"] == "255000.00"  # CAMHS +240,000, community child health +15,000
    assert council["share_of_variance_gbp"] == "-40000.00"  # school nursing (Public Health) -40,000
    assert D(ccg["share_of_variance_gbp"]) + D(council["share_of_variance_gbp"]) == D(ccg["variance_gbp"])
    assert ccg["actual_to_date_gbp"] == council["actual_to_date_gbp"]
    # Before any forecast (as at May) the forecast is the budget: no variance, no shares.
    may = export("fund-position", "cambridgeshire", tmp_path, "--as-at", "2014-05-31")
    assert {r["variance_gbp"] for r in may} == {"0.00"}
    # The S256 reablement money: £1.950m from the CCG, half to ECC, no variance recorded.
    nee = export("fund-position", "north-east-essex", tmp_path)
    assert nee == [{
        "fund": "Re-ablement: the CCG's share of the national £300m (2013/14)",
        "partner": "NHS North East Essex Clinical Commissioning Group", "financial_year": "2013/14",
        "contribution_gbp": "1950000.00", "budget_gbp": "1950000.00", "actual_to_date_gbp": "0.00",
        "forecast_outturn_gbp": "1950000.00", "variance_gbp": "0.00", "share_of_variance_gbp": "0.00",
    }]  # fmt: skip
    assert Fund.objects.get(slug="chjcb-aligned-2014-15").lines.filter(public_health=True).count() == 1


def test_essex_efficiencies_are_derived_from_the_contracts(demo):
    plan = queries.savings_plans(Partnership.objects.get(slug="essex")).get(slug="ecc-contract-efficiencies")
    schemes = {s.contract.reference: s for p in plan.programmes.all() for s in p.schemes.all()}
    assert set(schemes) >= {"ESX-C-SN-S", "ESX-C-CH-MID"}
    planned = {
        (p.scheme.contract.reference, p.financial_year): p.amount
        for p in PlannedSaving.objects.filter(scheme__programme__plan=plan).select_related("scheme__contract")
    }
    # School nursing South: £1.4m a year, 5%, extended to 31 August 2014: 5 months of £70,000.
    assert planned[("ESX-C-SN-S", "2014/15")] == D("29166.67")
    assert ("ESX-C-SN-S", "2015/16") not in planned
    # Children's community health, Mid Essex: £7.8m over 3 years = £2.6m a year, 5% = £130,000.
    assert planned[("ESX-C-CH-MID", "2014/15")] == D("130000.00")


def test_the_demo_loads_twice_without_changes(demo):
    stats = loader.Stats()
    from jointly.finance import demo as finance_demo

    finance_demo.load(stats)
    assert not [k for k in stats if stats[k]], stats


def test_export_to_standard_output_and_bad_options(demo):
    out = io.StringIO()
    call_command("finance", "export", "--partnership", "north-east-essex", "--what", "savings", "--output", "-",
                 stdout=out)  # fmt: skip
    assert out.getvalue().splitlines()[0] == "plan,programme,scheme,financial_year,planned_gbp,delivered_gbp"
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No partnership"):
        call_command("finance", "export", "--partnership", "nowhere", "--what", "savings", "--output", "-")
    with pytest.raises(CommandError, match="--what must be"):
        call_command("finance", "export", "--partnership", "north-east-essex", "--what", "x", "--output", "-")
    with pytest.raises(CommandError, match="not a date"):
        call_command("finance", "export", "--partnership", "north-east-essex", "--what", "fund-position",
                     "--output", "-", "--as-at", "2014-13")  # fmt: skip
