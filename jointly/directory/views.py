"""Signed-in pages of the directory: the partnership's entries (with their freshness), an entry's
edit page, providers' proposals and the partnership's decisions on them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from jointly.accounts.permissions import Perm, has_permission
from jointly.core.access import get_partnership, get_scope
from jointly.core.approvals import FourEyesError, may_decide
from jointly.core.exports import csv_response, xlsx_response
from jointly.core.history import history_for
from jointly.core.models import save_versioned
from jointly.core.pages import partnership_context
from jointly.core.views import handle_versioned_form
from jointly.directory import actions, exporting, facts, queries
from jointly.directory.forms import (
    DecisionForm,
    EntryForm,
    LocationForm,
    NewEntryForm,
    ProposalForm,
    ScheduleForm,
)
from jointly.directory.models import ChangeProposal, DirectoryEntry, Location, ProposalStatus, Schedule

NO_ENTRIES = "You do not have permission to see directory entries in this partnership."


def _entry(request: HttpRequest, slug: str, pk: int):  # type: ignore[no-untyped-def]
    partnership, scope = get_scope(request, slug, message=NO_ENTRIES)
    entry = queries.partnership_entries(partnership, scope).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such directory entry")
    return partnership, scope, entry


def index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_ENTRIES)
    window = queries.freshness_window(partnership)
    today = timezone.localdate()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        data = exporting.rows(
            exporting.with_children(queries.partnership_entries(partnership, scope)), window, today
        )
        name = f"{slug}-local-offer-entries-{today:%Y-%m-%d}.{fmt}"
        if fmt == "csv":
            return csv_response(name, exporting.HEADERS, data)
        return xlsx_response(name, "Local Offer entries", exporting.HEADERS, data)
    entries = list(queries.partnership_entries(partnership, scope))
    for e in entries:
        e.out_of_date = facts.is_stale(e.last_checked, window, today)
    proposals = list(
        ChangeProposal.objects.filter(entry__in=[e.pk for e in entries], status=ProposalStatus.PROPOSED)
        .select_related("entry__service")
        .order_by("-id")[:200]
    )
    return render(
        request,
        "directory/index.html",
        partnership_context(
            request, partnership, entries=entries, proposals=proposals, window=window,
            stale_count=sum(1 for e in entries if e.out_of_date),
            offers=list(queries.offers_of(partnership)),
        ),
    )  # fmt: skip


def entry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope, entry = _entry(request, slug, pk)
    can_edit = has_permission(request.user, Perm.EDIT_CONTRACTS, partnership)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Only commissioners edit entries: propose a change instead.")
    form = EntryForm(request.POST if request.method == "POST" else None, instance=entry)
    context = partnership_context(
        request, partnership, entry=entry, can_edit=can_edit,
        history=history_for(entry), proposals=list(entry.proposals.order_by("-id")[:50]),
        locations=list(entry.locations.all()), schedules=list(entry.schedules.all()),
    )  # fmt: skip
    return handle_versioned_form(
        request, form, template="directory/entry.html", context=context,
        success_message="Entry saved.", success_url=reverse("directory:entry", args=[slug, entry.pk]),
    )  # fmt: skip


def propose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Anyone who may see the entry proposes changes (a provider: its own entries only)."""
    partnership, scope, entry = _entry(request, slug, pk)
    form = ProposalForm(request.POST if request.method == "POST" else None, entry=entry)
    if request.method == "POST" and form.is_valid():
        actions.propose(entry, form.changes(), form.cleaned_data.get("note", ""), by=request.user)
        messages.success(
            request, "Change proposed: it goes live when someone at the partnership approves it."
        )
        return HttpResponseRedirect(reverse("directory:index", args=[slug]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "directory/propose.html", partnership_context(request, partnership, entry=entry, form=form),
        status=status,
    )  # fmt: skip


def proposal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership, scope = get_scope(request, slug, message=NO_ENTRIES)
    item = (
        ChangeProposal.objects.filter(entry__in=queries.partnership_entries(partnership, scope), pk=pk)
        .select_related("entry__service")
        .first()
    )
    if item is None:
        raise Http404("No such proposal")
    can_decide = has_permission(request.user, Perm.EDIT_CONTRACTS, partnership)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("Only commissioners decide proposed changes.")
        if form.is_valid():
            try:
                actions.decide(item, approve=form.cleaned_data["decision"] == "approve", by=request.user)
            except FourEyesError as exc:
                form.add_error(None, str(exc))
                status = 403
            except actions.ProposalClosed as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, "Decision recorded.")
                return HttpResponseRedirect(reverse("directory:index", args=[slug]))
        else:
            status = 400
    labels = {f.name: f.verbose_name for f in DirectoryEntry._meta.fields}
    rows = [(labels.get(k, k), getattr(item.entry, k, ""), v) for k, v in item.changes.items()]
    return render(
        request, "directory/proposal.html",
        partnership_context(
            request, partnership, item=item, rows=rows, form=form,
            can_decide=can_decide and item.status == ProposalStatus.PROPOSED
            and may_decide(request.user, item.proposed_by_id, record=item),
        ),
        status=status,
    )  # fmt: skip


def new_entry(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_CONTRACTS)
    form = NewEntryForm(request.POST if request.method == "POST" else None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        item = DirectoryEntry(service=form.cleaned_data["service"], owner=form.cleaned_data["owner"])
        save_versioned(item, expected_version=None, by=request.user)
        messages.success(request, "Entry created: fill it in, then mark the service published to show it.")
        return HttpResponseRedirect(reverse("directory:entry", args=[slug, item.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "directory/new.html", partnership_context(request, partnership, form=form), status=status
    )


def _child(request: HttpRequest, slug: str, pk: int, model: type, form_class: type, child_pk: int | None):  # type: ignore[no-untyped-def]
    partnership, scope, entry = _entry(request, slug, pk)
    if not has_permission(request.user, Perm.EDIT_CONTRACTS, partnership):
        raise PermissionDenied("Only commissioners change where and when a service runs.")
    if child_pk is None:
        instance = model(entry=entry)
    else:
        instance = model.objects.filter(entry=entry, pk=child_pk).first()
        if instance is None:
            raise Http404("Not found")
    form = form_class(request.POST if request.method == "POST" else None, instance=instance)
    return handle_versioned_form(
        request, form, template="directory/child.html",
        context=partnership_context(request, partnership, entry=entry, what=model._meta.verbose_name),
        success_message="Saved.", success_url=reverse("directory:entry", args=[slug, entry.pk]),
    )  # fmt: skip


def location(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    return _child(request, slug, pk, Location, LocationForm, child_pk)


def schedule(request: HttpRequest, slug: str, pk: int, child_pk: int | None = None) -> HttpResponse:
    return _child(request, slug, pk, Schedule, ScheduleForm, child_pk)
