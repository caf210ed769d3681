"""Demo risk registers (``demo_data.json``), loaded after the foundation's demo data.

Idempotent: matrices by partnership, risks by (partnership, reference), controls and actions by
(risk, description); written only when a value differs. A scored risk gets one review on its
partnership's reference date: the initial (inherent) rating. Every reference is checked first.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from jointly.core.seeding import SeedDataError, Stats, upsert
from jointly.partnerships.models import Board, Partnership
from jointly.risks import scoring
from jointly.risks.models import Risk, RiskAction, RiskControl, RiskMatrix, RiskReview

DATA_FILE = Path(__file__).resolve().parent / "demo_data.json"


def read(path: Path = DATA_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def problems(
    data: dict[str, Any], partnerships: dict[str, Partnership], boards: set[tuple[str, str]]
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
        for prefix, i, lk in (
            ("", r.get("impact"), r.get("likelihood")),
            ("target_", r.get("target_impact"), r.get("target_likelihood")),
        ):
            found += [f"{where}: {p}" for p in scoring.pair_problems(i, lk, prefix=prefix).values()]
    for item in [*data.get("controls", []), *data.get("actions", [])]:
        if (item["partnership"], item["risk"]) not in refs:
            found.append(f"{item['description'][:30]}: unknown risk {item['risk']}")
    return found


@transaction.atomic
def load(stats: Stats, path: Path = DATA_FILE) -> None:
    """Create or update the demo risks (``jointly demo`` calls it through JOINTLY_DEMO_LOADERS)."""
    data = read(path)
    slugs = {r["partnership"] for r in data["risks"]} | {m["partnership"] for m in data.get("matrices", [])}
    partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=slugs)}
    boards = {
        (b.partnership.slug, b.slug): b
        for b in Board.objects.filter(partnership__slug__in=slugs).select_related("partnership")
    }
    found = problems(data, partnerships, set(boards))
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
             "board": boards.get((r["partnership"], r.get("board", ""))), "illustrative": bool(r.get("illustrative")),
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
