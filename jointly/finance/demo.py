"""Finance demo data, transcribed from the seeds (figures exact; invented amounts labelled).

- Seed 001 (North East Essex CCG integrated plan 2013-18): the 2013/14 QIPP plan by programme board
  with every scheme's opportunity for 13/14 and 14/15, the programme subtotals and totals as printed
  and the QIPP targets (£36m: £9m, £14m, £13m); the 3-year budget model (every line, "TOTAL CCG" as
  printed, the growth uplifts and the other planning assumptions); the 2013/14 running-cost split,
  recurrent investments and reserves; the £1.950m reablement money, half to Essex County Council via
  Section 256. Where the paper's own figures disagree (Medicines Management's 14/15 subtotal, the
  contingency reserve in the text and in the table) both are kept and the reconciliation shows it.
- Seed 004 (Cambridgeshire): the CHJCB's aligned budgets (not a pool: each partner keeps its own
  budget, §2.2 and §4.1.1), Public Health ring-fenced lines identified separately. The paper gives
  no amounts: every amount is illustrative and labelled so.
- Seed 000 (Essex): the 5% efficiency from 1 April 2014 on Essex County Council's Public Health
  contracts, derived from each contract's ``efficiency_percent`` (part-year where it ends in the year).

Amounts are stored in pounds; the NEE tables are in £'000 and shown that way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jointly.core import periods
from jointly.core.seeding import upsert
from jointly.finance import calc
from jointly.finance.models import (
    AssumptionKind,
    BudgetAssumption,
    BudgetLine,
    BudgetModel,
    BudgetModelAmount,
    BudgetModelLine,
    BudgetSection,
    ChangeKind,
    Contribution,
    Fund,
    FundChange,
    FundingSource,
    FundKind,
    LineBudget,
    LineKind,
    MonthlyFigure,
    PlannedSaving,
    PublicHealthCategory,
    SavingsPlan,
    SavingsProgramme,
    SavingsScheme,
    StatedFigure,
    StatedRole,
    Units,
    YearEnd,
)

S001 = "seed 001"
ILLUSTRATIVE = "illustrative: seed 004 gives no amounts"
Y13, Y14, Y15 = "2013/14", "2014/15", "2015/16"

# --- seed 001: the QIPP plan ("Programme Board / Project / Opportunity 13/14 / Opportunity 14/15") ---
# (programme, [(scheme, 13/14, 14/15)], printed subtotal 13/14, printed subtotal 14/15)
QIPP: list[tuple[str, list[tuple[str, int, int]], int, int]] = [
    ("Planned Care", [
        ("Neurology - Community Epilepsy Nurse", 27_000, 0),
        ("Gynae GPsWI Service", 40_000, 0),
        ("Ophthalmology - Community Glaucoma Pathway", 251_000, 0),
        ("Community Endoscopy", 50_000, 0),
        ("Audiology", 100_000, 0),
        ("Pathology", 400_000, 1_000_000),
        ("Urology", 25_000, 0),
        ("Community beds", 700_000, 0),
        ("Minor surgery", 54_000, 0),
        ("Continuing healthcare", 300_000, 0),
        ("MSK - (Physio/spinal) fye of 12/13", 53_000, 0),
    ], 2_000_000, 1_000_000),
    ("Urgent Care", [
        ("Ambulance contract", 430_000, 300_000),
        ("Urgent Care Bundle (including 111)", 0, 2_000_000),
    ], 430_000, 2_300_000),
    ("Primary Care", [
        ("Focus on Practice", 500_000, 200_000),
        ("Health & Well Being Bundle", 0, 500_000),
    ], 500_000, 700_000),
    ("End of Life", [("End of Life Bundle", 0, 500_000)], 0, 500_000),
    ("Long Term Conditions", [("IPH Diabetes", 0, 100_000)], 0, 100_000),
    ("Medicines Management", [
        ("Prescribing and other medicines management", 2_000_000, 1_200_000),
    ], 2_000_000, 2_000_000),
    ("Mental Health", [
        ("Contract QIPP", 541_000, 800_000),
        ("Support the Junction", 59_000, 0),
    ], 600_000, 800_000),
    ("Other", [
        ("Estates rationalisation", 200_000, 600_000),
        ("Transformation schemes", 2_500_000, 4_000_000),
        ("Integrated commissioning", 500_000, 750_000),
        ("Budget reviews", 270_000, 250_000),
        ("Unidentified", 0, 1_000_000),
    ], 3_470_000, 6_600_000),
]  # fmt: skip
QIPP_TOTALS = {Y13: 9_000_000, Y14: 14_000_000}
QIPP_TARGETS = {Y13: 9_000_000, Y14: 14_000_000, Y15: 13_000_000, "": 36_000_000}

# --- seed 001: "Summary 13/14 - 15-16 Budget Model" (£'000) ---
BUDGET_MODEL: list[tuple[str, str, int, int, int]] = [
    ("Colchester University Hospital", LineKind.ORDINARY, 166_343, 170_463, 174_662),
    ("Mid Essex", LineKind.ORDINARY, 5_802, 5_968, 6_132),
    ("Addenbrookes", LineKind.ORDINARY, 1_611, 1_672, 1_732),
    ("Barts", LineKind.ORDINARY, 3_272, 3_377, 3_481),
    ("Barking & Havering", LineKind.ORDINARY, 938, 965, 991),
    ("Ipswich Hospital", LineKind.ORDINARY, 2_500, 2_571, 2_642),
    ("Other Acute NHS Contracts", LineKind.ORDINARY, 3_457, 3_545, 3_633),
    ("Ramsay Healthcare", LineKind.ORDINARY, 6_408, 6_596, 6_782),
    ("Other Acute Non NHS Contracts", LineKind.ORDINARY, 757, 870, 985),
    ("Non Contracted Activity", LineKind.ORDINARY, 4_290, 4_309, 4_327),
    ("Ambulance & Other Patient Transport", LineKind.ORDINARY, 12_551, 12_085, 11_626),
    ("Mental Health (Including IAPT)", LineKind.ORDINARY, 39_120, 39_118, 39_118),
    ("Learning Disabilities", LineKind.ORDINARY, 6_787, 6_708, 6_630),
    ("Community Services Provider Contracts", LineKind.ORDINARY, 31_063, 31_175, 31_286),
    ("GP Contracts", LineKind.ORDINARY, 5_249, 5_301, 5_354),
    ("Continuing/Funded Nursing Care", LineKind.ORDINARY, 14_690, 15_153, 15_632),
    ("Other Commissioning", LineKind.ORDINARY, 4_373, 4_488, 4_608),
    ("Out of Hours Contracts", LineKind.ORDINARY, 3_283, 3_315, 3_315),
    ("GP Prescribing", LineKind.ORDINARY, 54_715, 56_666, 58_764),
    ("Non Tariff High Cost Drugs", LineKind.ORDINARY, 2_421, 2_428, 2_434),
    ("Other Prescribing", LineKind.ORDINARY, 3_057, 3_133, 3_212),
    ("Healthcare Premises", LineKind.ORDINARY, 2_214, 2_340, 2_474),
    ("GP Commissioning Management Costs", LineKind.RUNNING_COSTS, 7_949, 7_958, 7_967),
    ("CCG Planned Underspend", LineKind.RESERVE, 15_219, 15_219, 15_219),
    ("CCG Committed Reserves", LineKind.RESERVE, 10_603, 20_931, 33_501),
    ("CCG Contingency Reserves", LineKind.CONTINGENCY, -176, -10_811, -20_573),
    ("CCG 2% Transformation", LineKind.TRANSFORMATION, 7_776, 8_134, 8_337),
]
BUDGET_MODEL_TOTALS = {Y13: 416_270, Y14: 423_677, Y15: 434_269}  # "TOTAL CCG", £'000
GROWTH_UPLIFTS = {Y13: "2.25", Y14: "2.5", Y15: "2.5"}
# Planning assumptions applied to the 2013/14 budgets (the paper's list, in its order).
ASSUMPTIONS: list[tuple[str, str, str, str]] = [
    ("Acute contracts net price adjustment (the paper gives -1.1/-1.3%; lower figure)", AssumptionKind.INFLATION,
     "-1.1", "Acute contracts"),
    ("Acute contracts net price adjustment (the paper gives -1.1/-1.3%; upper figure)", AssumptionKind.INFLATION,
     "-1.3", "Acute contracts"),
    ("Inflation within the acute net price adjustment", AssumptionKind.INFLATION, "2.7", "Acute contracts"),
    ("Provider efficiency within the acute net price adjustment", AssumptionKind.EFFICIENCY, "4", "Acute contracts"),
    ("Tariff price increase within the acute net price adjustment", AssumptionKind.INFLATION, "0.2",
     "Acute contracts"),
    ("MH/LD/Ambulance/Community contract net price adjustment", AssumptionKind.INFLATION, "-1.3",
     "Mental health, learning disability, ambulance and community contracts"),
    ("Prescribing inflation uplift", AssumptionKind.INFLATION, "5", "Prescribing budgets"),
    ("Population increase (latest ONS data for the PCT)", AssumptionKind.POPULATION, "1.6", "Appropriate budgets"),
    ("Technology and drugs", AssumptionKind.OTHER, "3", "All prescribing and High Cost Drugs costs"),
    ("Residual growth (disease/prevalence-driven demand)", AssumptionKind.GROWTH, "1.6", "Acute contracts"),
]  # fmt: skip

RUNNING_COSTS = [("CCG staff", 3_279_000), ("CSU costs", 2_556_000), ("Estates", 892_000),
                 ("Other non pay", 1_213_000)]  # fmt: skip
INVESTMENTS = [
    ("Autism services", 100), ("Triple One (111)", 980), ("Support for carers", 50),
    ("Bone Health Assessments", 55), ("Re-ablement", 975), ("RAID", 500),
    ("Unidentified drugs and devices", 800), ("Telehealth", 100), ("Other Investments", 200),
]  # fmt: skip


def _gbp(value: int | str) -> Decimal:
    return Decimal(str(value)).quantize(calc.PENNY)


def _stated(stats: Any, partnership: Any, label: str, year: str, amount: Decimal, source: str,
            role: str = StatedRole.TOTAL, **target: Any) -> None:  # fmt: skip
    lookup = {"partnership": partnership, "label": label, "financial_year": year, **target}
    upsert(StatedFigure, stats, lookup, {"amount": amount, "role": role, "source": source})


def _org(slug: str) -> Any:
    from jointly.partnerships.models import Organisation

    return Organisation.objects.get(slug=slug)


def load_qipp(stats: Any, partnership: Any) -> SavingsPlan:
    ccg = _org("north-east-essex-ccg")
    plan = upsert(
        SavingsPlan, stats, {"partnership": partnership, "slug": "nee-ccg-qipp-2013-15"},
        {"name": "North East Essex CCG QIPP plan 2013/14 and 2014/15", "owner": ccg, "first_year": Y13,
         "last_year": Y15, "source": f"{S001}, 'Summary of our QIPP plan' and the QIPP target", "illustrative": False},
    )  # fmt: skip
    for p_order, (programme_name, schemes, sub13, sub14) in enumerate(QIPP, start=1):
        programme = upsert(
            SavingsProgramme, stats, {"plan": plan, "name": programme_name}, {"order": p_order}
        )
        for s_order, (name, a13, a14) in enumerate(schemes, start=1):
            scheme = upsert(
                SavingsScheme, stats, {"programme": programme, "name": name},
                {"order": s_order, "unidentified": name == "Unidentified", "lead": ccg,
                 "source": f"{S001}, QIPP plan", "illustrative": False},
            )  # fmt: skip
            for year, amount in ((Y13, a13), (Y14, a14)):
                upsert(
                    PlannedSaving, stats, {"scheme": scheme, "financial_year": year}, {"amount": _gbp(amount)}
                )
        for year, amount in ((Y13, sub13), (Y14, sub14)):
            _stated(stats, partnership, f"{programme_name} subtotal", year, _gbp(amount),
                    f"{S001}, QIPP plan subtotal row", StatedRole.SUBTOTAL, savings_programme=programme)  # fmt: skip
    for year, amount in QIPP_TOTALS.items():
        _stated(stats, partnership, "TOTALS", year, _gbp(amount), f"{S001}, QIPP plan 'TOTALS' row",
                savings_plan=plan)  # fmt: skip
    for year, amount in QIPP_TARGETS.items():
        label = "QIPP target" if year else "QIPP target over the 3 years of the plan"
        _stated(stats, partnership, label, year, _gbp(amount), f"{S001}, 'The CCG QIPP target ... is £36m'",
                StatedRole.TARGET, savings_plan=plan)  # fmt: skip
    return plan


def load_budget_model(stats: Any, partnership: Any) -> BudgetModel:
    ccg = _org("north-east-essex-ccg")
    model = upsert(
        BudgetModel, stats, {"partnership": partnership, "slug": "nee-ccg-mtfp-2013-16"},
        {"name": "NEE CCG budget model 2013/14 to 2015/16", "owner": ccg, "units": Units.THOUSANDS,
         "source": f"{S001}, 'Summary 13/14 - 15-16 Budget Model'", "illustrative": False,
         "notes": "Recurrent baseline allocation 2013/14 £388.790m (after £19m moved to specialist "
                  "commissioning) plus £7.94m for running costs (seed 001 text)."},
    )  # fmt: skip
    section = upsert(BudgetSection, stats, {"model": model, "name": "GP Commissioning"}, {"order": 1})
    lines = {}
    for order, (name, kind, a13, a14, a15) in enumerate(BUDGET_MODEL, start=1):
        line = upsert(
            BudgetModelLine, stats, {"section": section, "name": name}, {"kind": kind, "order": order}
        )
        lines[name] = line
        for year, amount in ((Y13, a13), (Y14, a14), (Y15, a15)):
            upsert(
                BudgetModelAmount,
                stats,
                {"line": line, "financial_year": year},
                {"amount": _gbp(amount * 1000)},
            )
    for year, amount in BUDGET_MODEL_TOTALS.items():
        _stated(stats, partnership, "TOTAL CCG", year, _gbp(amount * 1000), f"{S001}, budget model 'TOTAL CCG' row",
                budget_model=model)  # fmt: skip
    # The text beside the table: a contingency "of circa 1% (£4m)" against the table's (176), and
    # "£7.776m" available for non-recurrent investment (the 2% transformation line).
    _stated(stats, partnership, "Contingency reserve of circa 1% (£4m), in the text", Y13, _gbp(4_000_000),
            f"{S001}, '2013/14 Budgets'", StatedRole.TEXT, budget_model_line=lines["CCG Contingency Reserves"])  # fmt: skip
    _stated(stats, partnership, "Total available for non-recurrent investment (£7.776m), in the text", Y13,
            _gbp(7_776_000), f"{S001}, '2% Process'", StatedRole.TEXT,
            budget_model_line=lines["CCG 2% Transformation"])  # fmt: skip
    for year, rate in GROWTH_UPLIFTS.items():
        upsert(BudgetAssumption, stats, {"model": model, "name": "Growth uplift", "financial_year": year},
               {"kind": AssumptionKind.UPLIFT, "rate_percent": Decimal(rate), "applies_to": "Revenue allocation",
                "source": f"{S001}, 'Growth Uplifts Year / % Annual uplift'"})  # fmt: skip
    for name, kind, rate, applies in ASSUMPTIONS:
        upsert(BudgetAssumption, stats, {"model": model, "name": name, "financial_year": Y13},
               {"kind": kind, "rate_percent": Decimal(rate), "applies_to": applies,
                "source": f"{S001}, '2013/14 Budgets' assumptions"})  # fmt: skip
    upsert(BudgetAssumption, stats, {"model": model, "name": "Growth assumption of the 3-year plan (in line with "
                                                           "inflation)", "financial_year": ""},
           {"kind": AssumptionKind.INFLATION, "rate_percent": Decimal("2.5"), "applies_to": "The 3 years",
            "source": f"{S001}, 'Financial Strategy: The Challenge'"})  # fmt: skip
    return model


def load_running_costs(stats: Any, partnership: Any) -> BudgetModel:
    ccg = _org("north-east-essex-ccg")
    model = upsert(
        BudgetModel, stats, {"partnership": partnership, "slug": "nee-ccg-2013-14-running-costs-investments"},
        {"name": "NEE CCG 2013/14 running costs, investments and reserves", "owner": ccg, "units": Units.THOUSANDS,
         "source": f"{S001}, 'Running Costs', 'Investment' and '2013/14 Budgets'", "illustrative": False,
         "notes": "Running cost allocation: £25 per head of registered population. The CCG's brought-forward "
                  "surplus is given as £18.250m in one place and £18.5m in another (seed 001)."},
    )  # fmt: skip
    parts = [
        ("Running costs", 1, LineKind.RUNNING_COSTS, [(n, a) for n, a in RUNNING_COSTS], 7_940_000, "Total",
         "'Running Costs' split"),
        ("Recurrent investments required in 2013/14", 2, LineKind.INVESTMENT,
         [(n, a * 1000) for n, a in INVESTMENTS], 3_760_000, "Total Commitments", "'2013/14 Investments' table"),
        ("Reserves", 3, LineKind.RESERVE,
         [("Contingency reserve (circa 1%)", 4_000_000), ("Headroom reserve (slippage on savings plans)", 1_500_000)],
         None, "", "'2013/14 Budgets'"),
    ]  # fmt: skip
    for name, order, kind, rows, stated, label, where in parts:
        section = upsert(BudgetSection, stats, {"model": model, "name": name}, {"order": order})
        for line_order, (line_name, amount) in enumerate(rows, start=1):
            line_kind = LineKind.CONTINGENCY if line_name.startswith("Contingency") else kind
            line = upsert(BudgetModelLine, stats, {"section": section, "name": line_name},
                          {"kind": line_kind, "order": line_order})  # fmt: skip
            upsert(BudgetModelAmount, stats, {"line": line, "financial_year": Y13}, {"amount": _gbp(amount)})
        if stated is not None:
            _stated(stats, partnership, f"{name}: {label}", Y13, _gbp(stated), f"{S001}, {where}",
                    StatedRole.SUBTOTAL, budget_section=section)  # fmt: skip
    _stated(stats, partnership, "Running cost allocation (£25 per head)", Y13, _gbp(7_940_000),
            f"{S001}, 'Running Costs'", StatedRole.TEXT,
            budget_section=model.sections.get(name="Running costs"))  # fmt: skip
    return model


def load_reablement(stats: Any, partnership: Any) -> Fund:
    from jointly.partnerships.models import Agreement

    ccg, ecc = _org("north-east-essex-ccg"), _org("essex-cc")
    agreement = Agreement.objects.filter(
        partnership=partnership, slug="nee-ecc-s256-reablement-2013-14"
    ).first()
    source = f"{S001}, 'Re-ablement'"
    fund = upsert(
        Fund, stats, {"partnership": partnership, "slug": "nee-reablement-2013-14"},
        {"name": "Re-ablement: the CCG's share of the national £300m (2013/14)", "kind": FundKind.S256,
         "agreement": agreement, "host": ccg, "manager": ccg, "year_end": YearEnd.NOT_STATED,
         "description": "£1.950m set aside by the CCG; 50% goes to Essex County Council via Section 256 for the "
                        "jointly commissioned and funded reablement service, the balance supports the CCG's out "
                        "of hospital strategy. The paper states no risk-share rule: the host bears any variance.",
         "source": source, "illustrative": False},
    )  # fmt: skip
    upsert(Contribution, stats, {"fund": fund, "organisation": ccg, "financial_year": Y13},
           {"amount": _gbp(1_950_000), "funding_source": FundingSource.NHS_ALLOCATION, "source": source})  # fmt: skip
    for code, name, owner in (
        (
            "RE-S256",
            "Transfer to Essex County Council via Section 256: jointly commissioned reablement service",
            ecc,
        ),
        ("RE-OOH", "Out of hospital strategy: reablement, end of life and admissions avoidance", ccg),
    ):
        line = upsert(BudgetLine, stats, {"fund": fund, "code": code},
                      {"name": name, "owner": owner, "funding_source": FundingSource.NHS_ALLOCATION,
                       "source": source, "illustrative": False})  # fmt: skip
        upsert(LineBudget, stats, {"line": line, "financial_year": Y13}, {"amount": _gbp(975_000)})
    _stated(stats, partnership, "Share of the national £300m funding (£1.950m)", Y13, _gbp(1_950_000), source,
            fund=fund)  # fmt: skip
    return fund


# --- seed 004: Cambridgeshire's aligned budgets (amounts illustrative) ---
CAMBS_LINES: list[tuple[str, str, str, str, bool, int, list[int], int | None]] = [
    # code, name, owner, source, public health, budget 2014/15, monthly actuals Apr-Sep, forecast at Sep
    ("CCG-CCH", "Community child health", "cambridgeshire-peterborough-ccg", FundingSource.NHS_ALLOCATION, False,
     4_200_000, [350_000, 352_000, 349_000, 351_000, 350_500, 352_500], 4_215_000),
    ("CCG-CAMHS", "Child and adolescent mental health services (CAMHS)", "cambridgeshire-peterborough-ccg",
     FundingSource.NHS_ALLOCATION, False, 3_600_000, [305_000, 312_000, 318_000, 321_000, 326_000, 330_000],
     3_840_000),
    ("CCC-SN", "School nursing (5-19 Healthy Child Programme)", "cambridgeshire-county-council",
     FundingSource.PUBLIC_HEALTH_GRANT, True, 2_100_000, [172_000, 171_500, 170_000, 168_000, 169_500, 170_000],
     2_060_000),
    ("CCC-HJC", "Head of Children's Joint Commissioning (council share)", "cambridgeshire-county-council",
     FundingSource.COUNCIL_GENERAL_FUND, False, 40_000, [3_333, 3_333, 3_334, 3_333, 3_333, 3_334], None),
    ("CCG-HJC", "Head of Children's Joint Commissioning (CCG share)", "cambridgeshire-peterborough-ccg",
     FundingSource.NHS_ALLOCATION, False, 40_000, [3_333, 3_333, 3_334, 3_333, 3_333, 3_334], None),
]  # fmt: skip


def load_cambridgeshire(stats: Any, partnership: Any) -> Fund:
    from jointly.partnerships.models import Agreement, Board

    council = _org("cambridgeshire-county-council")
    agreement = Agreement.objects.filter(
        partnership=partnership, slug="cambridgeshire-s75-childrens-health"
    ).first()
    fund = upsert(
        Fund, stats, {"partnership": partnership, "slug": "chjcb-aligned-2014-15"},
        {"name": "Children's health aligned budgets (CHJCB) 2014/15", "kind": FundKind.ALIGNED,
         "agreement": agreement, "host": council, "manager": council, "year_end": YearEnd.NOT_STATED,
         "description": "Resources are aligned, not pooled: each partner keeps its own budget and bears its own "
                        "lines' variance (seed 004 §2.2, §4.1.1); the combined total is a memorandum figure. The "
                        "paper elsewhere speaks of a Section 75 agreement 'to enable transfer of funding' and of "
                        "'Aligned and/or Pooled Funds': the sources disagree. Public Health ring-fenced money is "
                        "identified on its lines and reported quarterly. All amounts are illustrative.",
         "source": "seed 004 (amounts illustrative)", "illustrative": True,
         # in-year variations go to the CCG Children's Programme Board (seed 004, governance)
         "change_board": Board.objects.filter(partnership=partnership,
                                              slug="cambridgeshire-ccg-childrens-programme-board").first()},
    )  # fmt: skip
    by_owner: dict[str, Decimal] = {}
    for code, name, owner_slug, funding, ph, budget, actuals, forecast in CAMBS_LINES:
        line = upsert(BudgetLine, stats, {"fund": fund, "code": code},
                      {"name": name, "owner": _org(owner_slug), "funding_source": funding, "public_health": ph,
                       "ph_category": PublicHealthCategory.CHILDREN_5_19 if ph else "",
                       "source": ILLUSTRATIVE, "illustrative": True})  # fmt: skip
        upsert(LineBudget, stats, {"line": line, "financial_year": Y14}, {"amount": _gbp(budget)})
        by_owner[owner_slug] = by_owner.get(owner_slug, calc.ZERO) + _gbp(budget)
        for month, actual in enumerate(actuals, start=1):
            upsert(MonthlyFigure, stats, {"line": line, "financial_year": Y14, "month": month},
                   {"actual": _gbp(actual), "forecast_outturn": _gbp(forecast) if forecast and month == 6 else None,
                    "source": ILLUSTRATIVE, "illustrative": True})  # fmt: skip
    sources = {"cambridgeshire-county-council": FundingSource.COUNCIL_GENERAL_FUND,
               "cambridgeshire-peterborough-ccg": FundingSource.NHS_ALLOCATION}  # fmt: skip
    for owner_slug, amount in by_owner.items():
        upsert(Contribution, stats, {"fund": fund, "organisation": _org(owner_slug), "financial_year": Y14},
               {"amount": amount, "funding_source": sources[owner_slug], "source": ILLUSTRATIVE,
                "illustrative": True})  # fmt: skip
    # An in-year variation awaiting the Programme Board: within the CCG's own lines, as an aligned
    # budget allows (never between two partners' lines).
    lines = {line.code: line for line in fund.lines.all()}
    upsert(FundChange, stats, {"fund": fund, "description": CAMBS_VIREMENT},
           {"kind": ChangeKind.VIREMENT, "financial_year": Y14, "from_line": lines["CCG-CCH"],
            "line": lines["CCG-CAMHS"], "amount": _gbp(200_000), "source": ILLUSTRATIVE, "illustrative": True})  # fmt: skip
    return fund


CAMBS_VIREMENT = (
    "Move £200,000 of the CCG's community child health budget to CAMHS, which is forecast to overspend "
    "(illustrative: seed 004 says in-year variations go to the CCG Children's Programme Board, but gives no figures)."
)


# --- seed 000: Essex County Council's 5% efficiencies, from the contracts ---


def months_in_year(year: str, first: Any, last: Any) -> int:
    """Whole months of ``year`` between ``first`` and ``last`` (contracts run to a month's end)."""
    fy = periods.parse(year, periods.Kind.FINANCIAL_YEAR)
    start, end = max(fy.start, first), min(fy.end, last)
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def load_efficiencies(stats: Any, partnership: Any) -> SavingsPlan | None:
    from jointly.contracts.models import Contract

    contracts = list(
        Contract.objects.filter(partnership=partnership, efficiency_percent__isnull=False, value__isnull=False)
        .select_related("lead_commissioner").prefetch_related("variations").order_by("reference")
    )  # fmt: skip
    if not contracts:
        return None
    ecc = _org("essex-cc")
    plan = upsert(
        SavingsPlan, stats, {"partnership": partnership, "slug": "ecc-contract-efficiencies"},
        {"name": "Essex County Council contract efficiencies (5% from 1 April 2014)", "owner": ecc,
         "first_year": Y14, "last_year": Y15, "illustrative": True,
         "source": "seed 000 (5% efficiency from 1 April 2014); derived from each contract's efficiency rate and its "
                   "value, which is illustrative"},
    )  # fmt: skip
    programme = upsert(
        SavingsProgramme, stats, {"plan": plan, "name": "Public Health contracts"}, {"order": 1}
    )
    for order, contract in enumerate(contracts, start=1):
        terms = contract.current_terms()
        original_months = (contract.end_date.year - contract.start_date.year) * 12 + (
            contract.end_date.month - contract.start_date.month) + 1  # fmt: skip
        annual = (
            (contract.value * 12 / original_months).quantize(calc.PENNY)
            if original_months
            else contract.value
        )
        full_year = calc.rate_of(annual, contract.efficiency_percent)
        scheme = upsert(
            SavingsScheme, stats, {"programme": programme, "name": f"{contract.reference} {contract.title}"},
            {"order": order, "lead": contract.lead_commissioner, "contract": contract, "recurrent": True,
             "start_date": contract.efficiency_from, "illustrative": True,
             "source": f"contract {contract.reference}: {contract.efficiency_percent}% from {contract.efficiency_from}"},
        )  # fmt: skip
        for year in (Y14, Y15):
            first = max(contract.efficiency_from, contract.start_date)
            m = months_in_year(year, first, terms.end_date)
            if m == 0:
                continue
            upsert(PlannedSaving, stats, {"scheme": scheme, "financial_year": year},
                   {"amount": calc.part_year(full_year, m), "full_year_effect": full_year})  # fmt: skip
    return plan


def load(stats: Any) -> None:
    """Called by ``jointly demo load`` after the contracts loader."""
    from jointly.partnerships.models import Partnership

    by_slug = {
        p.slug: p
        for p in Partnership.objects.filter(slug__in=["north-east-essex", "cambridgeshire", "essex"])
    }
    if nee := by_slug.get("north-east-essex"):
        load_qipp(stats, nee)
        load_budget_model(stats, nee)
        load_running_costs(stats, nee)
        load_reablement(stats, nee)
    if cambs := by_slug.get("cambridgeshire"):
        load_cambridgeshire(stats, cambs)
    if essex := by_slug.get("essex"):
        load_efficiencies(stats, essex)
