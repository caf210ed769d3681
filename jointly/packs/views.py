"""Board pack pages: a meeting's agenda, its items and papers, packs (build, progress, issue, files) and
the minutes' decisions.

Who may: partnership staff who read governance (``view_planning``) and the board's members (a
:class:`~jointly.partnerships.models.BoardMember` linked to their account) read the agenda and packs;
partnership admins (``edit_governance``) change the agenda, build, issue and minute. People outside
get 404, readers who try to change 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.core import uploads as core_uploads
from jointly.core.asat import today_for
from jointly.core.history import history_for
from jointly.core.models import StaleEdit
from jointly.core.pages import partnership_context
from jointly.jobs import runner
from jointly.packs import actions, build, decisions, papers
from jointly.packs.forms import AgendaItemForm, BuildForm, DecisionForm
from jointly.packs.models import AgendaItem, DecisionLink, Pack, PackIssued, PackStatus
from jointly.partnerships.models import Board, BoardMember, Decision, Meeting, Partnership


def may_read(user: Any, board: Board) -> bool:
    """Partnership staff who read governance, or a member of the board (RESOLUTIONS 24)."""
    if has_permission(user, Perm.VIEW_PLANNING, board.partnership):
        return True
    return bool(user.is_authenticated) and BoardMember.objects.filter(board=board, user=user).exists()


def _meeting(request: HttpRequest, slug: str, board_slug: str, meeting_id: int, *, write: bool = False):
    partnership = get_object_or_404(Partnership, slug=slug)
    board = get_object_or_404(
        Board.objects.select_related("partnership"), partnership=partnership, slug=board_slug
    )
    meeting = get_object_or_404(
        Meeting.objects.select_related("board__partnership"), board=board, pk=meeting_id
    )
    if not may_read(request.user, board):
        if visible_partnerships(request.user).filter(pk=partnership.pk).exists():
            raise PermissionDenied("You do not have permission to read this board's papers.")
        raise Http404("No such meeting.")
    if write and not has_permission(request.user, Perm.EDIT_GOVERNANCE, partnership):
        raise PermissionDenied("Only the partnership's administrators change a meeting's agenda and packs.")
    return partnership, board, meeting


def _ctx(request: HttpRequest, partnership: Partnership, **extra: Any) -> dict[str, Any]:
    return partnership_context(request, partnership, **extra)


def agenda(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    partnership, board, meeting = _meeting(request, slug, board_slug, meeting_id)
    items = build.agenda(meeting)
    added = build.escalation_items(meeting, items, papers.kinds())
    packs = list(Pack.objects.filter(meeting=meeting).defer("pdf", "public_pdf", "docx", "snapshot"))
    minuted = list(Decision.objects.filter(meeting=meeting).prefetch_related(
        "links__intention", "links__variation__contract", "links__fund", "links__fund_change__fund", "links__risk"))  # fmt: skip
    for d in minuted:
        d.meeting = meeting
        for link in d.links.all():
            link.decision = d
            link.may_apply = link.applies and not link.applied and decisions.may_apply(request.user, link)
    return render(request, "packs/agenda.html", _ctx(
        request, partnership, board=board, meeting=meeting, items=items, added=added, packs=packs,
        decisions=minuted,
        actions=list(meeting.actions.all()), problems=actions.agenda_problems(meeting) if items else [],
        build_form=BuildForm(default=min(today_for(partnership), meeting.date)), history=history_for(meeting),
    ))  # fmt: skip


@require_http_methods(["POST"])
def meeting_public(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    """Say whether the meeting is held in public (its issued pack's public part is then published)."""
    _p, _b, meeting = _meeting(request, slug, board_slug, meeting_id, write=True)
    meeting.held_in_public = request.POST.get("held_in_public") == "1"
    meeting._history_user = request.user  # type: ignore[attr-defined]
    meeting.save(update_fields=["held_in_public"])
    messages.success(
        request,
        "The meeting is held in public: its issued papers are published from their publication date."
        if meeting.held_in_public
        else "The meeting is not held in public: its papers are not published.",
    )
    return redirect(_agenda_url(meeting))


@core_uploads.upload_view
def item_form(
    request: HttpRequest, slug: str, board_slug: str, meeting_id: int, item_id: int | None = None
) -> HttpResponse:
    partnership, board, meeting = _meeting(request, slug, board_slug, meeting_id, write=True)
    instance = get_object_or_404(AgendaItem, meeting=meeting, pk=item_id) if item_id else None
    context = _ctx(request, partnership, board=board, meeting=meeting,
                   heading=f"Edit item {instance.position}" if instance else "Add an agenda item",
                   cancel_url=_agenda_url(meeting))  # fmt: skip
    limit = core_uploads.max_upload_bytes()
    if core_uploads.body_too_large(request, limit):
        form = core_uploads.refused_form(AgendaItemForm(meeting=meeting, instance=instance),
                                         core_uploads.too_large_message(limit))  # fmt: skip
        return render(request, "packs/item_form.html", {**context, "form": form}, status=413)
    if (refused := core_uploads.csrf_failure(request)) is not None:
        return refused
    initial = {} if instance else {"position": actions.next_position(meeting)}
    form = AgendaItemForm(request.POST or None, request.FILES or None, meeting=meeting, instance=instance,
                          initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            form.save_as(by=request.user)
        except StaleEdit:
            return render(request, "packs/item_form.html", {**context, "form": form}, status=409)
        messages.success(request, "Agenda item saved.")
        return redirect(_agenda_url(meeting))
    return render(request, "packs/item_form.html", {**context, "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@require_http_methods(["POST"])
def item_delete(
    request: HttpRequest, slug: str, board_slug: str, meeting_id: int, item_id: int
) -> HttpResponse:
    _p, _b, meeting = _meeting(request, slug, board_slug, meeting_id, write=True)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_id)
    item.delete()
    messages.success(request, "Agenda item removed.")
    return redirect(_agenda_url(meeting))


@require_http_methods(["POST"])
def pack_build(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    partnership, board, meeting = _meeting(request, slug, board_slug, meeting_id, write=True)
    form = BuildForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the date the data is to be taken as at.")
        return redirect(_agenda_url(meeting))
    try:
        pack = actions.start(meeting, form.cleaned_data["as_at"], by=request.user)
    except build.PackError as exc:
        messages.error(request, str(exc))
        return redirect(_agenda_url(meeting))
    return redirect(pack.get_absolute_url())


def _pack(
    request: HttpRequest, slug: str, board_slug: str, meeting_id: int, pack_id: int, *, write: bool = False
):
    partnership, board, meeting = _meeting(request, slug, board_slug, meeting_id, write=write)
    pack = get_object_or_404(Pack.objects.select_related("job", "meeting__board__partnership"), meeting=meeting,
                             pk=pack_id)  # fmt: skip
    return partnership, board, meeting, pack


def pack(request: HttpRequest, slug: str, board_slug: str, meeting_id: int, pack_id: int) -> HttpResponse:
    """A pack: its status (the build's progress while it runs, refreshed in place), files and changes."""
    partnership, board, meeting, obj = _pack(request, slug, board_slug, meeting_id, pack_id)
    job = runner.check(obj.job) if obj.job is not None and not obj.job.finished else obj.job
    if job is not None and job.finished and obj.status == PackStatus.BUILDING:
        obj.refresh_from_db()
    running = obj.status == PackStatus.BUILDING
    template = "packs/_pack_panel.html" if request.headers.get("HX-Request") else "packs/pack.html"
    return render(request, template, _ctx(
        request, partnership, board=board, meeting=meeting, pack=obj, job=job, running=running,
        history=history_for(obj),
    ))  # fmt: skip


@require_http_methods(["POST"])
def pack_issue(
    request: HttpRequest, slug: str, board_slug: str, meeting_id: int, pack_id: int
) -> HttpResponse:
    _p, _b, _m, obj = _pack(request, slug, board_slug, meeting_id, pack_id, write=True)
    try:
        actions.issue(obj, by=request.user)
    except (PackIssued, build.PackError) as exc:
        messages.error(request, str(exc))
        return redirect(obj.get_absolute_url())
    messages.success(request, "Pack issued: it is now frozen.")
    return redirect(obj.get_absolute_url())


FILES = {
    "pdf": ("pdf", "application/pdf", "pdf"),
    "public.pdf": ("public_pdf", "application/pdf", "pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def pack_file(
    request: HttpRequest, slug: str, board_slug: str, meeting_id: int, pack_id: int, fmt: str
) -> HttpResponse:
    _p, board, meeting, obj = _pack(request, slug, board_slug, meeting_id, pack_id)
    if fmt not in FILES:
        raise Http404("No such file.")
    field, content_type, ext = FILES[fmt]
    data = getattr(obj, field)
    if not data:
        raise Http404("The pack has not been built yet.")
    stem = f"{board.slug}-{meeting.date.isoformat()}-issue-{obj.number}{'-public' if fmt == 'public.pdf' else ''}"
    response = HttpResponse(bytes(data), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{ext}"'
    return response


def preview(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    """The pack as it would be built now (the same template the PDF prints), in the page."""
    partnership, board, meeting = _meeting(request, slug, board_slug, meeting_id)
    as_at = min(today_for(partnership), meeting.date)
    try:
        doc = build.assemble(meeting, as_at)
    except build.PackError as exc:
        messages.error(request, str(exc))
        return redirect(_agenda_url(meeting))
    return render(request, "packs/preview.html", _ctx(
        request, partnership, board=board, meeting=meeting, document=build.render_html(doc), as_at=as_at))  # fmt: skip


def minutes(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    """Minute a decision and say what it decides (an intention's stage, a variation, a fund, a risk)."""
    partnership, board, meeting = _meeting(request, slug, board_slug, meeting_id, write=True)
    form = DecisionForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            decision = Decision.objects.create(meeting=meeting, text=form.cleaned_data["text"].strip())
            link = form.save(commit=False)
            link.decision = decision
            decisions.record(link, by=request.user)
        if link.not_applied:
            messages.warning(request, f"Decision minuted, but not applied to its record: {link.not_applied}")
        else:
            messages.success(
                request, "Decision minuted." + (" Applied to its record." if link.applied else "")
            )
        return redirect(_agenda_url(meeting) + "#minutes")
    return render(request, "packs/minutes_form.html", _ctx(
        request, partnership, board=board, meeting=meeting, form=form, heading="Minute a decision",
        cancel_url=_agenda_url(meeting)), status=400 if request.method == "POST" else 200)  # fmt: skip


@require_http_methods(["POST"])
def decision_apply(
    request: HttpRequest, slug: str, board_slug: str, meeting_id: int, link_id: int
) -> HttpResponse:
    """Confirm a minuted decision on its record (someone with the record's own permission)."""
    _p, _b, meeting = _meeting(request, slug, board_slug, meeting_id)
    link = get_object_or_404(DecisionLink.objects.select_related("decision__meeting__board__partnership"),
                             decision__meeting=meeting, pk=link_id)  # fmt: skip
    if not decisions.may_apply(request.user, link):
        raise PermissionDenied("Your role does not allow applying this decision to its record.")
    decisions.apply(link, by=request.user)
    if link.applied:
        messages.success(request, "Decision applied to its record.")
    else:
        messages.error(request, f"Not applied: {link.not_applied}")
    return redirect(_agenda_url(meeting) + "#minutes")


def _agenda_url(meeting: Meeting) -> str:
    board = meeting.board
    return reverse("packs:agenda", args=[board.partnership.slug, board.slug, meeting.pk])
