"""Demo needs data: the indicators the seed papers name, with ILLUSTRATIVE values (idempotent).

``data/needs_demo.json`` holds the catalogue (names, definitions, value types, polarity, the
themes and outcomes each serves), extra areas (neighbours and regions), comparator groups and
needs assessments. Counts and denominators are generated here with a fixed seed from each
indicator's England level and the areas' relative effects, then loaded through the template
import, so values and limits are computed by :mod:`jointly.stats` exactly as for a real file.
A second load changes nothing (the generated file's checksum is already in the import log).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jointly.core.seeding import SeedDataError as DemoDataError
from jointly.core.seeding import Stats, set_m2m, upsert
from jointly.intentions.models import Intention, Theme
from jointly.needs import importer
from jointly.needs.models import (
    ComparatorGroup,
    ImportLayout,
    ImportLog,
    ImportStatus,
    Indicator,
    NeedsAssessment,
    ValueType,
)
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import Area, Partnership

DATA_FILE = Path(__file__).resolve().parent / "data" / "needs_demo.json"
SEED = 20131001
DEMO_FILE_NAME = "demo: needs_demo.json (illustrative values)"


def read() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def generate_values(data: dict[str, Any]) -> pd.DataFrame:
    """The demo values in the template layout (deterministic: fixed seed, fixed order)."""
    rng = np.random.default_rng(SEED)
    population = {k: float(v) for k, v in data["population"].items() if not k.startswith("_")}
    codes = sorted(population)
    rows: list[dict[str, Any]] = []
    for ind in data["indicators"]:
        periods = data["periods"][ind.get("periods", "financial")]
        jitter = dict(zip(codes, rng.normal(1.0, 0.025, len(codes)), strict=True))
        for code in codes:
            effect = float(ind.get("effects", {}).get(code, 1.0)) * (
                1.0 if code == "E92000001" else jitter[code]
            )
            denominator_base = ind["denominator"] * population[code] / 100
            for t, period in enumerate(periods):
                level = ind["england"] * effect * (1 + ind.get("yearly_change", 0.0)) ** t
                den = int(round(denominator_base * rng.normal(1.0, 0.01)))
                if ind["value_type"] == ValueType.PROPORTION:
                    count = int(rng.binomial(den, min(level, 0.99)))
                else:
                    count = int(rng.poisson(den * level))
                rows.append(
                    {
                        "indicator": ind["code"],
                        "area_code": code,
                        "period": period,
                        "sex": ind.get("sex", "Persons"),
                        "age": ind.get("age", "All ages"),
                        "count": count,
                        "denominator": den,
                    }
                )
    return pd.DataFrame(rows)


def _check(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    known_areas = set(Area.objects.values_list("gss_code", flat=True)) | {
        a["gss_code"] for a in data["areas"]
    }
    for code in data["population"]:
        if not code.startswith("_") and code not in known_areas:
            problems.append(f"needs demo: unknown area {code} (load the foundation demo first)")
    themes = set(Theme.objects.values_list("partnership__slug", "name"))
    outcomes = set(Outcome.objects.values_list("framework__slug", "code"))
    for ind in data["indicators"]:
        problems += [
            f"needs demo: {ind['code']}: unknown theme {t}" for t in ind["themes"] if tuple(t) not in themes
        ]
        problems += [
            f"needs demo: {ind['code']}: unknown outcome {o}"
            for o in ind["outcomes"]
            if tuple(o) not in outcomes
        ]
    return problems


def load(stats: Stats | None = None) -> Stats:
    """Load (or bring up to date) the demo needs data. Safe to run again."""
    stats = stats if stats is not None else Stats()
    data = read()
    problems = _check(data)
    if problems:
        raise DemoDataError(problems)
    for a in data["areas"]:
        upsert(Area, stats, {"gss_code": a["gss_code"]}, {"name": a["name"], "area_type": a["area_type"]})
    parents = dict(Area.objects.values_list("gss_code", "pk"))
    for a in data["areas"]:
        upsert(Area, stats, {"gss_code": a["gss_code"]}, {"parent_id": parents.get(a["parent"])})

    themes = {(t.partnership.slug, t.name): t for t in Theme.objects.select_related("partnership")}
    outcomes = {(o.framework.slug, o.code): o for o in Outcome.objects.select_related("framework")}
    indicators: dict[str, Indicator] = {}
    for ind in data["indicators"]:
        fields = {
            "name": ind["name"], "definition": ind.get("definition", ""), "value_type": ind["value_type"],
            "multiplier": float(ind["multiplier"]), "unit": ind.get("unit", ""), "polarity": ind["polarity"],
            "source": ind.get("source", ""), "fingertips_id": ind.get("fingertips_id"),
            "needed_level": ind.get("needed_level", ""), "illustrative": True,
            "notes": "Demo values are illustrative: generated with a fixed seed, not published figures.",
        }  # fmt: skip
        indicator = upsert(Indicator, stats, {"code": ind["code"]}, fields)
        set_m2m(indicator.themes, [themes[tuple(t)] for t in ind["themes"]])
        set_m2m(indicator.outcomes, [outcomes[tuple(o)] for o in ind["outcomes"]])
        indicators[ind["code"]] = indicator

    partnerships = {p.slug: p for p in Partnership.objects.all()}
    areas = dict(Area.objects.values_list("gss_code", "pk"))
    for g in data["comparator_groups"]:
        if g["partnership"] not in partnerships:
            continue
        group = upsert(
            ComparatorGroup, stats, {"partnership": partnerships[g["partnership"]], "name": g["name"]},
            {"kind": g["kind"], "area_id": areas.get(g["area"]), "description": g.get("description", "")},
        )  # fmt: skip
        set_m2m(group.members, list(Area.objects.filter(gss_code__in=g["members"])))

    _load_values(data, stats)

    for a in data["assessments"]:
        p = partnerships.get(a["partnership"])
        if p is None:
            continue
        assessment = upsert(
            NeedsAssessment, stats, {"partnership": p, "topic": a["topic"]},
            {"area_id": areas.get(a.get("area")), "date": dt.date.fromisoformat(a["date"]),
             "key_findings": a.get("key_findings", ""), "recommendations": a.get("recommendations", ""),
             "illustrative": True},
        )  # fmt: skip
        set_m2m(assessment.indicators, [indicators[c] for c in a["indicators"]])
        set_m2m(assessment.outcomes, [outcomes[tuple(o)] for o in a["outcomes"] if tuple(o) in outcomes])
        set_m2m(
            assessment.intentions,
            list(Intention.objects.filter(partnership=p, reference__in=a["intentions"])),
        )
    return stats


def _load_values(data: dict[str, Any], stats: Stats) -> None:
    frame = generate_values(data)
    text = frame.to_csv(index=False)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if ImportLog.objects.filter(
        file_name=DEMO_FILE_NAME, checksum=checksum, status=ImportStatus.DONE
    ).exists():
        return
    log = importer.import_file(
        io.BytesIO(text.encode("utf-8")), ImportLayout.TEMPLATE, file_name=DEMO_FILE_NAME
    )
    if log.status != ImportStatus.DONE:
        raise DemoDataError(importer.problems_for_display(log.problems))
    stats["IndicatorValue loaded"] += log.rows
