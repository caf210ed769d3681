"""Demo panels: Essex's Joint Assessment Panel (seed 000: the partners "jointly plan and fund the care
packages for individual children with complex and specialist care needs" there) and Derby's review of
high-cost placements with Health (seed 002). The papers name the panels, nothing about any child.

Every case here is SYNTHETIC: invented, generated from a fixed seed, labelled synthetic on every
page and in the decision record; names are made of invented syllables and end "(synthetic)", NHS
numbers are in the 999 range the NHS keeps for tests. Costs and splits are plausible, illustrative
figures. Idempotent: a panel that already has cases is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction

from jointly.accounts.models import Membership, Role, User
from jointly.panels import actions
from jointly.panels.models import Case, NeedBand, Panel, PanelMember
from jointly.partnerships.models import Area, Board, Organisation, Partnership

DEMO_PASSWORD = "jointly-demo"  # as the demo's other accounts (jointly/demo/loader.py)
SYLLABLES_FIRST = [
    "Quen",
    "Zar",
    "Vel",
    "Orin",
    "Pell",
    "Tam",
    "Isko",
    "Brae",
    "Lunn",
    "Cade",
    "Mira",
    "Juno",
]
SYLLABLES_LAST = [
    "thorpe",
    "quill",
    "vantry",
    "mossel",
    "drake",
    "wenby",
    "fallow",
    "crisp",
    "dunmere",
    "haskel",
]
NEEDS = [
    "Complex health needs (tracheostomy care)", "Autism with behaviour that challenges", "Profound and multiple "
    "learning disabilities", "Social, emotional and mental health", "Life-limiting condition", "Epilepsy with "
    "complex medication", "Sensory impairment with learning disability",
]  # fmt: skip
BANDS = [
    ("Intensive", "Needs met by several agencies together (the Windscreen's intensive level)"),
    (
        "Specialist",
        "Needs that only specialist, often residential, provision meets (the Windscreen's specialist level)",
    ),
]
# (package type, weekly cost range, weeks a year, basis)
PACKAGES = [
    ("residential", (3800, 6500), 52, "week"),
    ("agency_fostering", (850, 1400), 52, "week"),
    ("short_breaks", (250, 650), 52, "week"),
    ("health_nursing", (1200, 3200), 52, "week"),
    ("education", (1100, 2200), 38, "week"),
    ("residential_school", (4200, 7000), 52, "week"),
]
STREAMS = {"council": "social_care", "ccg": "continuing_care", "school": "dsg_high_needs"}


def _name(rng: random.Random) -> str:
    first = rng.choice(SYLLABLES_FIRST) + rng.choice(["a", "o", "ix", "en", "ie"])
    last = rng.choice(SYLLABLES_FIRST) + rng.choice(SYLLABLES_LAST)
    return f"{first} {last} (synthetic)"


def _nhs(rng: random.Random) -> str:
    from jointly.panels.checks import nhs_check_digit

    while True:
        nine = "999" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)


def _user(
    email: str, first: str, last: str, org: Organisation, partnership: Partnership, stats: Counter[str]
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last)
        stats["User created"] += 1
    Membership.objects.get_or_create(
        user=user, organisation=org, partnership=partnership, role=Role.VIEWER,
        defaults={"job_title": "Demo panel member"},
    )  # fmt: skip
    return user


SPECS = [
    {
        "partnership": "essex", "slug": "jap", "name": "Essex Joint Assessment Panel (synthetic demo)",
        "council": "essex-cc", "ccg": "north-east-essex-ccg", "school_org": "essex-cc",
        "other": ["mid-essex-ccg", "southend-council"], "areas": ["E10000012", "E06000033", "E06000034"],
        "cases": 40, "seed": 20131208, "frequency": "Monthly",
        "board": None, "first_fy": 2012,
    },
    {
        "partnership": "derby", "slug": "high-cost-placements",
        "name": "Derby high-cost placement review (synthetic demo)", "council": "derby-city-council",
        "ccg": "southern-derbyshire-ccg", "school_org": "derby-city-council", "other": [],
        "areas": ["E06000015"], "cases": 25, "seed": 20130930, "frequency": "Monthly",
        "board": "derby-cic-commissioning-group", "first_fy": 2012,
    },
]  # fmt: skip


def load(stats: Counter[str]) -> None:
    """Create the demo panels (``jointly demo`` calls it through JOINTLY_DEMO_LOADERS)."""
    for spec in SPECS:
        partnership = Partnership.objects.filter(slug=spec["partnership"]).first()
        if partnership is None:
            continue
        with transaction.atomic():
            _load_one(partnership, spec, stats)


def _load_one(partnership: Partnership, spec: dict[str, Any], stats: Counter[str]) -> None:
    orgs = {
        o.slug: o
        for o in Organisation.objects.filter(slug__in=[spec["council"], spec["ccg"], *spec["other"]])
    }
    council, ccg = orgs[spec["council"]], orgs[spec["ccg"]]
    panel, made = Panel.objects.get_or_create(
        partnership=partnership, slug=spec["slug"],
        defaults={
            "name": spec["name"], "quorum": 3, "quorum_organisations": 2, "meeting_frequency": spec["frequency"],
            "synthetic": True, "board": Board.objects.filter(partnership=partnership, slug=spec["board"] or "").first(),
            "terms_of_reference": (
                "Decides, for the partners together, the care packages of children with complex and specialist "
                "needs that more than one partner funds; agrees each partner's share; reviews every package."
            ),
            "criteria": "Children and young people 0–17 (to 25 with an EHC plan) whose needs no single partner can meet.",
            "protocol": "Illustrative: shares follow the lead need (health, care or education); disputes go to the board.",
        },
    )  # fmt: skip
    if made:
        stats["Panel created"] += 1
    if panel.cases.exists():
        return
    slug = partnership.slug
    people = {
        "chair": _user(f"panel-chair.{slug}@jointly.test", "Panel chair", f"({partnership.name})", council, partnership, stats),
        "health": _user(f"panel-health.{slug}@jointly.test", "Panel health member", f"({partnership.name})", ccg, partnership, stats),
        "care": _user(f"panel-care.{slug}@jointly.test", "Panel social care member", f"({partnership.name})", council, partnership, stats),
    }  # fmt: skip
    members = {
        "chair": PanelMember.objects.create(panel=panel, user=people["chair"], organisation=council,
                                            role="Head of children's commissioning", is_chair=True),
        "health": PanelMember.objects.create(panel=panel, user=people["health"], organisation=ccg,
                                             role="Continuing care lead", can_confirm_funding=True),
        "care": PanelMember.objects.create(panel=panel, user=people["care"], organisation=council,
                                           role="Service manager, children with disabilities", can_confirm_funding=True),
    }  # fmt: skip
    stats["PanelMember created"] += 3
    bands = [
        NeedBand.objects.create(panel=panel, name=n, description=d, order=i) for i, (n, d) in enumerate(BANDS)
    ]
    areas = list(Area.objects.filter(gss_code__in=spec["areas"]))
    rng = random.Random(spec["seed"])
    today = partnership.reference_date or dt.date(2013, 12, 31)
    first_day = dt.date(spec["first_fy"], 4, 1)
    span = (today - first_day).days
    meetings: dict[dt.date, Any] = {}
    for i in range(spec["cases"]):
        referred = first_day + dt.timedelta(days=int(span * i / spec["cases"]) + rng.randint(0, 10))
        referred = min(referred, today)
        age = rng.randint(2, 16)
        born = referred.replace(year=referred.year - age) - dt.timedelta(days=rng.randint(1, 300))
        facts = {
            "need_band": rng.choice(bands), "primary_need": rng.choice(NEEDS), "area": rng.choice(areas) if areas else None,
            "referred_on": referred, "referring_organisation": rng.choice([council, ccg]), "age_band": "11-15",
            "reason": "Synthetic referral: needs that no single partner can meet alone.",
            "requested_support": "Synthetic: a jointly funded package.", "legal_status": rng.choice(["", "s20", "s31", "cin"]),
            "ehc_plan": rng.random() < 0.6,
        }  # fmt: skip
        case = actions.refer(
            panel, facts, {"name": _name(rng), "date_of_birth": born.isoformat(), "nhs_number": _nhs(rng)},
            by=people["care"], today=today,
        )  # fmt: skip
        Case.objects.filter(pk=case.pk).update(synthetic=True)
        case.synthetic = True
        stats["Case created"] += 1
        if i >= spec["cases"] - 4:  # the latest referrals are still waiting for a decision
            continue
        held = referred + dt.timedelta(days=rng.randint(14, 35))
        if held > today:
            continue
        meeting = meetings.get(held)
        if meeting is None:
            meeting = actions.record_meeting(
                panel, held_on=held, present=list(members.values()), by=people["chair"]
            )
            meetings[held] = meeting
        kind, (lo, hi), weeks, basis = rng.choice(PACKAGES)
        weekly = Decimal(rng.randint(lo, hi))
        starts = held + dt.timedelta(days=7)
        ends = starts + dt.timedelta(days=rng.choice([182, 364, 728]))
        review_on = starts + dt.timedelta(days=rng.choice([91, 182]))
        health_pct = Decimal(rng.choice([25, 33, 40, 50, 60]))
        terms = actions.Terms(
            package_type=kind, description=f"Synthetic {kind.replace('_', ' ')} package", starts_on=starts,
            ends_on=ends, amount=weekly, basis=basis, weeks_per_year=Decimal(weeks), next_review_on=review_on,
            personal_health_budget=kind == "health_nursing" and rng.random() < 0.5,
        )  # fmt: skip
        shares = [
            actions.ShareSpec(council, "dsg_high_needs" if kind in ("education", "residential_school") else "social_care",
                              percent=100 - health_pct),
            actions.ShareSpec(ccg, "continuing_care", percent=health_pct),
        ]  # fmt: skip
        if rng.random() < 0.25:
            actions.decide(
                case,
                meeting=meeting,
                outcome="declined",
                reasons="Synthetic: needs can be met by one partner.",
                by=people["chair"],
            )
            continue
        actions.decide(case, meeting=meeting, outcome="approved", reasons="Synthetic: meets the joint criteria.",
                       terms=terms, shares=shares, by=people["chair"])  # fmt: skip
        package = case.packages.get()
        version = package.versions.get()
        for share in version.shares.all():
            who = people["health"] if share.organisation_id == ccg.pk else people["care"]
            actions.confirm_share(share, by=who)
        # About a third reviewed: half of those change cost or split (a new version, confirmed again).
        if review_on <= today and rng.random() < 0.6:
            change = rng.random() < 0.5
            new_terms = None
            if change:
                new_terms = actions.Terms(**{**terms.__dict__, "amount": (weekly * Decimal(rng.choice(["1.05", "1.1", "0.9"]))).quantize(Decimal("1")),
                                             "effective_from": review_on, "next_review_on": review_on + dt.timedelta(days=182)})  # fmt: skip
                shares = [
                    actions.ShareSpec(council, shares[0].funding_stream, percent=Decimal(50)),
                    actions.ShareSpec(ccg, "continuing_care", percent=Decimal(50)),
                ]
            actions.review(
                package, reviewed_on=review_on, outcomes={"goals_met": rng.random() < 0.7, "placement_stable": rng.random() < 0.8,
                "moved_closer_to_home": rng.random() < 0.3}, notes="Synthetic review.", by=people["chair"],
                terms=new_terms, shares=shares if change else (), reason="Synthetic: split and cost changed at review",
            )  # fmt: skip
            if change:
                latest = package.versions.order_by("-number").first()
                for share in latest.shares.all():
                    who = people["health"] if share.organisation_id == ccg.pk else people["care"]
                    actions.confirm_share(share, by=who)
        if ends < today and rng.random() < 0.5:
            actions.end_case(case, ended_on=ends, close=True, by=people["chair"])
