"""Intention register, detail and edit pages, and the quarterly progress report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core import periods, uploads
from jointly.core.access import get_partnership
from jointly.core.asat import as_at_for, today_for
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.forms import GovUKFormMixin
from jointly.core.history import history_for
from jointly.core.imports import group_problems
from jointly.core.models import StaleEdit
from jointly.core.pages import partnership_context
from jointly.core.query_params import BadQueryParameter
from jointly.core.views import handle_versioned_form
from jointly.intentions import actions, importer, queries, reports
from jointly.intentions.forms import IntentionForm, MilestoneForm, ProgressForm, RegisterFilterForm
from jointly.intentions.models import Intention, Milestone, ProgressUpdate

EXPORT_HEADERS = [
    "reference", "title", "integrated", "lead_commissioner", "partner_commissioners",
    "coordinating_commissioner", "themes", "outcomes", "stage", "rag", "sro", "lead_officer",
    "start_date", "end_date", "aim", "expected_outcome",
]  # fmt: skip


def _export_rows(intentions):  # type: ignore[no-untyped-def]
    for i in intentions:
        yield [
            i.reference, i.title, i.integrated,
            i.lead_commissioner.name if i.lead_commissioner else "",
            "; ".join(o.name for o in i.partner_commissioners.all()),
            i.coordinating_commissioner.name if i.coordinating_commissioner else "",
            "; ".join(t.name for t in i.themes.all()),
            "; ".join(o.code for o in i.outcomes.all()),
            i.get_stage_display(), i.current_rag, i.sro, i.lead_officer,
            i.start_date, i.end_date, i.aim, i.expected_outcome,
        ]  # fmt: skip


def register(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    form = RegisterFilterForm(request.GET or None, partnership=partnership)
    intentions = form.apply(queries.register(partnership))
    fmt = request.GET.get("format")
    if fmt == "csv":
        return csv_response(f"{slug}-intentions.csv", EXPORT_HEADERS, _export_rows(intentions))
    if fmt == "xlsx":
        return xlsx_response(
            f"{slug}-intentions.xlsx", "Intentions", EXPORT_HEADERS, _export_rows(intentions)
        )
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "intentions/register.html",
        partnership_context(request, partnership, form=form, intentions=intentions, query=query.urlencode()),
    )


def detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    intention = get_object_or_404(queries.detail(partnership), reference=reference)
    as_at = as_at_for(request, partnership)
    milestones = [(m, m.status_at(as_at)) for m in intention.milestones.all()]
    return render(
        request,
        "intentions/detail.html",
        partnership_context(
            request, partnership, intention=intention, milestones=milestones, as_at=as_at,
            history=history_for(intention),
        ),
    )  # fmt: skip


def intention_form(request: HttpRequest, slug: str, reference: str | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_INTENTIONS)
    instance = (
        get_object_or_404(Intention, partnership=partnership, reference=reference) if reference else None
    )
    form = IntentionForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership,
            heading=f"Edit {instance.reference}" if instance else "Add a commissioning intention",
            cancel_url=instance.get_absolute_url() if instance else partnership.get_absolute_url()),
        success_message="Intention saved.",
    )  # fmt: skip


def milestone_form(request: HttpRequest, slug: str, reference: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_INTENTIONS)
    intention = get_object_or_404(Intention, partnership=partnership, reference=reference)
    instance = get_object_or_404(Milestone, intention=intention, pk=pk) if pk else None
    form = MilestoneForm(request.POST or None, instance=instance, intention=intention)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(request, partnership,
                                    heading="Edit milestone" if instance else f"Add a milestone to {intention.reference}",
                                    cancel_url=intention.get_absolute_url()),
        success_message="Milestone saved.", success_url=intention.get_absolute_url() + "#milestones",
    )  # fmt: skip


def progress_form(request: HttpRequest, slug: str, reference: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_INTENTIONS)
    intention = get_object_or_404(Intention, partnership=partnership, reference=reference)
    instance = get_object_or_404(ProgressUpdate, intention=intention, pk=pk) if pk else None
    initial = (
        {}
        if instance
        else {"period": reports.current_period(today_for(partnership)), "author": request.user.display_name}
    )
    form = ProgressForm(request.POST or None, instance=instance, intention=intention, initial=initial)
    ctx = partnership_context(
        request, partnership, form=form, cancel_url=intention.get_absolute_url(),
        heading=f"{'Edit' if instance else 'Record'} quarterly progress for {intention.reference}",
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_progress(form, by=request.user)
        except StaleEdit:
            return render(request, "partnerships/form.html", ctx, status=409)
        messages.success(request, "Progress recorded.")
        return HttpResponseRedirect(intention.get_absolute_url() + "#progress")
    return render(request, "partnerships/form.html", ctx, status=400 if request.method == "POST" else 200)


def progress_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The report on one financial quarter (``?period=2013/14 Q2``), as at ``?as_at=`` or, by
    default, the quarter's last day (today, the partnership's, while the quarter runs)."""
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    today = today_for(partnership)
    text = request.GET.get("period") or reports.default_period(partnership, today)
    try:
        quarter = periods.parse(text, periods.Kind.FINANCIAL_QUARTER)
    except periods.PeriodError as exc:
        raise BadQueryParameter("period", str(exc)) from exc
    as_at = as_at_for(request, partnership, quarter)
    report = reports.build(partnership, quarter, as_at=as_at)
    fmt = request.GET.get("format")
    stem = f"{slug}-progress-{quarter.text.replace('/', '-').replace(' ', '-')}-as-at-{as_at.isoformat()}"
    if fmt == "csv":
        return csv_response(f"{stem}.csv", reports.CSV_HEADERS, reports.csv_rows(report))
    if fmt == "docx":
        response = HttpResponse(
            reports.render_docx(report),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.docx"'
        return response
    choices = sorted(
        set(
            ProgressUpdate.objects.filter(intention__partnership=partnership).values_list("period", flat=True)
        )
        | {reports.current_period(today), quarter.text},
        reverse=True,
    )
    return render(
        request,
        "intentions/progress_report.html",
        partnership_context(
            request, partnership, report=report, periods=choices, as_at_asked=request.GET.get("as_at", "")
        ),
    )


class ImportForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(
        help_text="CSV (UTF-8) or XLSX with the register's columns; rows match on reference."
    )
    check_only = forms.BooleanField(
        required=False,
        label="Only check the file: show what importing it would add and update, and save nothing",
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > uploads.max_upload_bytes():
            raise forms.ValidationError(uploads.too_large_message(uploads.max_upload_bytes()))
        return upload


@uploads.upload_view
def import_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload intentions: every problem listed by row and column, and nothing saved unless all is well.

    The role is checked and the size capped before the body is read (see ``core/uploads.py``)."""
    partnership = get_partnership(request, slug, Perm.EDIT_INTENTIONS)
    if request.GET.get("template"):
        return csv_response("intentions-template.csv", importer.KNOWN, [])
    if uploads.body_too_large(request, uploads.max_upload_bytes()):
        problems = [uploads.too_large_message(uploads.max_upload_bytes())]
        ctx = partnership_context(
            request, partnership, form=ImportForm(), problems=problems, submit_label="Import"
        )
        return render(request, "intentions/import.html", ctx, status=413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    warnings: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, warnings = importer.read_table(
                upload.name, upload.file, limits=uploads.limits(max_rows=importer.MAX_ROWS)
            )
            checking = form.cleaned_data["check_only"]
            result = importer.import_intentions(partnership, rows, by=request.user, dry_run=checking)
        except importer.ImportProblems as exc:
            problems = exc.problems
        except StaleEdit:
            problems = [
                "Someone changed one of these intentions while the file was loading; nothing was saved. Try again."
            ]
        else:
            if checking:
                ctx = partnership_context(
                    request, partnership, form=ImportForm(), problems=[], submit_label="Import", checked=result,
                    check_warnings=[str(g) for g in group_problems(warnings)],
                )  # fmt: skip
                return render(request, "intentions/import.html", ctx)
            messages.success(
                request,
                f"Imported {len(result.created)} new and updated {len(result.updated)} existing intentions.",
            )
            for group in group_problems(warnings):
                messages.warning(request, f"Check: {group}")
            return HttpResponseRedirect(reverse("intentions:register", args=[slug]))
    status = 400 if request.method == "POST" else 200
    ctx = partnership_context(request, partnership, form=form, problems=problems, submit_label="Import")
    return render(request, "intentions/import.html", ctx, status=status)
