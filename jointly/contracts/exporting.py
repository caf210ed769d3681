"""CSV/XLSX rows and OCDS packages for a partnership's contracts and procurement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from jointly.contracts import ocds, planning, queries
from jointly.partnerships.models import Partnership

HEADERS = [
    "reference", "title", "provider", "lead_commissioner", "coordinating_commissioner", "type",
    "status", "start_date", "original_end_date", "current_end_date", "notice_months", "notice_by",
    "extensions", "latest_possible_end", "original_value", "current_value", "efficiency_percent",
    "efficiency_from", "bundle", "themes", "illustrative",
]  # fmt: skip
PIPELINE_HEADERS = [
    "reference", "title", "lead_commissioner", "route", "status", "estimated_value", "market_date",
    "quarter", "go_live", "themes", "next_stage", "next_stage_due",
]  # fmt: skip


def register_rows(rows: list[planning.ContractRow]) -> Iterator[list[Any]]:
    for r in rows:
        c = r.contract
        yield [
            c.reference, c.title, c.provider.name if c.provider else "",
            c.lead_commissioner.name if c.lead_commissioner else "",
            c.coordinating_commissioner.name if c.coordinating_commissioner else "",
            c.get_contract_type_display(), r.status_label, c.start_date, c.end_date,
            r.end_date, c.notice_months, r.notice_by, c.extension_label, r.latest_end,
            float(c.value) if c.value is not None else "",
            float(r.terms.value) if r.terms.value is not None else "",
            float(c.efficiency_percent) if c.efficiency_percent is not None else "",
            c.efficiency_from, c.bundle, "; ".join(sorted(r.themes)), c.illustrative,
        ]  # fmt: skip


def pipeline_rows(rows: list[planning.PipelineRow]) -> Iterator[list[Any]]:
    for r in rows:
        p = r.project
        yield [
            p.reference, p.title, p.lead_commissioner.name if p.lead_commissioner else "",
            p.get_route_display(), p.get_status_display(),
            float(p.estimated_value) if p.estimated_value is not None else "",
            r.market_date, r.quarter, r.go_live, "; ".join(sorted(r.themes)),
            r.next_stage.get_stage_display() if r.next_stage else "",
            r.next_stage.planned_date if r.next_stage else "",
        ]  # fmt: skip


def ocds_package(
    partnership: Partnership, *, kind: str = "release", base_uri: str = "https://jointly.invalid/"
) -> dict[str, Any]:
    """The partnership's contracts and procurement projects as an OCDS 1.1 release or record package."""
    published = timezone.now().replace(microsecond=0)
    base = base_uri.rstrip("/")
    releases = [
        ocds.contract_release(c, partnership.slug, published) for c in queries.for_export(partnership)
    ]
    releases += [
        ocds.procurement_release(p, partnership.slug, published) for p in queries.procurements(partnership)
    ]
    package = ocds.release_package(
        releases, uri=f"{base}/p/{partnership.slug}/contracts/ocds/?kind=release", published=published
    )
    if kind == "record":
        return ocds.record_package(package, uri=f"{base}/p/{partnership.slug}/contracts/ocds/?kind=record")
    return package
