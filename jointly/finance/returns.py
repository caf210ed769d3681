"""The Public Health quarterly return as a spreadsheet (XLSX) and a document (DOCX): spend against
the ring-fenced grant by line, then by contract and by the grant circular's categories."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from jointly.core.exports import safe_cell
from jointly.finance.calc import PENNY
from jointly.finance.queries import PublicHealthReturn, PublicHealthRow

COLUMNS = [
    "group", "name", "fund", "contract", "category", "budget_gbp", "actual_in_quarter_gbp", "actual_to_date_gbp",
    "forecast_outturn_gbp", "variance_gbp",
]  # fmt: skip


def _amounts(row: PublicHealthRow) -> list[Decimal]:
    """Pounds to the penny, as numbers (a spreadsheet adds them up; numbers are never neutralised)."""
    values = (row.budget, row.actual_in_quarter, row.actual_to_date, row.forecast_outturn, row.variance)
    return [v.quantize(PENNY) for v in values]


def _money(row: PublicHealthRow) -> list[str]:
    return [f"{v:,.2f}" for v in _amounts(row)]


def rows(ret: PublicHealthReturn) -> Iterable[list[Any]]:
    for r in ret.rows:
        yield [
            "line",
            f"{r.line.code} {r.line.name}",
            r.line.fund.name,
            r.contract_label,
            r.category,
            *_amounts(r),
        ]
    for name, r in ret.by_contract():
        yield ["contract", name, "", name, "", *_amounts(r)]
    for name, r in ret.by_category():
        yield ["category", name, "", "", name, *_amounts(r)]
    yield ["total", "Total", "", "", "", *_amounts(ret.total)]


def docx_bytes(ret: PublicHealthReturn, assurances: list[Any]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(f"Public Health ring-fenced grant: quarterly return {ret.label}", level=1)
    doc.add_paragraph(f"{ret.partnership.name}. Spend against the grant by line, by contract and by the grant "
                      "circular's categories. Figures in pounds; variance = forecast outturn − budget "
                      "(positive: overspend).")  # fmt: skip
    heads = ["", "Budget", "Actual in quarter", "Actual to date", "Forecast outturn", "Variance"]
    sections = [
        ("By line", [(f"{r.line.code} {r.line.name}", r) for r in ret.rows]),
        ("By contract", ret.by_contract()),
        ("By category", ret.by_category()),
    ]
    for title, items in sections:
        doc.add_heading(title, level=2)
        table = doc.add_table(rows=1, cols=len(heads))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, heads, strict=True):
            cell.text = text
        for name, r in [*items, ("Total", ret.total)]:
            cells = table.add_row().cells
            cells[0].text = str(safe_cell(name))
            for cell, value in zip(cells[1:], _money(r), strict=True):
                cell.text = value
    doc.add_heading("Yearly assurance statement", level=2)
    for a in assurances:
        doc.add_paragraph(f"{a.organisation.name}, {a.financial_year}: {a.statement} ({a.signed_by_post}"
                          f"{', ' + a.signed_on.strftime('%d %B %Y') if a.signed_on else ''})")  # fmt: skip
    if not assurances:
        doc.add_paragraph("Not yet recorded for this year.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
