"""The decision record for the case file, as DOCX (python-docx): the case reference and facts, the
meeting and who was present, the decision, the package and its funders. No identifying details:
the case file joins it to the child by the reference."""

from __future__ import annotations

import io

from docx import Document

from jointly.panels.models import Case, Decision, PackageVersion


def decision_docx(case: Case, decision: Decision) -> bytes:
    doc = Document()
    panel = case.panel
    doc.add_heading(f"{panel.name}: decision record", level=1)
    if panel.synthetic or case.synthetic:
        doc.add_paragraph("SYNTHETIC DEMONSTRATION DATA: no real child.")
    doc.add_paragraph(f"Case reference: {case.reference}")
    facts = doc.add_table(rows=0, cols=2)
    for label, value in (
        ("Age band", case.get_age_band_display()),
        ("Need band", case.need_band.name if case.need_band else "Not banded"),
        ("Primary need", case.primary_need),
        ("Area", case.area.name if case.area else "Not recorded"),
        ("Referred", f"{case.referred_on:%d %B %Y} by {case.referring_organisation.name}"),
    ):
        row = facts.add_row().cells
        row[0].text, row[1].text = label, value
    meeting = decision.meeting
    doc.add_heading("Meeting", level=2)
    doc.add_paragraph(f"Held on {meeting.held_on:%d %B %Y}. Present:")
    for m in meeting.present.select_related("user", "organisation"):
        doc.add_paragraph(
            f"{m.user.display_name}, {m.organisation.name}{' (chair)' if m.is_chair else ''}",
            style="List Bullet",
        )
    doc.add_heading("Decision", level=2)
    doc.add_paragraph(decision.get_outcome_display())
    doc.add_paragraph(f"Reasons: {decision.reasons}")
    if decision.dissent:
        doc.add_paragraph(f"Dissent: {decision.dissent}")
    if case.continuing_care_eligible is not None:
        verdict = "eligible" if case.continuing_care_eligible else "not eligible"
        when = f" on {case.continuing_care_decided_on:%d %B %Y}" if case.continuing_care_decided_on else ""
        doc.add_paragraph(f"Children's continuing care (the NHS commissioner's decision{when}): {verdict}.")
    version = (
        PackageVersion.objects.filter(package__decision=decision)
        .order_by("number")
        .prefetch_related("shares__organisation")
        .first()
    )
    if version is not None:
        doc.add_heading("Package", level=2)
        doc.add_paragraph(
            f"{version.get_package_type_display()}: {version.description}, {version.starts_on:%d %B %Y} to "
            f"{version.ends_on:%d %B %Y}{' (personal health budget)' if version.personal_health_budget else ''}."
        )
        doc.add_paragraph(
            f"Cost £{version.amount:,.2f} {version.get_basis_display().lower()} ({version.weeks_per_year} weeks a "
            f"year): £{version.annual_cost:,.2f} a year. Next review {version.next_review_on:%d %B %Y}."
        )
        table = doc.add_table(rows=1, cols=4)
        for cell, text in zip(
            table.rows[0].cells, ("Funder", "Funding stream", "£ a year", "Confirmed"), strict=True
        ):
            cell.text = text
        for s in version.shares.all():
            row = table.add_row().cells
            row[0].text = s.organisation.name
            row[1].text = s.get_funding_stream_display()
            row[2].text = f"{s.annual_amount:,.2f}"
            row[3].text = f"{s.confirmed_at:%d %B %Y}" if s.confirmed_at else "Agreed in principle"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
