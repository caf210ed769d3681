"""Outcomes frameworks, the golden-thread page and the unlinked-intentions report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from jointly.accounts.permissions import Perm
from jointly.core.access import get_partnership
from jointly.core.history import history_for
from jointly.core.pages import partnership_context
from jointly.core.views import handle_versioned_form
from jointly.intentions.models import Intention
from jointly.outcomes.forms import OutcomeForm, OutcomeLinkForm
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.outcomes.thread import build_tree, extra_sections, golden_thread


def index(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug)
    frameworks = list(partnership.frameworks.all())
    outcomes = list(
        Outcome.objects.filter(framework__partnership=partnership)
        .select_related("framework__partnership")
        .order_by("position", "code")
    )
    trees = [(f, build_tree([o for o in outcomes if o.framework_id == f.pk])) for f in frameworks]
    return render(request, "outcomes/index.html", partnership_context(request, partnership, trees=trees))


def framework(request: HttpRequest, slug: str, framework_slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug)
    obj = get_object_or_404(Framework, partnership=partnership, slug=framework_slug)
    tree = build_tree(list(obj.outcomes.order_by("position", "code")))
    return render(
        request,
        "outcomes/framework.html",
        partnership_context(request, partnership, framework=obj, tree=tree, history=history_for(obj)),
    )


def outcome(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug)
    obj = get_object_or_404(
        Outcome.objects.select_related("framework__partnership"), framework__partnership=partnership, pk=pk
    )
    ctx = partnership_context(request, partnership, outcome=obj, history=history_for(obj))
    thread = golden_thread(obj)
    if not ctx["can"].get(Perm.VIEW_PLANNING):
        thread["intentions"] = []
        ctx["intentions_hidden"] = True
    ctx.update(thread)
    ctx["sections"] = extra_sections(obj, partnership, request.user)
    return render(request, "outcomes/outcome.html", ctx)


def outcome_form(request: HttpRequest, slug: str, framework_slug: str, pk: int | None = None) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_OUTCOMES)
    fw = get_object_or_404(Framework, partnership=partnership, slug=framework_slug)
    instance = get_object_or_404(Outcome, framework=fw, pk=pk) if pk else None
    form = OutcomeForm(request.POST or None, instance=instance, framework=fw)
    return handle_versioned_form(
        request, form, template="partnerships/form.html",
        context=partnership_context(request, partnership,
                                    heading=f"Edit {instance}" if instance else f"Add an outcome to {fw.name}",
                                    cancel_url=fw.get_absolute_url()),
        success_message="Outcome saved.",
    )  # fmt: skip


def link_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.EDIT_OUTCOMES)
    source = get_object_or_404(Outcome, framework__partnership=partnership, pk=pk)
    form = OutcomeLinkForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        OutcomeLink.objects.create(source=source, target=form.cleaned_data["target"])
        messages.success(request, "Link added.")
        return redirect(source.get_absolute_url())
    ctx = partnership_context(request, partnership, form=form, heading=f"Link {source}",
                              cancel_url=source.get_absolute_url(), submit_label="Add link")  # fmt: skip
    return render(request, "partnerships/form.html", ctx, status=400 if request.method == "POST" else 200)


def unlinked_intentions(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_partnership(request, slug, Perm.VIEW_PLANNING)
    intentions = (
        Intention.objects.filter(partnership=partnership, outcomes__isnull=True)
        .select_related("lead_commissioner", "partnership")
        .order_by("reference")
    )
    return render(
        request, "outcomes/unlinked.html", partnership_context(request, partnership, intentions=intentions)
    )
