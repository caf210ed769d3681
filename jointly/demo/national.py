"""Synthetic national-scale data: ``jointly demo national --partnerships N [--scale S]``.

Every record made here is invented and says so: partnerships are ``synthetic-001`` …, named
"Synthetic partnership 001 (illustrative)", and every model with a provenance flag has
``illustrative`` set and ``source`` = :data:`SOURCE`. The numbers are there to measure the product
at the size a national deployment would reach (issue 16), never to be read as facts.

**Volume** (``--scale 1``, per partnership): 8 areas, 9 organisations, 3 boards with meetings, one
framework of 24 outcomes, 8 themes, 50 intentions with 8 quarterly progress updates and 3
milestones each, 60 services, 40 contracts with variations and funding shares, 64 KPIs with
monthly (some quarterly) returns for ten financial years; nationally 200 indicators with values
for every area in the database, 16 periods and 3 sexes. At 150 partnerships that is about 11.6
million indicator values and 1.08 million KPI returns (:func:`plan` gives the figures). ``--scale``
multiplies the per-partnership counts and the number of indicators (areas stay 8 per partnership).

**Idempotent.** A partnership is created whole or not at all (one transaction); each generator
first checks whether its records for that partnership exist and does nothing if they do, so a
second run adds nothing and a generator added later (another app's) fills in the partnerships
made before it existed. Indicator values are written per (area, indicator) block and only for
blocks not yet present.

**Bulk.** Records are written with ``bulk_create`` in batches (indicator values with PostgreSQL's
COPY when the database is PostgreSQL). Bulk writes skip django-simple-history's signals, so the
synthetic records have no audit history, except variations, whose history the contract page
reads (``contracts.queries.variation_history``): they get their "created" history row in bulk.
Indicator values never have row history (ADR 0005); they point at one ``ImportLog``.

**The hook.** ``settings.JOINTLY_NATIONAL_GENERATORS`` lists dotted paths of callables
``generate(ctx: Context) -> None``, called in order for each synthetic partnership inside its
transaction. An app adds its synthetic records by appending its own generator (finance, risks,
the directory…); ``ctx`` gives the partnership, its organisations and areas, a seeded random
generator, ``ctx.n(base)`` (a count at the current scale) and ``ctx.bulk(model, objs)``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from jointly.contracts.models import Contract, FundingShare, Variation
from jointly.core import periods
from jointly.intentions.models import Intention, Milestone, ProgressUpdate, Theme
from jointly.needs.models import ImportLog, Indicator, IndicatorValue
from jointly.outcomes.models import Framework, Outcome
from jointly.partnerships.models import (
    Agreement,
    Area,
    Board,
    BoardMember,
    Decision,
    Meeting,
    Organisation,
    Partnership,
    PartnershipMember,
)
from jointly.performance.models import Kpi, KpiReturn
from jointly.services.models import Service

SLUG_PREFIX = "synthetic-"
SOURCE = "Synthetic national-scale data (jointly demo national): illustrative, not real"
INDICATOR_PREFIX = "synthetic-ind-"
VALUES_LOG_NAME = "synthetic national indicator values (illustrative)"
BATCH = 5000

# Per partnership at scale 1.
AREAS_PER_PARTNERSHIP = 8  # one county and seven districts; not scaled
BASE = {
    "boards": 3, "meetings": 8, "board_members": 6, "outcomes": 6, "children": 3, "themes": 8,
    "intentions": 50, "progress": 8, "milestones": 3, "services": 60, "contracts": 40, "kpis": 64,
    "indicators": 200, "indicator_links": 24,
}  # fmt: skip
RETURN_MONTHS = 120  # 2015/16 to 2024/25
FIRST_RETURN_YEAR = 2015
QUARTERLY_EVERY = 10  # every tenth KPI is quarterly
VALUE_PERIODS = 16  # 2009/10 to 2024/25
FIRST_VALUE_YEAR = 2009
SEXES = ("Persons", "Male", "Female")

TOPICS = [
    "Emotional wellbeing and mental health", "Speech, language and communication", "Short breaks",
    "School nursing", "Health visiting", "Young people's substance misuse", "Sexual health",
    "Early help and family support", "Special educational needs and disabilities", "Youth justice",
    "Healthy weight", "Oral health", "Breastfeeding support", "Perinatal mental health",
    "Children in care health", "Autism assessment", "Continence", "Community paediatrics",
    "Domestic abuse support", "Young carers", "Eating disorders", "Crisis response",
]  # fmt: skip
LEVELS = ("universal", "additional", "intensive", "specialist")
RAGS = ("green", "amber", "red")


def n_at(base: int, scale: float) -> int:
    """A count at ``scale`` (never below one)."""
    return max(1, round(base * scale))


def plan(partnerships: int, scale: float = 1.0, other_areas: int = 0) -> dict[str, int]:
    """The records a run of ``partnerships`` at ``scale`` makes (approximately, for the large ones)."""
    kpis = n_at(BASE["kpis"], scale)
    quarterly = len(range(QUARTERLY_EVERY - 1, kpis, QUARTERLY_EVERY))
    returns = (kpis - quarterly) * RETURN_MONTHS + quarterly * RETURN_MONTHS // 3
    areas = partnerships * AREAS_PER_PARTNERSHIP + other_areas
    intentions = n_at(BASE["intentions"], scale)
    return {
        "partnerships": partnerships,
        "areas": areas,
        "intentions": partnerships * intentions,
        "progress updates": partnerships * intentions * BASE["progress"],
        "contracts": partnerships * n_at(BASE["contracts"], scale),
        "services": partnerships * n_at(BASE["services"], scale),
        "kpis": partnerships * kpis,
        "kpi returns": partnerships * returns,
        "indicator values": areas * n_at(BASE["indicators"], scale) * VALUE_PERIODS * len(SEXES),
    }


@dataclass
class Context:
    """What a generator is given for one synthetic partnership."""

    partnership: Partnership
    index: int
    scale: float
    rng: random.Random
    orgs: dict[str, Organisation]
    areas: list[Area]
    stats: Counter = field(default_factory=Counter)

    def n(self, base: int) -> int:
        return n_at(base, self.scale)

    def bulk(self, model: type[models.Model], objs: Sequence[Any]) -> list[Any]:
        done = model._default_manager.bulk_create(objs, batch_size=BATCH)
        self.stats[model._meta.verbose_name_plural] += len(objs)
        return done

    def link(self, through: type[models.Model], pairs: Iterable[dict[str, Any]]) -> None:
        """Many-to-many rows in bulk (``through`` is the relation's ``.through`` model)."""
        rows = [through(**p) for p in pairs]
        through._default_manager.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)

    @property
    def code(self) -> str:
        return f"{self.index:03d}"


# --- partnerships, organisations, areas ------------------------------------------------------------


ORG_ROLES = [
    ("council", "County Council", "council", "host"),
    ("public-health", "Public Health", "public_health", "partner"),
    ("icb", "Integrated Care Board", "icb", "partner"),
    ("community-trust", "Community NHS Trust", "nhs_trust", "provider"),
    ("mental-health-trust", "Mental Health NHS Trust", "nhs_trust", "provider"),
    ("health-ltd", "Children's Health Ltd", "independent_provider", "provider"),
    ("family-care", "Family Care Ltd", "independent_provider", "provider"),
    ("youth-trust", "Youth Trust (charity)", "voluntary_provider", "provider"),
    ("carers-network", "Carers Network (charity)", "voluntary_provider", "provider"),
]
PROVIDER_KEYS = [k for k, _, _, role in ORG_ROLES if role == "provider"]
COMMISSIONER_KEYS = ["council", "icb", "public-health"]


def _area_codes(index: int) -> list[tuple[str, str, str]]:
    """(GSS code, name, type): a county and seven districts, in code ranges no real area uses."""
    county = (f"E1090{index:04d}", f"Synthetic county {index:03d}", "county")
    districts = [
        (f"E079{index:03d}{k:02d}", f"Synthetic district {index:03d}-{k}", "district")
        for k in range(1, AREAS_PER_PARTNERSHIP)
    ]
    return [county, *districts]


def _organisations(index: int, county: Area) -> dict[str, Organisation]:
    slugs = {key: f"{SLUG_PREFIX}{index:03d}-{key}" for key, *_ in ORG_ROLES}
    existing = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs.values())}
    new = [
        Organisation(
            slug=slugs[key],
            name=f"Synthetic {label} {index:03d}",
            kind=kind,
            area=county if kind in ("council", "public_health") else None,
        )
        for key, label, kind, _ in ORG_ROLES
        if slugs[key] not in existing
    ]
    Organisation.objects.bulk_create(new)
    by_slug = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs.values())}
    orgs = {key: by_slug[slug] for key, slug in slugs.items()}
    ph = orgs["public-health"]
    if ph.parent_id is None:  # Public Health is a directorate of its council
        Organisation.objects.filter(pk=ph.pk).update(parent=orgs["council"])
    return orgs


def ensure_partnership(index: int, stats: Counter) -> tuple[Partnership, dict[str, Organisation], list[Area]]:
    """The synthetic partnership ``index`` with its areas, organisations and members (made once)."""
    codes = _area_codes(index)
    region = Area.objects.filter(area_type="region").order_by("gss_code").first()
    existing = {a.gss_code for a in Area.objects.filter(gss_code__in=[c for c, _, _ in codes])}
    county_code = codes[0][0]
    if county_code not in existing:
        Area.objects.create(gss_code=county_code, name=codes[0][1], area_type="county", parent=region)
        stats["areas"] += 1
    county = Area.objects.get(gss_code=county_code)
    missing = [
        Area(gss_code=c, name=nm, area_type=t, parent=county) for c, nm, t in codes[1:] if c not in existing
    ]
    Area.objects.bulk_create(missing)
    stats["areas"] += len(missing)
    areas = list(Area.objects.filter(gss_code__in=[c for c, _, _ in codes]).order_by("gss_code"))
    orgs = _organisations(index, county)
    slug = f"{SLUG_PREFIX}{index:03d}"
    partnership = Partnership.objects.filter(slug=slug).first()
    if partnership is None:
        partnership = Partnership.objects.create(
            slug=slug,
            name=f"Synthetic partnership {index:03d} (illustrative)",
            description=(
                "Synthetic data made by `jointly demo national` to measure Jointly at national scale. "
                "Every name, figure and date here is invented (illustrative), not a real partnership."
            ),
            reference_date=dt.date(2025, 3, 31),
        )
        partnership.areas.set(areas)
        PartnershipMember.objects.bulk_create(
            [
                PartnershipMember(partnership=partnership, organisation=orgs[k], role=r)
                for k, _, _, r in ORG_ROLES
            ]
        )
        stats["partnerships"] += 1
    return partnership, orgs, areas


# --- the generators each partnership goes through (settings.JOINTLY_NATIONAL_GENERATORS) ----------


def governance(ctx: Context) -> None:
    """Boards and groups with members, meetings, decisions, and one Section 75 agreement."""
    p = ctx.partnership
    if Board.objects.filter(partnership=p).exists():
        return
    boards = ctx.bulk(
        Board,
        [
            Board(
                partnership=p,
                slug=f"board-{k + 1}",
                name=("Joint Commissioning Board" if k == 0 else f"{ctx.rng.choice(TOPICS)} group {k}"),
                kind="board" if k == 0 else "group",
                meeting_frequency="every_two_months" if k == 0 else "quarterly",
                illustrative=True,
                source=SOURCE,
            )
            for k in range(ctx.n(BASE["boards"]))
        ],
    )
    boards = list(Board.objects.filter(partnership=p).order_by("slug"))
    Board.objects.filter(partnership=p).exclude(pk=boards[0].pk).update(reports_to=boards[0])
    org_list = list(ctx.orgs.values())
    ctx.bulk(
        BoardMember,
        [
            BoardMember(
                board=b,
                name=f"Member {k + 1} ({b.slug})",
                organisation=org_list[k % len(org_list)],
                role="Member",
            )
            for b in boards
            for k in range(ctx.n(BASE["board_members"]))
        ],
    )
    meetings = [
        Meeting(
            board=b,
            date=dt.date(2023, 4, 15) + dt.timedelta(days=61 * k),
            title=f"{b.name} meeting {k + 1}",
            illustrative=True,
            source=SOURCE,
        )
        for b in boards
        for k in range(ctx.n(BASE["meetings"]))
    ]
    ctx.bulk(Meeting, meetings)
    saved = list(Meeting.objects.filter(board__partnership=p))
    ctx.bulk(Decision, [Decision(meeting=m, text="Noted the quarterly performance report.") for m in saved])
    agreement = Agreement.objects.create(
        partnership=p,
        slug="section-75",
        kind="section_75",
        legal_bases=["section_75"],
        title="Section 75 partnership agreement (synthetic)",
        host=ctx.orgs["council"],
        managing_board=boards[0],
        fund_type="pooled",
        start_date=dt.date(2016, 4, 1),
        illustrative=True,
        source=SOURCE,
    )
    agreement.parties.set([ctx.orgs["council"], ctx.orgs["icb"]])
    ctx.stats["agreements"] += 1


def outcomes_and_themes(ctx: Context) -> None:
    """One outcomes framework (top-level outcomes with children) and the intentions' themes."""
    p = ctx.partnership
    if not Theme.objects.filter(partnership=p).exists():
        names = [*TOPICS][: ctx.n(BASE["themes"])]
        ctx.rng.shuffle(names)
        ctx.bulk(Theme, [Theme(partnership=p, name=nm) for nm in names])
    if Framework.objects.filter(partnership=p).exists():
        return
    fw = Framework.objects.create(
        partnership=p, slug="outcomes", name="Children and young people's outcomes", kind="partnership_plan"
    )
    ctx.stats["frameworks"] += 1
    tops = ctx.bulk(
        Outcome,
        [
            Outcome(
                framework=fw,
                code=f"O{k + 1}",
                title=f"Children and young people {TOPICS[k % len(TOPICS)].lower()}",
                position=k,
            )
            for k in range(ctx.n(BASE["outcomes"]))
        ],
    )
    tops = list(Outcome.objects.filter(framework=fw).order_by("position"))
    ctx.bulk(
        Outcome,
        [
            Outcome(
                framework=fw,
                parent=t,
                code=f"{t.code}.{j + 1}",
                title=f"{t.title}: measure {j + 1}",
                position=j,
            )
            for t in tops
            for j in range(ctx.n(BASE["children"]))
        ],
    )


def _quarters(first_year: int, count: int) -> list[periods.Period]:
    q = periods.Period.financial_quarter(first_year, 1)
    out = []
    for _ in range(count):
        out.append(q)
        q = q.next()
    return out


def intentions(ctx: Context) -> None:
    """Commissioning intentions with themes, outcomes, quarterly progress and milestones."""
    p = ctx.partnership
    if Intention.objects.filter(partnership=p).exists():
        return
    rng = ctx.rng
    themes = list(Theme.objects.filter(partnership=p))
    outcomes = list(Outcome.objects.filter(framework__partnership=p))
    providers = [ctx.orgs[k] for k in PROVIDER_KEYS]
    objs = []
    for k in range(ctx.n(BASE["intentions"])):
        topic = rng.choice(TOPICS)
        start = dt.date(2022 + k % 3, 4, 1)
        objs.append(
            Intention(
                partnership=p,
                reference=f"CI-{k + 1:03d}",
                title=f"{topic}: {rng.choice(['redesign', 'recommission', 'extend', 'integrate', 'review'])} ({k + 1})",
                aim=f"Improve {topic.lower()} for children and families (synthetic).",
                lead_commissioner=ctx.orgs[COMMISSIONER_KEYS[k % 3]],
                stage=rng.choice(["analyse", "plan", "do", "review"]),
                start_date=start,
                end_date=start + dt.timedelta(days=365 * 3),
                current_rag=rng.choice(RAGS),
                illustrative=True,
                source=SOURCE,
            )
        )
    ctx.bulk(Intention, objs)
    saved = list(Intention.objects.filter(partnership=p).order_by("reference"))
    ctx.link(
        Intention.themes.through,
        (
            {"intention_id": i.pk, "theme_id": themes[(n + j) % len(themes)].pk}
            for n, i in enumerate(saved)
            for j in range(2)
        ),
    )
    if outcomes:
        ctx.link(
            Intention.outcomes.through,
            (
                {"intention_id": i.pk, "outcome_id": outcomes[(n * 3 + j) % len(outcomes)].pk}
                for n, i in enumerate(saved)
                for j in range(2)
            ),
        )
    ctx.link(
        Intention.providers_affected.through,
        (
            {"intention_id": i.pk, "organisation_id": providers[n % len(providers)].pk}
            for n, i in enumerate(saved)
        ),
    )
    quarters = _quarters(2023, BASE["progress"])
    ctx.bulk(
        ProgressUpdate,
        [
            ProgressUpdate(
                intention=i,
                period=q.text,
                rag=rng.choice(RAGS),
                narrative=f"Quarter {q.text}: work continued to plan (synthetic).",
                author="Commissioning manager",
                date=q.end + dt.timedelta(days=20),
                illustrative=True,
                rag_illustrative=True,
                source=SOURCE,
            )
            for i in saved
            for q in quarters
        ],
    )
    ctx.bulk(
        Milestone,
        [
            Milestone(
                intention=i,
                title=f"Milestone {m + 1}",
                due_date=i.start_date + dt.timedelta(days=180 * (m + 1)),
                completed_on=(
                    i.start_date + dt.timedelta(days=180 * (m + 1) + rng.randint(-20, 40)) if m < 2 else None
                ),
                illustrative=True,
                source=SOURCE,
            )
            for i in saved
            for m in range(BASE["milestones"])
        ],
    )


def services(ctx: Context) -> None:
    """The services directory: services by level of need across the partnership's districts."""
    p = ctx.partnership
    if Service.objects.filter(partnership=p).exists():
        return
    rng = ctx.rng
    providers = [ctx.orgs[k] for k in PROVIDER_KEYS]
    ctx.bulk(
        Service,
        [
            Service(
                partnership=p,
                name=f"{TOPICS[k % len(TOPICS)]} service {k + 1}",
                description="A synthetic service (illustrative).",
                provider=providers[k % len(providers)],
                level_of_need=LEVELS[k % len(LEVELS)],
                age_min=0,
                age_max=rng.choice([5, 11, 18, 25]),
                capacity=rng.randint(20, 800),
                capacity_unit="places",
                published=k % 5 != 0,
                illustrative=True,
            )
            for k in range(ctx.n(BASE["services"]))
        ],
    )
    saved = list(Service.objects.filter(partnership=p).order_by("pk"))
    themes = list(Theme.objects.filter(partnership=p))
    ctx.link(
        Service.areas.through,
        (
            {"service_id": s.pk, "area_id": ctx.areas[1 + (n + j) % (len(ctx.areas) - 1)].pk}
            for n, s in enumerate(saved)
            for j in range(2)
        ),
    )
    ctx.link(
        Service.themes.through,
        ({"service_id": s.pk, "theme_id": themes[n % len(themes)].pk} for n, s in enumerate(saved)),
    )
    ctx.link(
        Service.commissioners.through,
        (
            {"service_id": s.pk, "organisation_id": ctx.orgs[COMMISSIONER_KEYS[n % 3]].pk}
            for n, s in enumerate(saved)
        ),
    )


def contracts(ctx: Context) -> None:
    """Contracts with services, intentions, funding shares and variations (history kept)."""
    p = ctx.partnership
    if Contract.objects.filter(partnership=p).exists():
        return
    rng = ctx.rng
    providers = [ctx.orgs[k] for k in PROVIDER_KEYS]
    objs = []
    for k in range(ctx.n(BASE["contracts"])):
        start = dt.date(2014, 4, 1) + dt.timedelta(days=30 * rng.randint(0, 12))
        objs.append(
            Contract(
                partnership=p,
                reference=f"SYN-{ctx.code}-{k + 1:03d}",
                title=f"{TOPICS[k % len(TOPICS)]} contract {k + 1}",
                provider=providers[k % len(providers)],
                lead_commissioner=ctx.orgs[COMMISSIONER_KEYS[k % 3]],
                buyer=ctx.orgs[COMMISSIONER_KEYS[k % 3]],
                contract_type=("nhs_standard" if k % 3 == 1 else "council"),
                start_date=start,
                end_date=dt.date(2025 + k % 4, 3, 31),
                value=Decimal(rng.randint(50, 5000) * 1000),
                extension_count=k % 3,
                extension_months=12 if k % 3 else 0,
                illustrative=True,
                source=SOURCE,
            )
        )
    ctx.bulk(Contract, objs)
    saved = list(Contract.objects.filter(partnership=p).order_by("reference"))
    svc = list(Service.objects.filter(partnership=p).order_by("pk").values_list("pk", flat=True))
    ints = list(Intention.objects.filter(partnership=p).order_by("reference").values_list("pk", flat=True))
    if svc:
        ctx.link(
            Contract.services.through,
            ({"contract_id": c.pk, "service_id": svc[n % len(svc)]} for n, c in enumerate(saved)),
        )
    if ints:
        ctx.link(
            Contract.intentions.through,
            ({"contract_id": c.pk, "intention_id": ints[n % len(ints)]} for n, c in enumerate(saved)),
        )
    ctx.bulk(
        FundingShare,
        [
            FundingShare(
                contract=c,
                commissioner=ctx.orgs[key],
                financial_year="2024/25",
                funding_stream=stream,
                amount=(c.value or Decimal(0)) / 10 * share,
                ring_fenced_public_health=stream == "public_health_grant",
            )
            for c in saved
            for key, stream, share in (("council", "core", 6), ("icb", "nhs_allocation", 4))
        ],
    )
    variations = [
        Variation(
            contract=c,
            kind=("value" if n % 2 else "term"),
            description="Synthetic variation (illustrative).",
            value_change=Decimal(rng.randint(-50, 200) * 1000) if n % 2 else None,
            new_end_date=None if n % 2 else c.end_date + dt.timedelta(days=365),
            effective_date=c.start_date + dt.timedelta(days=700),
            status=("approved" if n % 3 else "proposed"),
            decided_on=(c.start_date + dt.timedelta(days=720)) if n % 3 else None,
            reason="Synthetic.",
        )
        for n, c in enumerate(saved)
    ]
    made = ctx.bulk(Variation, variations)
    if connection.features.can_return_rows_from_bulk_insert:
        Variation.history.bulk_history_create(made, batch_size=BATCH)
    else:  # pragma: no cover - every supported engine returns ids
        Variation.history.bulk_history_create(list(Variation.objects.filter(contract__partnership=p)))


def _months(first_year: int, count: int) -> list[periods.Period]:
    m = periods.Period.month(first_year, 4)
    out = []
    for _ in range(count):
        out.append(m)
        m = m.next()
    return out


def performance(ctx: Context) -> None:
    """KPIs on contracts (monthly, every tenth quarterly) with ten years of returns."""
    p = ctx.partnership
    if Kpi.objects.filter(partnership=p).exists():
        return
    rng = ctx.rng
    contract_list = list(Contract.objects.filter(partnership=p).order_by("reference"))
    if not contract_list:
        return
    outcomes = list(Outcome.objects.filter(framework__partnership=p))
    kpis = []
    for k in range(ctx.n(BASE["kpis"])):
        quarterly = k % QUARTERLY_EVERY == QUARTERLY_EVERY - 1
        kpis.append(
            Kpi(
                partnership=p,
                contract=contract_list[k % len(contract_list)],
                code=f"K{k + 1:03d}",
                name=f"Children seen within target time ({TOPICS[k % len(TOPICS)].lower()})",
                measure="percentage",
                unit="%",
                target=Decimal(rng.choice([80, 85, 90, 95])),
                tolerance=Decimal(5),
                frequency="quarterly" if quarterly else "monthly",
                quadrant=rng.choice(["how_much", "how_well", "better_off"]),
                illustrative=True,
            )
        )
    ctx.bulk(Kpi, kpis)
    saved = list(Kpi.objects.filter(partnership=p).order_by("code"))
    if outcomes:
        ctx.link(
            Kpi.outcomes.through,
            ({"kpi_id": k.pk, "outcome_id": outcomes[n % len(outcomes)].pk} for n, k in enumerate(saved)),
        )
    months = _months(FIRST_RETURN_YEAR, RETURN_MONTHS)
    quarters = _quarters(FIRST_RETURN_YEAR, RETURN_MONTHS // 3)
    now = timezone.now()
    batch: list[KpiReturn] = []
    for kpi in saved:
        level = rng.uniform(70, 97)
        for period in quarters if kpi.frequency == "quarterly" else months:
            den = rng.randint(40, 400)
            num = min(den, max(0, round(den * rng.gauss(level, 4) / 100)))
            submitted = dt.datetime.combine(
                period.end + dt.timedelta(days=rng.randint(5, 25)), dt.time(9), tzinfo=dt.UTC
            )
            batch.append(
                KpiReturn(
                    kpi=kpi,
                    period=period.text,
                    period_start=period.start,
                    period_end=period.end,
                    due_date=period.end + dt.timedelta(days=kpi.due_days),
                    numerator=Decimal(num),
                    denominator=Decimal(den),
                    value=100.0 * num / den,
                    status="accepted",
                    first_submitted_on=min(submitted, now),
                    last_submitted_on=min(submitted, now),
                    illustrative=True,
                )
            )
        if len(batch) >= BATCH:
            ctx.bulk(KpiReturn, batch)
            batch = []
    ctx.bulk(KpiReturn, batch)


def indicator_links(ctx: Context) -> None:
    """The partnership's part of the national catalogue: indicators linked to its themes and outcomes."""
    p = ctx.partnership
    ids = list(
        Indicator.objects.filter(code__startswith=INDICATOR_PREFIX)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    if not ids or Indicator.themes.through.objects.filter(theme__partnership=p).exists():
        return
    themes = list(Theme.objects.filter(partnership=p).values_list("pk", flat=True))
    outcomes = list(Outcome.objects.filter(framework__partnership=p).values_list("pk", flat=True))
    start = ctx.index * 7
    chosen = [ids[(start + j) % len(ids)] for j in range(min(len(ids), ctx.n(BASE["indicator_links"])))]
    ctx.link(
        Indicator.themes.through,
        ({"indicator_id": i, "theme_id": themes[n % len(themes)]} for n, i in enumerate(chosen)),
    )
    if outcomes:
        ctx.link(
            Indicator.outcomes.through,
            ({"indicator_id": i, "outcome_id": outcomes[n % len(outcomes)]} for n, i in enumerate(chosen)),
        )


# --- national indicators and their values -------------------------------------------------------


def ensure_indicators(scale: float, stats: Counter) -> list[Indicator]:
    count = n_at(BASE["indicators"], scale)
    codes = [f"{INDICATOR_PREFIX}{k + 1:04d}" for k in range(count)]
    have = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    new = [
        Indicator(
            code=c,
            name=f"Synthetic indicator {c[len(INDICATOR_PREFIX) :]}: {TOPICS[k % len(TOPICS)].lower()}",
            value_type="proportion",
            multiplier=100,
            unit="%",
            polarity=("higher is better" if k % 2 else "lower is better"),
            source=SOURCE,
            illustrative=True,
        )
        for k, c in enumerate(codes)
        if c not in have
    ]
    Indicator.objects.bulk_create(new, batch_size=BATCH)
    stats["indicators"] += len(new)
    return list(Indicator.objects.filter(code__in=codes).order_by("code"))


def _value_periods() -> list[tuple[str, int]]:
    return [
        (periods.Period.financial_year(FIRST_VALUE_YEAR + k).text, FIRST_VALUE_YEAR + k)
        for k in range(VALUE_PERIODS)
    ]


def _value_frame(blocks: list[tuple[Area, Indicator]], log_id: int, seed: int) -> pd.DataFrame:
    """Every period and sex of each (area, indicator) block: binomial proportions with Wilson limits."""
    per = VALUE_PERIODS * len(SEXES)
    rows = len(blocks) * per
    rng = np.random.default_rng(seed)
    labels = _value_periods()
    district = np.array([a.area_type == "district" for a, _ in blocks]).repeat(per)
    base = rng.uniform(0.05, 0.4, len(blocks)).repeat(per)
    sex = np.tile(np.repeat(np.array(SEXES, dtype=object), 1), len(blocks) * VALUE_PERIODS)
    size = np.where(district, 200, 2000) * np.where(sex == "Persons", 1.0, 0.5)
    den = np.maximum(10, np.round(size * rng.uniform(0.9, 1.1, rows)))
    rate = np.clip(base + rng.normal(0, 0.03, rows), 0.01, 0.99)
    num = np.round(den * rate)
    p = num / den
    frame = pd.DataFrame(
        {
            "indicator_id": np.array([i.pk for _, i in blocks]).repeat(per),
            "area_id": np.array([a.pk for a, _ in blocks]).repeat(per),
            "period": np.tile(
                np.repeat(np.array([t for t, _ in labels], dtype=object), len(SEXES)), len(blocks)
            ),
            "period_order": np.tile(
                np.repeat(np.array([o for _, o in labels]) * 10000, len(SEXES)), len(blocks)
            ),
            "sex": sex,
            "age": "All ages",
            "category_type": "",
            "category": "",
            "count": num,
            "denominator": den,
            "value": (100 * p).round(4),
        }
    )
    for name, z in (("95", 1.959964), ("998", 3.090232)):
        centre = p + z * z / (2 * den)
        half = z * np.sqrt(p * (1 - p) / den + z * z / (4 * den * den))
        factor = 100.0 / (1 + z * z / den)
        frame[f"lower{name}"] = ((centre - half) * factor).round(4)
        frame[f"upper{name}"] = ((centre + half) * factor).round(4)
    frame["value_note"] = ""
    frame["import_log_id"] = log_id
    return frame[list(VALUE_COLUMNS)]


VALUE_COLUMNS = (
    "indicator_id", "area_id", "period", "period_order", "sex", "age", "category_type", "category", "count",
    "denominator", "value", "lower95", "upper95", "lower998", "upper998", "value_note", "import_log_id",
)  # fmt: skip


def _write_values(frame: pd.DataFrame) -> None:
    if connection.vendor == "postgresql":
        table = IndicatorValue._meta.db_table
        text = frame.to_csv(index=False, header=False)
        with connection.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(VALUE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.copy(sql) as copy:  # type: ignore[attr-defined]
                copy.write(text)
        return
    objs = [IndicatorValue(**row) for row in frame.to_dict("records")]
    IndicatorValue.objects.bulk_create(objs, batch_size=BATCH)


def indicator_values(indicators: list[Indicator], say: Callable[[str], None], chunk: int = 20) -> int:
    """Values for every (area, synthetic indicator) block not yet present; returns rows written."""
    if not indicators:
        return 0
    log, _ = ImportLog.objects.get_or_create(
        file_name=VALUES_LOG_NAME,
        defaults={"layout": "template", "status": "done", "message": SOURCE, "finished_on": timezone.now()},
    )
    areas = list(Area.objects.order_by("gss_code"))
    ind_ids = [i.pk for i in indicators]
    written, started = 0, time.monotonic()
    for start in range(0, len(areas), chunk):
        part = areas[start : start + chunk]
        have = set(
            IndicatorValue.objects.filter(area__in=part, indicator_id__in=ind_ids)
            .values_list("area_id", "indicator_id")
            .distinct()
        )
        blocks = [(area, ind) for area in part for ind in indicators if (area.pk, ind.pk) not in have]
        if blocks:
            frame = _value_frame(blocks, log.pk, seed=part[0].pk)
            with transaction.atomic():
                _write_values(frame)
            written += len(frame)
        done = min(start + chunk, len(areas))
        rate = written / max(time.monotonic() - started, 1e-6)
        say(f"indicator values: {done}/{len(areas)} areas, {written:,} rows written ({rate:,.0f} rows/s)")
    # Every value this log holds was written here (each block once): add this run's rows rather than
    # count the log's values, which would scan the whole table (``import_log`` has no index: ADR 0032).
    ImportLog.objects.filter(pk=log.pk).update(rows=models.F("rows") + written, finished_on=timezone.now())
    return written


# --- the run ------------------------------------------------------------------------------------


def generators() -> list[Callable[[Context], None]]:
    return [import_string(path) for path in settings.JOINTLY_NATIONAL_GENERATORS]


def generate(
    partnerships: int,
    scale: float = 1.0,
    seed: int = 20261205,
    say: Callable[[str], None] = lambda s: None,
    values: bool = True,
) -> Counter:
    """Make (or complete) ``partnerships`` synthetic partnerships and the national indicator values."""
    stats: Counter = Counter()
    steps = generators()
    indicators = ensure_indicators(scale, stats)
    started = time.monotonic()
    for index in range(1, partnerships + 1):
        t0 = time.monotonic()
        with transaction.atomic():
            partnership, orgs, areas = ensure_partnership(index, stats)
            ctx = Context(partnership, index, scale, random.Random(seed * 1000 + index), orgs, areas, stats)
            for step in steps:
                step(ctx)
        elapsed = time.monotonic() - started
        eta = elapsed / index * (partnerships - index)
        say(
            f"partnership {index}/{partnerships} {partnership.slug}: {time.monotonic() - t0:.1f} s (about {eta:,.0f} s to go)"
        )
    if values:
        stats["indicator values"] += indicator_values(indicators, say)
    if connection.vendor == "postgresql":  # fresh planner statistics after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return stats
