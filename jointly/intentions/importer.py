"""Import commissioning intentions from a CSV or XLSX (the register's own export layout).

Three steps, as people expect from a spreadsheet import: read the file (encoding, required
columns), check every row (each problem reported as ``row N, column 'x': ...``), then write
everything in one transaction — or nothing at all. Rows are matched to existing intentions by
``reference``: a match is updated (a new version, with audit history), otherwise it is created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from jointly.core import imports
from jointly.core.imports import FILE, ImportRefused, Limits, Problem, shown
from jointly.core.models import save_versioned
from jointly.intentions.models import Intention, Theme
from jointly.outcomes.models import Outcome
from jointly.partnerships.models import CommissioningStage, Organisation, Partnership

REQUIRED = ["reference", "title"]
KNOWN = [
    "reference", "title", "integrated", "lead_commissioner", "partner_commissioners",
    "coordinating_commissioner", "themes", "outcomes", "stage", "sro", "lead_officer",
    "start_date", "end_date", "aim", "expected_outcome", "rag",
]  # fmt: skip
STAGES = {c.value: c.value for c in CommissioningStage} | {
    c.label.lower(): c.value for c in CommissioningStage
}
MAX_ROWS = 5000
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=MAX_ROWS)


class ImportProblems(ImportRefused):
    """The file was refused; ``problems`` lists every :class:`~jointly.core.imports.Problem` found."""

    def __init__(self, problems: list[Problem] | list[str] | list[Problem | str]):
        super().__init__([p if isinstance(p, Problem) else Problem(None, "", p, FILE) for p in problems])


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read_table(
    name: str, content: bytes | IO[bytes], *, limits: Limits = LIMITS
) -> tuple[list[dict[str, str]], list[Problem]]:
    """``(rows, warnings)`` from .csv (UTF-8) or .xlsx: rows as dicts of stripped text, each with
    ``_row`` (its spreadsheet row number); warnings for formula-looking cells (loaded as text)."""
    try:
        table = imports.read_table(content, name, limits=limits)
        rows = [
            {k: imports.as_text(v) for k, v in row.cells.items() if k} | {"_row": row.number}
            for row in imports.read_all(table)
        ]
    except ImportRefused as exc:
        raise ImportProblems(exc.problems) from exc
    return rows, table.warnings  # type: ignore[return-value]


def read_rows(name: str, content: bytes) -> list[dict[str, str]]:
    """Rows as dicts of stripped strings, from .csv (UTF-8) or .xlsx (see :func:`read_table`)."""
    return read_table(name, content)[0]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _date(value: str) -> dt.date | None:
    return imports.parse_date(value)


def check(partnership: Partnership, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Validate every row; return cleaned rows or raise ImportProblems listing all problems."""
    problems: list[Problem] = []
    if not rows:
        raise ImportProblems(["The file has no data rows."])
    if len(rows) > MAX_ROWS:
        raise ImportProblems([f"The file has {len(rows)} rows; the most one import takes is {MAX_ROWS}."])
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise ImportProblems([Problem(1, "", f"Missing column(s): {', '.join(missing)}.", imports.COLUMN)])
    orgs = list(Organisation.objects.filter(partnership_memberships__partnership=partnership))
    by_name = {o.name.lower(): o for o in orgs} | {o.slug: o for o in orgs}
    themes = {t.name.lower(): t for t in Theme.objects.filter(partnership=partnership)}
    outcomes = {o.code: o for o in Outcome.objects.filter(framework__partnership=partnership)}
    seen: dict[str, int] = {}
    cleaned: list[dict[str, Any]] = []
    for position, row in enumerate(rows, start=2):
        index = int(row.get("_row", position))  # the spreadsheet row: blank rows keep their numbers

        def problem(column: str, text: str, index: int = index, kind: str = imports.INVALID) -> None:
            problems.append(Problem(index, column, text, kind))

        out: dict[str, Any] = {"row": index}
        ref = row.get("reference", "")
        if not ref:
            problem("reference", "is empty")
        elif "/" in ref or len(ref) > 30:
            problem("reference", f"{shown(ref)} must be at most 30 characters without '/'")
        elif ref in seen:
            problem("reference", f"{shown(ref)} is already used on row {seen[ref]}", kind=imports.DUPLICATE)
        else:
            seen[ref] = index
        out["reference"] = ref
        if not row.get("title"):
            problem("title", "is empty")
        out["title"] = row.get("title", "")[:300]
        for name in ("lead_commissioner", "coordinating_commissioner"):
            value = row.get(name, "")
            org = by_name.get(value.lower()) or by_name.get(value) if value else None
            if value and org is None:
                problem(name, f"{shown(value)} is not an organisation in this partnership")
            out[name] = org
        for name in ("partner_commissioners",):
            found = []
            for value in _split(row.get(name, "")):
                org = by_name.get(value.lower()) or by_name.get(value)
                if org is None:
                    problem(name, f"{shown(value)} is not an organisation in this partnership")
                else:
                    found.append(org)
            out[name] = found
        found_themes = []
        for value in _split(row.get("themes", "")):
            if value.lower() not in themes:
                problem("themes", f"{shown(value)} is not one of this partnership's themes")
            else:
                found_themes.append(themes[value.lower()])
        out["themes"] = found_themes
        found_outcomes = []
        for value in _split(row.get("outcomes", "")):
            if value not in outcomes:
                problem("outcomes", f"{shown(value)} is not an outcome code in this partnership")
            else:
                found_outcomes.append(outcomes[value])
        out["outcomes"] = found_outcomes
        stage = row.get("stage", "").lower()
        if stage and stage not in STAGES:
            problem("stage", f"{shown(row['stage'])} is not one of analyse, plan, do, review")
        out["stage"] = STAGES.get(stage, "plan")
        integrated = row.get("integrated", "").lower()
        if integrated and integrated not in {"yes", "no", "true", "false", "1", "0"}:
            problem("integrated", f"{shown(row['integrated'])} is not yes or no")
        out["integrated"] = integrated in {"", "yes", "true", "1"}
        for name in ("start_date", "end_date"):
            try:
                out[name] = _date(row.get(name, ""))
            except ValueError as exc:
                problem(name, str(exc))
                out[name] = None
        if out.get("start_date") and out.get("end_date") and out["end_date"] < out["start_date"]:
            problem("end_date", "is before the start date")
        if out.get("lead_commissioner") and out["lead_commissioner"] in out["partner_commissioners"]:
            problem("partner_commissioners", "lists the lead commissioner")
        for name in ("sro", "lead_officer"):
            out[name] = row.get(name, "")[:200]
        for name in ("aim", "expected_outcome"):
            out[name] = row.get(name, "")
        cleaned.append(out)
    if problems:
        raise ImportProblems(problems)
    return cleaned


class _DryRun(Exception):
    """Rolls a check-only import back once its result is known."""


def import_intentions(
    partnership: Partnership, rows: list[dict[str, str]], *, by: Any, dry_run: bool = False
) -> ImportResult:
    """Check everything, then create/update all rows in one transaction (or raise ImportProblems).

    ``dry_run`` writes everything and rolls it back: the result says what importing would do."""
    if dry_run:
        outcome: list[ImportResult] = []
        try:
            with transaction.atomic():
                outcome.append(import_intentions(partnership, rows, by=by))
                raise _DryRun
        except _DryRun:
            return outcome[0]
    cleaned = check(partnership, rows)
    result = ImportResult()
    existing = {i.reference: i for i in Intention.objects.filter(partnership=partnership)}

    def write() -> None:
        for row in cleaned:
            intention = existing.get(row["reference"]) or Intention(partnership=partnership)
            is_new = intention.pk is None
            for name in ("reference", "title", "lead_commissioner", "coordinating_commissioner", "stage",
                         "integrated", "start_date", "end_date", "sro", "lead_officer", "aim", "expected_outcome"):  # fmt: skip
                setattr(intention, name, row[name])
            save_versioned(intention, expected_version=None if is_new else intention.version, by=by)
            intention.partner_commissioners.set(row["partner_commissioners"])
            intention.themes.set(row["themes"])
            intention.outcomes.set(row["outcomes"])
            (result.created if is_new else result.updated).append(intention.reference)

    imports.write_whole(write)
    return result
