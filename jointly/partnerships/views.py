"""Partnership, governance and agreement pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jointly.accounts.permissions import Perm, visible_partnerships
from jointly.core import attention
from jointly.core.access import get_partnership
from jointly.core.asat import as_at_for, requested_as_at
from jointly.core.history import history_for
from jointly.core.pages import partnership_context
from jointly.core.views import handle_versioned_form
from jointly.partnerships import diagram, queries
from jointly.partnerships.forms import (
    ActionForm,
    AgreementForm,
    BoardForm,
    BoardMemberForm,
    MeetingForm,
    PartnershipForm,
    ReportingLineForm,
)
from jointly.partnerships.models import Action, Agreement, Board, BoardMember, Decision, ReportingLine


def home(request: HttpRequest) -> HttpResponse:
    """What needs attention across the person's partnerships (each as at its own date), then the list."""
    partnerships = visible_partnerships(request.user).prefetch_related("areas")
    items = attention.collect(request.user, requested_as_at(request))
    return render(
        request,
        "partnerships/home.html",
        {"partnerships": partnerships, "attention": attention.grouped(items), "attention_count": len(items)},
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug)
    ctx = partnership_context(
        request,
        partnership,
        members=queries.members(partnership),
        frameworks=partnership.frameworks.all(),
        areas=partnership.areas.all(),
        history=history_for(partnership),
    )
    if ctx["can"].get(Perm.VIEW_PLANNING):
        ctx["boards"] = queries.boards(partnership)
        ctx["agreements"] = _with_review_states(
            queries.agreements(partnership), as_at_for(request, partnership)
        )
    return render(request, "partnerships/detail.html", ctx)


def _with_review_states(agreements: Iterable[Agreement], as_at: dt.date) -> list[Agreement]:
    """Each agreement with ``review_state`` set as at ``as_at`` (for the templates)."""
    out = list(agreements)
    for a in out:
        a.review_state = a.review_status(as_at)  # type: ignore[attr-defined]
    return out


def edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    form = PartnershipForm(request.POST or None, instance=partnership)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(request, partnership, heading=f"Edit {partnership.name}",
                                    cancel_url=partnership.get_absolute_url()),
        success_message="Partnership details saved.",
    )  # fmt: skip


def governance(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    board_list = list(queries.boards(partnership))
    boxes, edges, width, height = diagram.layout(
        [(b.pk, b.name, b.reports_to_id, b.get_absolute_url()) for b in board_list],
        extra=[
            (b.pk, line.to_board_id, line.get_cadence_display())
            for b in board_list
            for line in b.reporting_lines.all()
        ],
        labels={b.pk: b.get_reporting_cadence_display() for b in board_list if b.reporting_cadence},
    )
    as_at = as_at_for(request, partnership)
    actions = list(
        Action.objects.filter(board__partnership=partnership)
        .exclude(status="done")
        .select_related("board")
        .order_by("due_date")
    )
    for action in actions:
        action.overdue = action.is_overdue(as_at)
    return render(
        request,
        "partnerships/governance.html",
        partnership_context(
            request,
            partnership,
            boards=board_list,
            boxes=boxes,
            edges=edges,
            width=width,
            height=height,
            open_actions=actions,
            agreements=_with_review_states(queries.agreements(partnership), as_at),
            as_at=as_at,
        ),  # fmt: skip
    )


def board(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    obj = get_object_or_404(queries.board_detail(partnership), slug=board_slug)
    as_at = as_at_for(request, partnership)
    actions = list(obj.actions.all())
    for action in actions:
        action.overdue = action.is_overdue(as_at)
    return render(
        request,
        "partnerships/board.html",
        partnership_context(
            request, partnership, board=obj, actions=actions, as_at=as_at, history=history_for(obj)
        ),
    )


def board_form(request: HttpRequest, slug: str, board_slug: str | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    instance = get_object_or_404(Board, partnership=partnership, slug=board_slug) if board_slug else None
    form = BoardForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership,
            heading=f"Edit {instance.name}" if instance else "Add a board or group",
            cancel_url=instance.get_absolute_url() if instance else partnership.get_absolute_url()),
        success_message="Board saved.",
    )  # fmt: skip


def meeting_new(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    obj = get_object_or_404(Board, partnership=partnership, slug=board_slug)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            meeting.board = obj
            meeting.save()
            for line in form.cleaned_data["decisions"].splitlines():
                if line.strip():
                    Decision.objects.create(meeting=meeting, text=line.strip())
        messages.success(request, "Meeting recorded.")
        return redirect(obj.get_absolute_url())
    ctx = partnership_context(request, partnership, form=form, heading=f"Record a meeting of {obj.name}",
                              cancel_url=obj.get_absolute_url())  # fmt: skip
    return render(request, "partnerships/form.html", ctx, status=400 if request.method == "POST" else 200)


def action_form(
    request: HttpRequest, slug: str, board_slug: str, action_id: int | None = None
) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    obj = get_object_or_404(Board, partnership=partnership, slug=board_slug)
    instance = get_object_or_404(Action, board=obj, pk=action_id) if action_id else None
    form = ActionForm(request.POST or None, instance=instance, board=obj)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(request, partnership,
                                    heading="Edit action" if instance else f"Add an action for {obj.name}",
                                    cancel_url=obj.get_absolute_url()),
        success_message="Action saved.", success_url=obj.get_absolute_url() + "#actions",
    )  # fmt: skip


def agreement(request: HttpRequest, slug: str, agreement_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    obj = get_object_or_404(queries.agreements(partnership), slug=agreement_slug)
    as_at = as_at_for(request, partnership)
    return render(
        request,
        "partnerships/agreement.html",
        partnership_context(
            request,
            partnership,
            agreement=obj,
            history=history_for(obj),
            as_at=as_at,
            review_state=obj.review_status(as_at),
        ),  # fmt: skip
    )


def agreement_form(request: HttpRequest, slug: str, agreement_slug: str | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    instance = (
        get_object_or_404(Agreement, partnership=partnership, slug=agreement_slug) if agreement_slug else None
    )
    form = AgreementForm(request.POST or None, instance=instance, partnership=partnership)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(request, partnership,
                                    heading=f"Edit {instance.title}" if instance else "Add an agreement",
                                    cancel_url=partnership.get_absolute_url()),
        success_message="Agreement saved.",
    )  # fmt: skip


def reporting_line_form(
    request: HttpRequest, slug: str, board_slug: str, line_id: int | None = None
) -> HttpResponse:
    """Add, change or (POST with ``remove``) remove a further reporting line of a board."""
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    obj = get_object_or_404(Board, partnership=partnership, slug=board_slug)
    instance = get_object_or_404(ReportingLine, board=obj, pk=line_id) if line_id else None
    if request.method == "POST" and instance is not None and "remove" in request.POST:
        instance.delete()
        messages.success(request, f"Reporting line to {instance.to_board.name} removed.")
        return redirect(obj.get_absolute_url() + "#reporting-lines")
    form = ReportingLineForm(request.POST or None, instance=instance, board=obj)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(
            request, partnership, cancel_url=obj.get_absolute_url(),
            heading=f"Edit a reporting line of {obj.name}" if instance else f"Add a reporting line for {obj.name}",
            removable=instance is not None,
        ),
        success_message="Reporting line saved.", success_url=obj.get_absolute_url() + "#reporting-lines",
    )  # fmt: skip


def board_member_form(
    request: HttpRequest, slug: str, board_slug: str, member_id: int | None = None
) -> HttpResponse:
    """Add, change or (POST with ``remove``) remove a board member."""
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    obj = get_object_or_404(Board, partnership=partnership, slug=board_slug)
    instance = get_object_or_404(BoardMember, board=obj, pk=member_id) if member_id else None
    if request.method == "POST" and instance is not None and "remove" in request.POST:
        instance.delete()
        messages.success(request, f"{instance.name} removed from {obj.name}.")
        return redirect(obj.get_absolute_url() + "#members")
    form = BoardMemberForm(request.POST or None, instance=instance, board=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Member saved.")
        return redirect(obj.get_absolute_url() + "#members")
    ctx = partnership_context(
        request, partnership, form=form, cancel_url=obj.get_absolute_url(),
        heading=f"Edit member of {obj.name}" if instance else f"Add a member to {obj.name}",
        member=instance,
    )  # fmt: skip
    return render(
        request, "partnerships/member_form.html", ctx, status=400 if request.method == "POST" else 200
    )
