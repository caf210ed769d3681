"""The risk register as rows: the page download, ``jointly export risks`` and the importer's layout."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from jointly.risks import scoring
from jointly.risks.models import Risk

HEADERS = [
    "reference", "title", "category", "sub_category", "impact", "likelihood", "rating", "band",
    "current_impact", "current_likelihood", "current_rating", "target_rating", "owner", "status",
    "review_due",
]  # fmt: skip


def _blank(value: Any) -> Any:
    return "" if value is None else value


def rows(risks: Iterable[Risk], matrix: scoring.Matrix) -> Iterator[list[Any]]:
    """One row per risk; ``impact``/``likelihood``/``rating``/``band`` are the inherent score
    (the band of the inherent rating, in the partnership's own names)."""
    for r in risks:
        yield [
            r.reference, r.title, r.category, r.sub_category, _blank(r.inherent_impact),
            _blank(r.inherent_likelihood), _blank(r.inherent_rating), matrix.label(r.inherent_rating),
            _blank(r.current_impact), _blank(r.current_likelihood), _blank(r.current_rating),
            _blank(r.target_rating), r.owner, r.status, r.review_due.isoformat() if r.review_due else "",
        ]  # fmt: skip


def write_register(partnership: Any, output: str, out: Any) -> int:
    """Write a partnership's register as CSV or XLSX (by ``output``'s suffix; ``-`` = CSV to ``out``).

    The command-line export: ``jointly export risks`` and ``jointly risks export``. Returns the count."""
    from pathlib import Path

    from jointly.core.exports import write_csv, xlsx_bytes
    from jointly.risks import queries

    matrix = queries.matrix_for(partnership)
    risks = list(queries.listing(partnership).order_by("reference"))
    if output == "-":
        write_csv(out, HEADERS, rows(risks, matrix))
    elif output.lower().endswith(".xlsx"):
        Path(output).write_bytes(xlsx_bytes("Risks", HEADERS, rows(risks, matrix)))
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            write_csv(handle, HEADERS, rows(risks, matrix))
    return len(risks)


def export_command(options: dict[str, Any], stdout: Any, stderr: Any) -> None:
    """``jointly export risks --partnership SLUG --output FILE`` (hooked in through JOINTLY_EXPORTS)."""
    from django.core.management.base import CommandError

    from jointly.partnerships.models import Partnership

    partnership = Partnership.objects.filter(slug=options["partnership"]).first()
    if partnership is None:
        raise CommandError(f"No partnership with slug {options['partnership']!r}.")
    count = write_register(partnership, options["output"], stdout)
    if options["output"] != "-":
        stderr.write(f"Wrote {count} risks to {options['output']}.")
