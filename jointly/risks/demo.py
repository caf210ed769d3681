"""Demo risk registers (``demo_data.json``), loaded after the foundation's demo data.

Idempotent: matrices by partnership, risks by (partnership, reference), controls and actions by
(risk, description), providers' proposals by (partnership, title); written only when a value differs.
A scored risk gets one review on its partnership's reference date: the initial (inherent) rating.
Every reference is checked first. Runs after the finance demo, since a risk may name a fund.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from jointly.accounts.models import Membership, Role
from jointly.contracts.models import Contract
from jointly.core.seeding import SeedDataError, Stats, upsert
from jointly.finance.models import Fund
from jointly.partnerships.models import Board, Partnership
from jointly.risks import scoring
from jointly.risks.models import Risk, RiskAction, RiskControl, RiskMatrix, RiskProposal, RiskReview

DATA_FILE = Path(__file__).resolve().parent / "demo_data.json"


def read(path: Path = DATA_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def problems(
    data: dict[str, Any],
    partnerships: dict[str, Partnership],
    boards: set[tuple[str, str]],
    funds: set[tuple[str, str]] | None = None,
    contracts: dict[tuple[str, str], Contract] | None = None,
) -> list[str]:
    found: list[str] = []
    refs = set()
    for m in data.get("matrices", []):
        found += [
            f"matrix {m['partnership']}: {p}"
            for p in scoring.matrix_problems(m["bounds"], m["labels"]).values()
        ]
    for r in data["risks"]:
        where = f"risk {r['partnership']}/{r['reference']}"
        if r["partnership"] not in partnerships:
            found.append(f"{where}: unknown partnership")
        if (r["partnership"], r["reference"]) in refs:
            found.append(f"{where}: listed twice")
        refs.add((r["partnership"], r["reference"]))
        if r.get("board") and (r["partnership"], r["board"]) not in boards:
            found.append(f"{where}: unknown board {r['board']}")
        if r.get("fund") and (r["partnership"], r["fund"]) not in (funds or set()):
            found.append(f"{where}: unknown fund {r['fund']}")
        for prefix, i, lk in (
            ("", r.get("impact"), r.get("likelihood")),
            ("target_", r.get("target_impact"), r.get("target_likelihood")),
        ):
            found += [f"{where}: {p}" for p in scoring.pair_problems(i, lk, prefix=prefix).values()]
    for item in [*data.get("controls", []), *data.get("actions", [])]:
        if (item["partnership"], item["risk"]) not in refs:
            found.append(f"{item['description'][:30]}: unknown risk {item['risk']}")
    for p in data.get("proposals", []):
        where = f"proposal {p['partnership']}/{p['title'][:30]}"
        contract = (contracts or {}).get((p["partnership"], p["contract"]))
        if contract is None:
            found.append(f"{where}: unknown contract {p['contract']}")
        elif contract.provider is None or contract.provider.slug != p["provider"]:
            found.append(f"{where}: {p['contract']} is not provided by {p['provider']}")
        found += [
            f"{where}: {m}" for m in scoring.pair_problems(p.get("impact"), p.get("likelihood")).values()
        ]
        if p.get("impact") is None:
            found.append(f"{where}: a proposal is scored")
    return found


@transaction.atomic
def load(stats: Stats, path: Path = DATA_FILE) -> None:
    """Create or update the demo risks (``jointly demo`` calls it through JOINTLY_DEMO_LOADERS)."""
    data = read(path)
    slugs = {r["partnership"] for r in data["risks"]} | {m["partnership"] for m in data.get("matrices", [])}
    slugs |= {p["partnership"] for p in data.get("proposals", [])}
    partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=slugs)}
    boards = {
        (b.partnership.slug, b.slug): b
        for b in Board.objects.filter(partnership__slug__in=slugs).select_related("partnership")
    }
    funds = {
        (f.partnership.slug, f.slug): f
        for f in Fund.objects.filter(partnership__slug__in=slugs).select_related("partnership")
    }
    contracts = {
        (c.partnership.slug, c.reference): c
        for c in Contract.objects.filter(
            partnership__slug__in=slugs, reference__in=[p["contract"] for p in data.get("proposals", [])]
        ).select_related("partnership", "provider")
    }
    found = problems(data, partnerships, set(boards), set(funds), contracts)
    if found:
        raise SeedDataError(found)
    for m in data.get("matrices", []):
        low, moderate, high = m["bounds"]
        labels = dict(
            zip(("low_label", "moderate_label", "high_label", "extreme_label"), m["labels"], strict=True)
        )
        upsert(
            RiskMatrix, stats, {"partnership": partnerships[m["partnership"]]},
            {"low_max": low, "moderate_max": moderate, "high_max": high, **labels,
             "escalation_threshold": m.get("escalation_threshold", 15)},
        )  # fmt: skip
    risks: dict[tuple[str, str], Risk] = {}
    for r in data["risks"]:
        partnership = partnerships[r["partnership"]]
        risk = upsert(
            Risk, stats, {"partnership": partnership, "reference": r["reference"]},
            {"title": r["title"], "description": r["description"], "category": r.get("category", ""),
             "sub_category": r.get("sub_category", ""), "inherent_impact": r.get("impact"),
             "inherent_likelihood": r.get("likelihood"), "target_impact": r.get("target_impact"),
             "target_likelihood": r.get("target_likelihood"), "identified_on": partnership.reference_date,
             "board": boards.get((r["partnership"], r.get("board", ""))),
             "fund": funds.get((r["partnership"], r.get("fund", ""))), "illustrative": bool(r.get("illustrative")),
             "source": r["source"]},
        )  # fmt: skip
        risks[(r["partnership"], r["reference"])] = risk
        if r.get("impact") is not None:
            upsert(
                RiskReview, stats, {"risk": risk, "reviewed_on": partnership.reference_date or dt.date(2013, 4, 1)},
                {"impact": r["impact"], "likelihood": r["likelihood"], "note": "Initial rating",
                 "illustrative": bool(r.get("illustrative"))},
            )  # fmt: skip
    for c in data.get("controls", []):
        upsert(
            RiskControl,
            stats,
            {"risk": risks[(c["partnership"], c["risk"])], "description": c["description"]},
            {"assurance": c.get("assurance", ""), "illustrative": True},
        )
    for a in data.get("actions", []):
        upsert(
            RiskAction,
            stats,
            {"risk": risks[(a["partnership"], a["risk"])], "description": a["description"]},
            {"owner": a.get("owner", ""), "due_on": dt.date.fromisoformat(a["due_on"]), "illustrative": True},
        )
    for p in data.get("proposals", []):
        contract = contracts[(p["partnership"], p["contract"])]
        # The demo provider account of that organisation proposes it, when the demo has accounts.
        member = (
            Membership.objects.filter(
                role=Role.PROVIDER, organisation=contract.provider, partnership=contract.partnership,
                user__email__endswith="@jointly.test",
            ).select_related("user").order_by("user__email").first()
        )  # fmt: skip
        upsert(
            RiskProposal, stats, {"partnership": contract.partnership, "title": p["title"]},
            {"organisation": contract.provider, "contract": contract, "description": p["description"],
             "category": p.get("category", ""), "impact": p["impact"], "likelihood": p["likelihood"],
             "proposed_by": member.user if member else None, "illustrative": bool(p.get("illustrative")),
             "source": p["source"]},
        )  # fmt: skip
