"""`jointly demo national`: a synthetic panel for each synthetic partnership (JOINTLY_NATIONAL_GENERATORS).

``BASE_CASES`` cases at scale 1 (200), three in four with a package of one or two versions split
between the council and the ICB, every share confirmed; synthetic and labelled so. No identifying
details are made (the national data exists to time the aggregates: bench/panels.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jointly.panels.models import (
    Case,
    FunderShare,
    NeedBand,
    Package,
    PackageType,
    PackageVersion,
    Panel,
    new_reference,
)

BASE_CASES = 200
WEEKLY = {
    "residential": (3800, 6500), "agency_fostering": (850, 1400), "short_breaks": (250, 650),
    "health_nursing": (1200, 3200), "education": (1100, 2200), "residential_school": (4200, 7000),
}  # fmt: skip


def cases(ctx: Any) -> None:
    p = ctx.partnership
    if Panel.objects.filter(partnership=p).exists():
        return
    rng = ctx.rng
    panel = Panel.objects.create(
        partnership=p, slug="jap", name=f"Joint Assessment Panel {ctx.code} (synthetic)", synthetic=True
    )
    bands = [
        NeedBand.objects.create(panel=panel, name=name, order=i)
        for i, name in enumerate(("Additional", "Intensive", "Specialist"))
    ]
    council, icb = ctx.orgs["council"], ctx.orgs["icb"]
    areas = ctx.areas or [None]
    n = ctx.n(BASE_CASES)
    case_objs = []
    for _ in range(n):
        referred = dt.date(2022, 4, 1) + dt.timedelta(days=rng.randint(0, 900))
        case_objs.append(
            Case(
                panel=panel, reference=new_reference(), age_band=rng.choice(["5-10", "11-15", "16-17"]),
                need_band=rng.choice(bands), primary_need="Complex needs (synthetic)", area=rng.choice(areas),
                referred_on=referred, referring_organisation=council, reason="Synthetic", status="active",
                synthetic=True,
            )
        )  # fmt: skip
    ctx.bulk(Case, case_objs)
    saved = list(Case.objects.filter(panel=panel).order_by("pk"))
    packages = ctx.bulk(Package, [Package(case=c) for c in saved if rng.random() < 0.75])
    packages = list(Package.objects.filter(case__panel=panel).select_related("case").order_by("pk"))
    versions = []
    kinds = [k for k in PackageType.values if k in WEEKLY]
    for pkg in packages:
        kind = rng.choice(kinds)
        lo, hi = WEEKLY[kind]
        weekly = Decimal(rng.randint(lo, hi))
        start = pkg.case.referred_on + dt.timedelta(days=28)
        end = start + dt.timedelta(days=rng.choice([364, 728, 1092]))
        count = 2 if rng.random() < 0.3 else 1
        for number in range(1, count + 1):
            effective = start if number == 1 else start + dt.timedelta(days=182)
            amount = weekly if number == 1 else (weekly * Decimal("1.05")).quantize(Decimal("1"))
            versions.append(
                PackageVersion(
                    package=pkg, number=number, package_type=kind, description="Synthetic package", starts_on=start,
                    ends_on=end, effective_from=effective, amount=amount, basis="week", weeks_per_year=Decimal(52),
                    annual_cost=amount * 52, next_review_on=effective + dt.timedelta(days=182), reason="Synthetic",
                )
            )  # fmt: skip
    ctx.bulk(PackageVersion, versions)
    now = timezone.now()
    shares = []
    for v in PackageVersion.objects.filter(package__case__panel=panel).only("pk", "annual_cost"):
        health = (v.annual_cost * Decimal(rng.choice([25, 40, 50])) / 100).quantize(Decimal("0.01"))
        shares.append(FunderShare(version=v, organisation=icb, funding_stream="continuing_care", percent=None,
                                  amount=health, annual_amount=health, confirmed_at=now))  # fmt: skip
        shares.append(FunderShare(version=v, organisation=council, funding_stream="social_care", percent=None,
                                  amount=v.annual_cost - health, annual_amount=v.annual_cost - health, confirmed_at=now))  # fmt: skip
    ctx.bulk(FunderShare, shares)
