"""Retention and keys: minimising closed cases, re-encrypting under the newest key.

A closed case past its panel's retention period (years after ``closed_on``) loses everything that
could identify the child: the identifying details, the assessment documents, the free text (reason,
requested support, decision reasons and dissent, review notes, why a version changed) in the records
and in their audit history, and the reveal log's reasons. What stays, for audit of public money: the
random reference, the non-identifying facts, the decisions' outcomes and dates, the package versions'
terms and costs and every funder share with who confirmed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from jointly.panels import crypto
from jointly.panels.models import (
    Case,
    CaseDocument,
    CaseIdentity,
    CaseStatus,
    Decision,
    PackageVersion,
    RevealLog,
    Review,
)

REMOVED = "[removed under the retention rule]"


@dataclass
class Report:
    cases: list[str] = field(default_factory=list)
    identities: int = 0
    documents: int = 0
    history_rows: int = 0
    texts: int = 0

    def lines(self) -> list[str]:
        return [
            f"identifying details destroyed: {self.identities}",
            f"assessment documents destroyed: {self.documents}",
            f"free-text fields cleared: {self.texts}",
            f"audit history rows cleared of text: {self.history_rows}",
            "kept: references, non-identifying facts, decisions' outcomes, package costs and funder shares",
            *[f"case {ref}" for ref in self.cases],
        ]


def _due(case: Case, as_at: dt.date) -> bool:
    if case.closed_on is None:
        return False
    years = case.panel.retention_years
    try:
        limit = case.closed_on.replace(year=case.closed_on.year + years)
    except ValueError:  # 29 February
        limit = case.closed_on.replace(year=case.closed_on.year + years, day=28)
    return limit <= as_at


def minimise(as_at: dt.date, *, partnership: Any = None, dry_run: bool = False) -> Report:
    """Minimise every closed case past its retention period as at ``as_at``."""
    qs = Case.objects.filter(status=CaseStatus.CLOSED, minimised_on__isnull=True).select_related("panel")
    if partnership is not None:
        qs = qs.filter(panel__partnership=partnership)
    report = Report()
    for case in qs:
        if not _due(case, as_at):
            continue
        report.cases.append(case.reference)
        if dry_run:
            report.identities += CaseIdentity.objects.filter(case=case).count()
            report.documents += CaseDocument.objects.filter(case=case).count()
            continue
        with transaction.atomic():
            _minimise_one(case, as_at, report)
    return report


def _minimise_one(case: Case, as_at: dt.date, report: Report) -> None:
    report.identities += CaseIdentity.objects.filter(case=case).delete()[0]
    report.documents += CaseDocument.objects.filter(case=case).delete()[0]
    report.texts += RevealLog.objects.filter(case=case).exclude(reason="").update(reason=REMOVED)
    report.texts += Decision.objects.filter(case=case).update(reasons=REMOVED, dissent="")
    report.texts += Review.objects.filter(package__case=case).update(notes="")
    report.texts += PackageVersion.objects.filter(package__case=case).update(reason=REMOVED)
    report.history_rows += Case.history.filter(id=case.pk).update(reason=REMOVED, requested_support="")
    report.history_rows += Decision.history.filter(case_id=case.pk).update(reasons=REMOVED, dissent="")
    report.history_rows += Review.history.filter(package__case_id=case.pk).update(notes="")
    Case.objects.filter(pk=case.pk).update(reason=REMOVED, requested_support="", minimised_on=as_at)


def rotate_keys() -> dict[str, int]:
    """Re-encrypt every identity and document under the first configured key."""
    counts = {"identities": 0, "documents": 0}
    from django.db import connection

    table = CaseIdentity._meta.db_table
    columns = ["name", "date_of_birth", "nhs_number", "address", "social_care_id", "education_id"]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT id, {', '.join(columns)} FROM {table}")
        for row in cur.fetchall():
            values = [crypto.rotate_text(v) if v else v for v in row[1:]]
            sets = ", ".join(f"{c} = %s" for c in columns)
            cur.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*values, row[0]])
            counts["identities"] += 1
        for doc in CaseDocument.objects.only("id", "content"):
            doc_table = CaseDocument._meta.db_table
            cur.execute(f"SELECT file_name FROM {doc_table} WHERE id = %s", [doc.pk])
            (file_token,) = cur.fetchone()
            CaseDocument.objects.filter(pk=doc.pk).update(content=crypto.rotate_bytes(doc.content))
            if file_token:
                cur.execute(
                    f"UPDATE {doc_table} SET file_name = %s WHERE id = %s",
                    [crypto.rotate_text(file_token), doc.pk],
                )
            counts["documents"] += 1
    return counts
