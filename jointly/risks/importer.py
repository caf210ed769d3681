"""Import a risk register from CSV or XLSX (the download's own layout): whole file or nothing.

Read with the import kernel (:mod:`jointly.core.imports`), check every row (problems by row and
column, in the words of :mod:`jointly.risks.rules`), then write in one transaction. A row whose
reference matches a risk updates it; the others are added. Computed columns (``rating``, ``band``,
``current_rating``, ``target_rating``) are ignored. ``impact``/``likelihood`` are the inherent score.
An optional ``fund`` column (not in the export) names the fund a risk threatens by its slug; a blank
cell clears the link, a file without the column leaves links as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, Any

from jointly.core import imports
from jointly.core.imports import FILE, ImportRefused, Limits, Problem, shown
from jointly.core.models import save_versioned
from jointly.finance.models import Fund
from jointly.partnerships.models import Partnership
from jointly.risks import actions, rules
from jointly.risks.models import Risk, RiskReview, RiskStatus

REQUIRED = ["reference", "title"]
OPTIONAL = [
    "description", "category", "sub_category", "impact", "likelihood", "current_impact",
    "current_likelihood", "target_impact", "target_likelihood", "owner", "status", "review_due", "fund",
]  # fmt: skip
SCORE_COLUMNS = {
    "impact": "inherent_impact", "likelihood": "inherent_likelihood",
    "current_impact": "current_impact", "current_likelihood": "current_likelihood",
    "target_impact": "target_impact", "target_likelihood": "target_likelihood",
}  # fmt: skip
TEXT_LIMITS = {"reference": 30, "title": 300, "category": 100, "sub_category": 100, "owner": 200}
STATUSES = {s.value: s.value for s in RiskStatus} | {
    s.label.split(" (")[0].lower(): s.value for s in RiskStatus
}
MAX_ROWS = 5000
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=MAX_ROWS)


class ImportProblems(ImportRefused):
    def __init__(self, problems: list[Problem] | list[str] | list[Problem | str]):
        super().__init__([p if isinstance(p, Problem) else Problem(None, "", p, FILE) for p in problems])


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read_table(
    name: str, content: bytes | IO[bytes], *, limits: Limits = LIMITS
) -> tuple[list[dict[str, Any]], list[Problem]]:
    try:
        table = imports.read_table(content, name, limits=limits)
        rows = [
            {k: imports.as_text(v) for k, v in row.cells.items() if k} | {"_row": row.number}
            for row in imports.read_all(table)
        ]
    except ImportRefused as exc:
        raise ImportProblems(exc.problems) from exc
    return rows, list(table.warnings)


def _score(value: str) -> int | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{shown(value)} is not a whole number from 1 to 5") from None
    if number != int(number) or not 1 <= number <= 5:
        raise ValueError(f"{shown(value)} is not a whole number from 1 to 5")
    return int(number)


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{shown(value)} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _check_row(
    row: dict[str, Any], index: int, seen: dict[str, int], problems: list[Problem], funds: dict[str, Any]
) -> dict[str, Any]:
    def problem(column: str, text: str, kind: str = imports.INVALID) -> None:
        problems.append(Problem(index, column, text, kind))

    out: dict[str, Any] = {"row": index}
    for name, limit in TEXT_LIMITS.items():
        value = row.get(name, "")
        if len(value) > limit:
            problem(name, f"is longer than {limit} characters", imports.TOO_LONG)
        out[name] = value[:limit]
    out["description"] = row.get("description", "")
    ref = out["reference"]
    if not ref:
        problem("reference", rules.REFERENCE_MISSING)
    elif ref.lower() in seen:
        problem("reference", f"{shown(ref)} is already used on row {seen[ref.lower()]}", imports.DUPLICATE)
    else:
        seen[ref.lower()] = index
    if not out["title"]:
        problem("title", "is empty")
    for column, attr in SCORE_COLUMNS.items():
        try:
            out[attr] = _score(row.get(column, ""))
        except ValueError as exc:
            problem(column, str(exc))
            out[attr] = None
    if not any(p.row == index and p.column in SCORE_COLUMNS for p in problems):
        back = {v: k for k, v in SCORE_COLUMNS.items()}
        for attr, message in rules.scores(out).items():
            problem(back.get(attr, attr), message)
    status = row.get("status", "").lower()
    if status and status not in STATUSES:
        problem("status", f"{shown(row['status'])} is not one of open, accepted, closed")
    out["status"] = STATUSES.get(status, RiskStatus.OPEN)
    try:
        out["review_due"] = _date(row.get("review_due", ""))
    except ValueError as exc:
        problem("review_due", str(exc))
    if "fund" in row:
        slug = row["fund"].strip().lower()
        if slug and slug not in funds:
            problem(
                "fund", f"{shown(row['fund'])} is not one of this partnership's funds (give the fund's slug)"
            )
        out["fund"] = funds.get(slug)
    return out


def check(rows: list[dict[str, Any]], funds: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every row checked; the cleaned rows, or ImportProblems listing every problem. ``funds``: the
    partnership's funds by slug (for the ``fund`` column)."""
    if not rows:
        raise ImportProblems(["The file has no data rows."])
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise ImportProblems([Problem(1, "", f"Missing column(s): {', '.join(missing)}.", imports.COLUMN)])
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    cleaned = [
        _check_row(row, int(row.get("_row", n)), seen, problems, funds or {})
        for n, row in enumerate(rows, start=2)
    ]
    if problems:
        raise ImportProblems(problems)
    return cleaned


FIELDS = (
    "reference", "title", "description", "category", "sub_category", "owner", "status", "review_due",
    "fund", *SCORE_COLUMNS.values(),
)  # fmt: skip


def import_risks(
    partnership: Partnership, rows: list[dict[str, Any]], *, by: Any, on: dt.date
) -> ImportResult:
    """Check everything, then create/update every row in one transaction (or raise ImportProblems)."""
    cleaned = check(rows, {f.slug.lower(): f for f in Fund.objects.filter(partnership=partnership)})
    result = ImportResult()
    existing = {r.reference.lower(): r for r in Risk.objects.filter(partnership=partnership)}

    def write() -> None:
        for row in cleaned:
            risk = existing.get(row["reference"].lower()) or Risk(partnership=partnership)
            is_new = risk.pk is None
            before = (risk.current_impact, risk.current_likelihood)
            for name in FIELDS:
                if name in row:
                    setattr(risk, name, row[name])
            save_versioned(risk, expected_version=None if is_new else risk.version, by=by)
            if is_new:
                actions.record_first_review(risk, on=on, by=by)
            elif risk.current_impact is not None and (risk.current_impact, risk.current_likelihood) != before:
                # a re-score by file keeps its review, like one on the page
                RiskReview.objects.create(
                    risk=risk,
                    reviewed_on=on,
                    impact=risk.current_impact,
                    likelihood=risk.current_likelihood,
                    note="Imported",
                    by=by if getattr(by, "pk", None) else None,
                )
            (result.created if is_new else result.updated).append(risk.reference)

    imports.write_whole(write)
    return result
