"""Demo KPIs and provider returns on the contracts app's demo contracts.

The KPIs are those the seed papers name: safeguarding and looked-after-children training levels
(seed 000: 95% for levels 1-3, 100% for level 4), the national targets North East Essex reports
against (seed 001: 18 weeks, 4 hours, 62 days, 8 minutes), Family Nurse Partnership places (seed
000: 125 to 350) and health visitor numbers (seeds 000, 004). The *values* are invented: up to 36
months per KPI generated from a fixed random seed, marked illustrative, with real special causes
built in (a shift, a trend, an outlier) and one provider (North East Essex children's community
health) whose returns come in late, with the last two months missing. Derby's KPIs (seed 002's
paediatric admission indicators, new birth visits, training) are illustrative throughout. Also
illustrative: a commissioner's query on a Derby return, and two performance notices with their
remedial action plans (Essex: plan agreed, one action overdue; Derby: plan awaited from the provider).

Idempotent: KPIs are matched on (partnership, code) and returns on (KPI, period); only what is
missing or different is written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from jointly.contracts.models import Contract
from jointly.core.seeding import set_m2m, upsert
from jointly.performance import returns as rules
from jointly.performance.models import (
    ActionStatus,
    CommentKind,
    Kpi,
    KpiReturn,
    NoticeStatus,
    PerformanceNotice,
    PlanStatus,
    RemedialAction,
    RemedialPlan,
    ReturnComment,
    ReturnRevision,
    ReturnStatus,
    Route,
    TurnTheCurve,
)

CONTRACTS_FILE = Path(__file__).resolve().parents[1] / "contracts" / "demo_data.json"
SEED = 20140401
MONTHS = 36
LATE_CONTRACT = "ESX-C-CH-NE"


@dataclass(frozen=True)
class DemoKpi:
    contract: str
    code: str
    name: str
    measure: str
    target: float
    direction: str
    quadrant: str
    scope: str
    base: float  # level of the generated series
    sd: float
    pattern: str = "stable"  # stable | shift_down | shift_up | trend_up | outlier
    size: int = 400  # typical denominator
    tolerance: float | None = 2.0
    unit: str = "%"
    numerator_definition: str = ""
    denominator_definition: str = ""
    definition: str = ""
    data_source: str = "Provider monthly return"
    source: str = ""  # the paper the definition or target comes from (a citation, never in the text)
    decimals: int = 0  # a count's decimal places: whole numbers unless the unit is fractional (FTE)


ESSEX_PAPER = "Essex commissioning intentions for children, young people and families 2013-15 (seed 000)"
DERBY_PAPER = (
    "Derby progress report on integrated commissioning for children, young people and families (seed 002)"
)
TRAINING_NUM = "Staff in post who have completed the training at this level within the last three years"
TRAINING_DEN = "Staff in post whose role requires training at this level"

KPIS: list[DemoKpi] = [
    DemoKpi("ESX-C-CH-MID", "ESX-SG13-MID", "Safeguarding training levels 1-3 (Mid Essex)", "percentage", 95,
            "increase", "how_well", "local", 96.0, 0.9, "outlier", 420,
            numerator_definition=TRAINING_NUM, denominator_definition=TRAINING_DEN,
            definition="95% compliant for levels 1, 2 and 3.", source=ESSEX_PAPER),
    DemoKpi("ESX-C-CH-MID", "ESX-SG4-MID", "Safeguarding training level 4 (Mid Essex)", "percentage", 100,
            "increase", "how_well", "local", 99.0, 1.5, "stable", 40, tolerance=5.0,
            numerator_definition=TRAINING_NUM, denominator_definition=TRAINING_DEN,
            definition="100% compliant for level 4.", source=ESSEX_PAPER),
    DemoKpi("ESX-C-CH-MID", "ESX-LAC3-MID", "Looked-after children training level 3 (Mid Essex)", "percentage",
            95, "increase", "how_well", "local", 91.0, 1.0, "shift_up", 160,
            numerator_definition=TRAINING_NUM, denominator_definition=TRAINING_DEN,
            definition="95% compliant for level 3 looked-after children training.",
            source=ESSEX_PAPER),
    DemoKpi("ESX-C-CH-NE", "ESX-SG13-NE", "Safeguarding training levels 1-3 (North East Essex)", "percentage",
            95, "increase", "how_well", "local", 93.5, 1.4, "stable", 380,
            numerator_definition=TRAINING_NUM, denominator_definition=TRAINING_DEN),
    DemoKpi("ESX-C-CH-NE", "ESX-LAC3-NE", "Looked-after children training level 3 (North East Essex)",
            "percentage", 95, "increase", "how_well", "local", 88.0, 1.2, "stable", 150,
            numerator_definition=TRAINING_NUM, denominator_definition=TRAINING_DEN),
    DemoKpi("ESX-C-FNP", "ESX-FNP-PLACES", "Family Nurse Partnership places filled", "count", 350, "increase",
            "how_much", "national", 125.0, 6.0, "trend_up", tolerance=25.0, unit="places",
            numerator_definition="Young mothers enrolled on the programme at the month end",
            definition="Expand from 125 places in South East Essex to 350 across Essex.", source=ESSEX_PAPER),
    # RTT and cancer waits are measured on the acute contract, not the urgent care bundle; ambulance
    # response times on the ambulance contract. Timeliness answers "how well did we do it?".
    DemoKpi("NEE-C-ACUTE", "NEE-RTT18", "Referral to treatment within 18 weeks (incomplete pathways)",
            "percentage", 92, "increase", "how_well", "national", 94.5, 0.6, "stable", 9000, tolerance=1.0,
            numerator_definition="Patients on an incomplete pathway waiting under 18 weeks",
            denominator_definition="Patients on an incomplete pathway", data_source="NHS England RTT return"),
    DemoKpi("NEE-C-UC", "NEE-AE4H", "A&E: seen within 4 hours", "percentage", 95, "increase", "how_well",
            "national", 96.2, 0.7, "shift_down", 7000, tolerance=1.0,
            numerator_definition="Attendances admitted, transferred or discharged within 4 hours",
            denominator_definition="A&E attendances", data_source="NHS England A&E SitRep"),
    DemoKpi("NEE-C-ACUTE", "NEE-CAN62", "Cancer: first treatment within 62 days of urgent GP referral",
            "percentage", 85, "increase", "how_well", "national", 86.0, 2.8, "stable", 120, tolerance=2.0,
            numerator_definition="Patients treated within 62 days", denominator_definition="Patients treated",
            data_source="Cancer Waiting Times"),
    DemoKpi("NEE-C-AMB", "NEE-AMB8", "Ambulance: category A response within 8 minutes", "percentage", 75,
            "increase", "how_well", "national", 69.5, 1.5, "stable", 1400, tolerance=2.0,
            numerator_definition="Category A calls with a response on scene within 8 minutes",
            denominator_definition="Category A calls",
            data_source="East of England Ambulance Service (East of England wide contract)"),
    DemoKpi("CAM-C-HV", "CAM-HV-FTE", "Health visitors in post (FTE)", "count", 120, "increase", "how_much",
            "national", 92.0, 1.5, "trend_up", tolerance=5.0, unit="FTE",
            numerator_definition="Qualified health visitors in post, full-time equivalent",
            definition="The agreed trajectory to 2015.", decimals=1,
            source="Health Visitor Implementation Plan 2011-15"),
    # Derby (seed 002): the metrics its intention summaries name; every value and target illustrative.
    DemoKpi("DER-C-PAED", "DER-PAED-LTC", "Emergency admissions of children for asthma, diabetes and epilepsy",
            "count", 40, "decrease", "better_off", "national", 46.0, 4.0, "stable", tolerance=4.0,
            unit="admissions", numerator_definition="Emergency admissions of under-19s with a primary "
            "diagnosis of asthma, diabetes or epilepsy in the month",
            definition="The Operating Framework paediatric indicator 2.7.", source=DERBY_PAPER + ", intention 7",
            data_source="Hospital Episode Statistics via the commissioning support unit"),
    DemoKpi("DER-C-PAED", "DER-PAED-LRTI", "Emergency admissions of children for lower respiratory tract infections",
            "count", 55, "decrease", "better_off", "national", 62.0, 6.0, "stable", tolerance=5.0,
            unit="admissions", numerator_definition="Emergency admissions of under-19s for lower respiratory "
            "tract infections in the month",
            definition="The Operating Framework paediatric indicator 3.4.", source=DERBY_PAPER + ", intention 7",
            data_source="Hospital Episode Statistics via the commissioning support unit"),
    DemoKpi("DER-C-HV", "DER-HV-NBV", "New birth visits within 14 days (Derby)", "percentage", 95, "increase",
            "how_well", "national", 88.0, 1.2, "stable", 290,
            numerator_definition="New birth visits carried out within 14 days of birth",
            denominator_definition="Births notified", definition="From the health visiting dashboard.", source=DERBY_PAPER),
    DemoKpi("DER-C-TCS", "DER-TCS-SG13", "Safeguarding training levels 1-3 (community services)", "percentage",
            95, "increase", "how_well", "local", 95.5, 0.8, "shift_down", 350,
            numerator_definition=TRAINING_NUM, denominator_definition=TRAINING_DEN),
    DemoKpi("CAM-C-HV", "CAM-HV-NBV", "New birth visits within 14 days", "percentage", 95, "increase",
            "how_well", "national", 93.0, 1.6, "stable", 280,
            numerator_definition="New birth visits carried out within 14 days of birth",
            denominator_definition="Births notified"),
]  # fmt: skip


def _series(spec: DemoKpi, n: int, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0, spec.sd, n)
    t = np.arange(n, dtype=float)
    level = np.full(n, spec.base)
    if spec.pattern == "shift_down":
        level[int(n * 0.7) :] -= 4 * spec.sd + 1.5
    elif spec.pattern == "shift_up":
        level[int(n * 0.5) :] += 5.5
    elif spec.pattern == "trend_up":
        level = spec.base + (spec.target - spec.base) * 1.02 * t / max(n - 1, 1)
    elif spec.pattern == "outlier":
        noise[int(n * 0.6)] = -8 * spec.sd
    values = level + noise
    if spec.measure == "percentage":
        values = np.clip(values, 0, 100)
    return values


def _periods(contract: Contract) -> list[rules.Period]:
    """The last (up to) 36 months of the contract, ending by last month."""
    today = dt.date.today()
    last = min(contract.end_date, today.replace(day=1) - dt.timedelta(days=1))
    periods = rules.periods_between(contract.start_date, last, rules.MONTHLY)
    return periods[-MONTHS:]


def contract_references(path: Path = CONTRACTS_FILE) -> set[str]:
    if not path.exists():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    return {c["reference"] for c in data.get("contracts", [])}


def load(stats: Any) -> None:
    """Called by ``jointly demo load`` after the contracts app's loader."""
    known = contract_references()
    contracts = {
        c.reference: c
        for c in Contract.objects.filter(reference__in=known)
        .select_related("partnership")
        .prefetch_related("outcomes")
    }
    for index, spec in enumerate(KPIS):
        contract = contracts.get(spec.contract)
        if contract is None:
            stats["KPI skipped (demo contract missing)"] += 1
            continue
        periods = _periods(contract)
        if not periods:
            continue
        kpi = upsert(
            Kpi,
            stats,
            {"partnership": contract.partnership, "code": spec.code},
            {
                "contract": contract, "name": spec.name, "measure": spec.measure, "unit": spec.unit,
                "target": Decimal(str(spec.target)),
                "tolerance": None if spec.tolerance is None else Decimal(str(spec.tolerance)),
                "direction": spec.direction, "frequency": rules.MONTHLY, "due_days": 15,
                "quadrant": spec.quadrant, "scope": spec.scope, "data_source": spec.data_source,
                "definition": spec.definition, "numerator_definition": spec.numerator_definition,
                "denominator_definition": spec.denominator_definition, "illustrative": True, "source": spec.source,
                "effective_from": periods[0].start,
            },
        )  # fmt: skip
        set_m2m(kpi.outcomes, list(contract.outcomes.all()))
        _load_returns(kpi, spec, contract, np.random.default_rng([SEED, index]), stats)
    _load_curve(stats)
    _load_queries(stats)
    _load_notices(stats)


def _drop_stale_demo_returns(kpi: Kpi, wanted: set[str], stats: Any) -> None:
    """Generated returns outside the KPI's contract periods (a KPI moved to the contract it
    measures): removed, unless someone commented on them. Real returns are never touched."""
    stale = KpiReturn.objects.filter(kpi=kpi, illustrative=True, comments__isnull=True).exclude(
        period__in=wanted
    )
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        ReturnRevision.objects.filter(kpi_return_id__in=ids, route=Route.DEMO).delete()
        deleted, _ = KpiReturn.objects.filter(pk__in=ids, revisions__isnull=True).delete()
        stats["KpiReturn deleted (outside its contract)"] += deleted


def _whole_counts(kpi: Kpi, stats: Any) -> None:
    """Generated counts of whole things (places) loaded before they were whole: rounded."""
    for ret in KpiReturn.objects.filter(kpi=kpi, illustrative=True):
        whole = ret.numerator.to_integral_value()
        if ret.numerator != whole:
            KpiReturn.objects.filter(pk=ret.pk).update(numerator=whole, value=float(whole))
            ReturnRevision.objects.filter(kpi_return=ret, route=Route.DEMO).update(
                numerator=whole, value=float(whole)
            )
            stats["KpiReturn rounded to a whole count"] += 1


def _load_returns(kpi: Kpi, spec: DemoKpi, contract: Contract, rng: np.random.Generator, stats: Any) -> None:
    periods = _periods(contract)
    values = _series(spec, len(periods), rng)
    late = spec.contract == LATE_CONTRACT
    delays = rng.integers(5, 40, len(periods)) if late else -rng.integers(1, 12, len(periods))
    dens = rng.poisson(spec.size, len(periods)) if spec.measure == "percentage" else None
    _drop_stale_demo_returns(kpi, {p.label for p in periods}, stats)
    if spec.measure == "count" and not spec.decimals:
        _whole_counts(kpi, stats)
    existing = set(KpiReturn.objects.filter(kpi=kpi).values_list("period", flat=True))
    for i, period in enumerate(periods):
        if late and i >= len(periods) - 2:
            continue  # the late provider has not sent its last two months
        if period.label in existing:
            continue
        if dens is not None:
            den = Decimal(int(max(dens[i], 1)))
            num = Decimal(int(min(round(values[i] / 100 * int(den)), int(den))))
            value = rules.compute_value(spec.measure, num, den)
        else:
            den = None
            num = Decimal(str(round(float(values[i]), spec.decimals or None)))
            value = float(num)
        due = rules.due_date(period, kpi.due_days)
        when = dt.datetime.combine(due + dt.timedelta(days=int(delays[i])), dt.time(10, 0), tzinfo=dt.UTC)
        ret = KpiReturn.objects.create(
            kpi=kpi, period=period.label, period_start=period.start, period_end=period.end, due_date=due,
            numerator=num, denominator=den, value=value, status="accepted" if i < len(periods) - 3 else "submitted",
            first_submitted_on=when, last_submitted_on=when, revision_count=1, illustrative=True,
        )  # fmt: skip
        ReturnRevision.objects.create(
            kpi_return=ret, number=1, numerator=num, denominator=den, value=value, submitted_on=when,
            route=Route.DEMO,
        )  # fmt: skip
        stats["KpiReturn created"] += 1


def _load_curve(stats: Any) -> None:
    kpi = Kpi.objects.filter(code="NEE-AE4H").first()
    if kpi is None:
        return
    upsert(
        TurnTheCurve,
        stats,
        {"kpi": kpi},
        {
            "story": (
                "Illustrative. Attendances rose through the winter while discharge delays grew, so "
                "the department ran with fewer free cubicles; the 4-hour performance shifted down."
            ),
            "partners": (
                "Colchester Hospital – front door streaming and discharge\n"
                "North East Essex CCG – urgent care bundle lead commissioner\n"
                "Essex County Council – social care discharge support\n"
                "East of England Ambulance Service – handover times"
            ),
            "what_works": "GP streaming at the front door; a discharge-to-assess pathway; daily board rounds.",
            "action_plan": "1. Open GP streaming 10:00-22:00.\n2. Discharge-to-assess beds from the autumn.\n"
            "3. Weekly review of breaches at the contract meeting.",
            "horizon": 12,
        },
    )


# --- Queried returns, performance notices and remedial action plans (all illustrative) -------------

QUERIES = [
    (
        "DER-PAED-LTC",
        "2013-07",
        "Illustrative. July's admissions are well above June's: please check the "
        "coding of day cases before we accept the figure.",
    )
]


def _load_queries(stats: Any) -> None:
    """A commissioner's query on a return, left open for the provider to answer."""
    for code, period, text in QUERIES:
        ret = KpiReturn.objects.filter(kpi__code=code, period=period).first()
        if ret is None or ret.comments.exists():
            continue
        ret.status = ReturnStatus.QUERIED
        ret.save(update_fields=["status"])
        when = dt.datetime.combine(ret.due_date + dt.timedelta(days=3), dt.time(11, 0), tzinfo=dt.UTC)
        ReturnComment.objects.create(kpi_return=ret, kind=CommentKind.QUERY, text=text, created_on=when)
        stats["ReturnComment created"] += 1


@dataclass(frozen=True)
class DemoNotice:
    contract: str
    kpis: tuple[str, ...]
    issued_on: str
    reason: str
    plan: str = ""  # empty: the provider has not drafted one yet
    plan_status: str = PlanStatus.DRAFT
    agreed_on: str | None = None
    actions: tuple[tuple[str, str, str, str | None], ...] = ()  # description, owner, due, completed on


NOTICES = [
    DemoNotice(
        "ESX-C-CH-NE",
        ("ESX-LAC3-NE",),
        "2013-09-16",
        "Illustrative. Looked-after children training at level 3 has stayed near 88% against the 95% the "
        "contract requires, and the monthly returns arrive late.",
        "Illustrative. Train the remaining staff at level 3 by the end of December and send the returns by "
        "the 15th of each month.",
        PlanStatus.AGREED,
        "2013-10-07",
        (
            (
                "Run four extra level 3 sessions",
                "Named nurse for looked-after children",
                "2013-11-30",
                "2013-11-28",
            ),
            ("Return figures by the 15th each month", "Head of performance", "2013-11-15", None),
        ),
    ),
    DemoNotice(
        "DER-C-PAED",
        ("DER-PAED-LTC",),
        "2013-09-02",
        "Illustrative. Emergency admissions of children for asthma, diabetes and epilepsy have been above "
        "the planned level for three months running.",
    ),
]


def _demo_provider(contract: Contract) -> Any:
    """The demo sign-in of the contract's provider (it drafts the plan), if demo users were loaded."""
    from jointly.accounts.models import Membership

    m = (
        Membership.objects.filter(
            organisation_id=contract.provider_id,
            partnership=contract.partnership,
            user__email__endswith="@jointly.test",
        )
        .select_related("user")
        .first()
    )
    return m.user if m is not None else None


def _load_notices(stats: Any) -> None:
    """Performance notices with remedial action plans: one agreed with an action overdue (Essex),
    one awaiting the provider's plan (Derby). Matched on (contract, issue date)."""
    for spec in NOTICES:
        contract = Contract.objects.filter(reference=spec.contract).select_related("partnership").first()
        kpis = list(Kpi.objects.filter(code__in=spec.kpis, contract=contract))
        if contract is None or len(kpis) != len(spec.kpis):
            stats["PerformanceNotice skipped (demo contract or KPI missing)"] += 1
            continue
        notice = upsert(
            PerformanceNotice, stats, {"contract": contract, "issued_on": dt.date.fromisoformat(spec.issued_on)},
            {"reason": spec.reason, "status": NoticeStatus.OPEN, "illustrative": True},
        )  # fmt: skip
        set_m2m(notice.kpis, kpis)
        if not spec.plan:
            continue
        provider = _demo_provider(contract)
        plan = upsert(
            RemedialPlan, stats, {"notice": notice},
            {"summary": spec.plan, "status": spec.plan_status, "illustrative": True, "proposed_by": provider,
             "agreed_on": dt.date.fromisoformat(spec.agreed_on) if spec.agreed_on else None},
        )  # fmt: skip
        for description, owner, due, done in spec.actions:
            upsert(
                RemedialAction, stats, {"plan": plan, "description": description},
                {"owner": owner, "due_date": dt.date.fromisoformat(due),
                 "status": ActionStatus.DONE if done else ActionStatus.IN_PROGRESS,
                 "completed_on": dt.date.fromisoformat(done) if done else None},
            )  # fmt: skip
