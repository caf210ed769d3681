"""Panel pages.

Two kinds: the Panels section's front page, open to the partnership's planning readers and to panel
members, shows only suppressed aggregates (what leaves the panel); every other page is a panel's
own and answers 404 (as for a panel or case that never existed) to anyone who is not an active
member of that panel, partnership admins and platform administrators included. The one exception is
break-glass: a platform administrator may reveal a case's identifying details with a reason, logged
and shown to the chair.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jointly.accounts.permissions import Perm, has_permission, visible_partnerships
from jointly.core import asat, periods, uploads
from jointly.core.access import get_partnership
from jointly.core.exports import csv_response
from jointly.core.history import history_for
from jointly.core.pages import partnership_context
from jointly.panels import access, actions, documents, figures, queries
from jointly.panels.crypto import decrypt_bytes
from jointly.panels.forms import (
    BreakGlassForm,
    DecisionForm,
    DocumentForm,
    EndForm,
    IdentityForm,
    MeetingForm,
    MemberForm,
    NeedBandForm,
    PanelNewForm,
    ReferralForm,
    ReviewForm,
)
from jointly.panels.models import (
    Case,
    CaseDocument,
    Decision,
    FunderShare,
    Package,
    PackageVersion,
    Panel,
    RevealKind,
    RevealLog,
)
from jointly.partnerships.models import Partnership

FORM = "partnerships/form.html"


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    """The partnership, for its planning readers and for members of its panels; else 404."""
    p = visible_partnerships(request.user).filter(slug=slug).first()
    if p is None:
        p = Partnership.objects.filter(
            slug=slug, panels__id__in=sorted(access.member_panel_ids(request.user))
        ).first()
        if p is None:
            raise Http404("No such partnership.")
    return p


def _panel(request: HttpRequest, slug: str, panel_slug: str) -> Panel:
    """A panel the person sits on; 404 otherwise (whoever they are)."""
    panel = (
        Panel.objects.select_related("partnership")
        .filter(partnership__slug=slug, slug=panel_slug, id__in=sorted(access.member_panel_ids(request.user)))
        .first()
    )
    if panel is None:
        raise Http404("No such panel.")
    return panel


def _ctx(request: HttpRequest, panel: Panel, **extra: Any) -> dict[str, Any]:
    member = access.membership(request.user, panel)
    return partnership_context(request, panel.partnership, panel=panel, member=member, **extra)


def _financial_year(request: HttpRequest, partnership: Partnership) -> str:
    text = (request.GET.get("financial_year") or "").strip()
    if text:
        try:
            return periods.parse(text, periods.Kind.FINANCIAL_YEAR).text
        except periods.PeriodError:
            from jointly.core.query_params import BadQueryParameter

            raise BadQueryParameter("financial_year", "Enter a financial year like 2014/15.") from None
    return periods.financial_year_of(asat.today_for(partnership)).text


def index(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's panels and their aggregates (small numbers as c): the page outside the panel."""
    partnership = _partnership(request, slug)
    mine = access.member_panel_ids(request.user)
    panels = list(queries.panels_of(partnership).annotate(n_cases=Count("cases")))
    if not has_permission(request.user, Perm.VIEW_PLANNING, partnership) and not any(
        p.pk in mine for p in panels
    ):
        raise PermissionDenied("You do not have permission to see panel figures in this partnership.")
    fy = _financial_year(request, partnership)
    threshold = max([p.suppression_threshold for p in panels] or [7])
    rows = figures.aggregate_rows(fy, queries.package_years(partnership, fy), threshold)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"{slug}-panel-aggregates-{fy.replace('/', '-')}.csv", figures.AGGREGATE_COLUMNS, rows
        )
    tables: dict[str, list[list[Any]]] = {}
    for row in rows:
        tables.setdefault(row[1], []).append(row)
    start = periods.parse(fy, periods.Kind.FINANCIAL_YEAR)
    years = [periods.Period.financial_year(start.start.year + d).text for d in (-1, 0, 1)]
    return render(
        request,
        "panels/index.html",
        partnership_context(
            request, partnership, panels=[(p, p.pk in mine) for p in panels], tables=tables, financial_year=fy,
            years=years, threshold=threshold,
        ),
    )  # fmt: skip


def panel(request: HttpRequest, slug: str, panel_slug: str) -> HttpResponse:
    p = _panel(request, slug, panel_slug)
    cases = list(queries.case_list(p))
    current = queries.current_versions(cases)
    as_at = asat.as_at_for(request, p.partnership)
    return render(
        request,
        "panels/panel.html",
        _ctx(
            request, p, cases=[(c, current.get(c.pk)) for c in cases], as_at=as_at,
            members=p.members.filter(active=True).select_related("user", "organisation"),
            bands=p.need_bands.all(), meetings=p.meetings.annotate(n=Count("present"))[:10],
            break_glass=p.reveals.filter(kind=RevealKind.BREAK_GLASS).count(),
        ),
    )  # fmt: skip


def oversight(request: HttpRequest, slug: str, panel_slug: str) -> HttpResponse:
    p = _panel(request, slug, panel_slug)
    as_at = asat.as_at_for(request, p.partnership)
    return render(
        request, "panels/oversight.html", _ctx(request, p, o=queries.oversight(p, as_at), as_at=as_at)
    )


def reveals(request: HttpRequest, slug: str, panel_slug: str) -> HttpResponse:
    """The reveal log: the chair's to read."""
    p = _panel(request, slug, panel_slug)
    if not access.is_chair(request.user, p):
        raise PermissionDenied("Only the panel's chair can read the reveal log.")
    log = RevealLog.objects.filter(panel=p).select_related("by", "case")[:500]
    return render(request, "panels/reveals.html", _ctx(request, p, log=log))


def _form_page(
    request: HttpRequest, p: Panel, form: Any, heading: str, cancel: str, status: int = 200, **kw: Any
) -> HttpResponse:
    return render(
        request, FORM, _ctx(request, p, form=form, heading=heading, cancel_url=cancel, **kw), status=status
    )


def refer(request: HttpRequest, slug: str, panel_slug: str) -> HttpResponse:
    p = _panel(request, slug, panel_slug)
    form = ReferralForm(request.POST or None, panel=p)
    cancel = p.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.refer(
                p, form.facts(), form.identity(), by=request.user, today=asat.today_for(p.partnership)
            )
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, f"Referral recorded as {case.reference}.")
            return HttpResponseRedirect(case.get_absolute_url())
    return _form_page(
        request,
        p,
        form,
        "Refer a child or young person",
        cancel,
        400 if request.method == "POST" else 200,
        submit_label="Refer",
    )


def meeting_new(request: HttpRequest, slug: str, panel_slug: str) -> HttpResponse:
    p = _panel(request, slug, panel_slug)
    form = MeetingForm(request.POST or None, panel=p)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_meeting(
                p,
                held_on=form.cleaned_data["held_on"],
                present=list(form.cleaned_data["present"]),
                by=request.user,
            )
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, "Meeting recorded.")
            return HttpResponseRedirect(p.get_absolute_url())
    return _form_page(
        request,
        p,
        form,
        "Record a panel meeting",
        p.get_absolute_url(),
        400 if request.method == "POST" else 200,
    )


def _case(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> tuple[Panel, Case]:
    p = _panel(request, slug, panel_slug)
    return p, access.get_case(request.user, p, reference)


def case(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    versions = PackageVersion.objects.select_related("proposed_by").order_by("number")
    packages = list(
        c.packages.prefetch_related(
            Prefetch("versions", queryset=versions), "versions__shares__organisation",
            "versions__shares__confirmed_by", "reviews",
        )
    )  # fmt: skip
    drifts: dict[int, str] = {}
    for pkg in packages:
        previous = None
        for v in pkg.versions.all():
            if previous is not None:
                drifts[v.pk] = figures.drift_words(previous, v)
            previous = v
    return render(
        request,
        "panels/case.html",
        _ctx(
            request, p, case=c, packages=packages,
            decisions=c.decisions.select_related("meeting").prefetch_related("meeting__present__organisation"),
            documents=c.documents.defer("content"), history=history_for(c, limit=20),
            identity_changes=c.identity_changes.select_related("by")[:20], drifts=drifts,
            group=queries.group_comparison(p, packages),
        ),
    )  # fmt: skip


@never_cache
def reveal(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    """A member asks to see the identifying details (POST: logged); GET shows the button only."""
    p, c = _case(request, slug, panel_slug, reference)
    identity = None
    if request.method == "POST":
        identity = actions.reveal(c, by=request.user)
    return render(request, "panels/identity.html", _ctx(request, p, case=c, identity=identity))


@never_cache
def break_glass(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    """A platform administrator (not a member) reveals a case with a reason: logged, shown to the chair."""
    user = request.user
    if not (user.is_authenticated and user.is_superuser):
        raise Http404("No such case.")
    c = (
        Case.objects.select_related("panel__partnership")
        .filter(panel__partnership__slug=slug, panel__slug=panel_slug, reference=reference)
        .first()
    )
    if c is None:
        raise Http404("No such case.")
    form = BreakGlassForm(request.POST or None)
    ctx = partnership_context(
        request, c.panel.partnership, panel=c.panel, case=c, form=form, break_glass=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            ctx["identity"] = actions.reveal(c, by=user, break_glass_reason=form.cleaned_data["reason"])
        except actions.Refused as exc:
            form.refused(exc)
        else:
            return render(request, "panels/identity.html", ctx)
    return render(request, "panels/identity.html", ctx, status=400 if request.method == "POST" else 200)


def identity_edit(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_identity(
                c, form.identity(), by=request.user, today=asat.today_for(p.partnership)
            )
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, f"Changed: {', '.join(changed) or 'nothing'}.")
            return HttpResponseRedirect(c.get_absolute_url())
    return _form_page(
        request, p, form, f"Change identifying details of {c.reference}", c.get_absolute_url(),
        400 if request.method == "POST" else 200,
        intro="Enter only the details to change; the values are encrypted and not shown here.",
    )  # fmt: skip


@uploads.upload_view
def document_new(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    limit = uploads.max_upload_bytes()
    if uploads.body_too_large(request, limit):
        form = uploads.refused_form(DocumentForm(), uploads.too_large_message(limit))
        return _form_page(request, p, form, "Add an assessment document", c.get_absolute_url(), 413)
    if failed := uploads.csrf_failure(request):
        return failed
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(limit + 1)
        try:
            if len(data) > limit:
                raise documents.DocumentRefused(uploads.too_large_message(limit))
            kind = documents.sniff(data)
            actions.add_document(
                c, title=form.cleaned_data["title"], file_name=upload.name[:200], content_type=kind, data=data,
                by=request.user,
            )  # fmt: skip
        except documents.DocumentRefused as exc:
            form.add_error("file", str(exc))
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, "Document added (stored encrypted).")
            return HttpResponseRedirect(c.get_absolute_url())
    return _form_page(
        request,
        p,
        form,
        "Add an assessment document",
        c.get_absolute_url(),
        400 if request.method == "POST" else 200,
        submit_label="Upload",
    )


@never_cache
def document(request: HttpRequest, slug: str, panel_slug: str, reference: str, pk: int) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    doc = get_object_or_404(CaseDocument, case=c, pk=pk)
    response = HttpResponse(decrypt_bytes(doc.content), content_type=doc.content_type)
    response["Content-Disposition"] = f'attachment; filename="{c.reference}-document-{doc.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def decide(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    form = DecisionForm(request.POST or None, panel=p)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.decide(
                c, meeting=d["meeting"], outcome=d["outcome"], reasons=d["reasons"], dissent=d.get("dissent", ""),
                terms=form.terms() if d["outcome"] == "approved" else None, shares=form.shares(), by=request.user,
            )  # fmt: skip
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, "Decision recorded. Each funder's member now confirms its share.")
            return HttpResponseRedirect(c.get_absolute_url())
    return _form_page(
        request,
        p,
        form,
        f"Record the panel's decision on {c.reference}",
        c.get_absolute_url(),
        400 if request.method == "POST" else 200,
    )


def _package(c: Case, pk: int) -> Package:
    return get_object_or_404(Package.objects.filter(case=c), pk=pk)


def review(request: HttpRequest, slug: str, panel_slug: str, reference: str, pk: int) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    package = _package(c, pk)
    last = package.versions.order_by("-number").prefetch_related("shares").first()
    initial: dict[str, Any] = {}
    if last is not None:
        initial = {
            "package_type": last.package_type, "description": last.description, "provider": last.provider_id,
            "provider_name": last.provider_name, "personal_health_budget": last.personal_health_budget,
            "starts_on": last.starts_on, "ends_on": last.ends_on, "amount": last.amount, "basis": last.basis,
            "weeks_per_year": last.weeks_per_year, "next_review_on": last.next_review_on,
        }  # fmt: skip
        for i, s in enumerate(last.shares.order_by("id"), start=1):
            initial |= {f"funder_{i}_organisation": s.organisation_id, f"funder_{i}_stream": s.funding_stream,
                        f"funder_{i}_percent": s.percent, f"funder_{i}_amount": s.amount}  # fmt: skip
    form = ReviewForm(request.POST or None, panel=p, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        change = bool(d.get("change"))
        try:
            actions.review(
                package, reviewed_on=d["reviewed_on"], notes=d.get("notes", ""), by=request.user,
                outcomes={k: d.get(k) for k in ("goals_met", "placement_stable", "moved_closer_to_home")},
                terms=form.terms(effective_from=d["reviewed_on"]) if change else None,
                shares=form.shares() if change else (), reason=d.get("reason", ""),
            )  # fmt: skip
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(
                request,
                "Review recorded." + (" The new version awaits its funders' confirmation." if change else ""),
            )
            return HttpResponseRedirect(c.get_absolute_url())
    return _form_page(
        request,
        p,
        form,
        f"Review the package of {c.reference}",
        c.get_absolute_url(),
        400 if request.method == "POST" else 200,
    )


def compare(request: HttpRequest, slug: str, panel_slug: str, reference: str, pk: int) -> HttpResponse:
    """Two versions of a package side by side (default: the last two)."""
    p, c = _case(request, slug, panel_slug, reference)
    package = _package(c, pk)
    versions = list(package.versions.prefetch_related("shares__organisation").select_related("proposed_by"))
    by_number = {v.number: v for v in versions}

    def pick(name: str, default: int) -> Any:
        try:
            return by_number.get(int(request.GET.get(name, default)))
        except ValueError:
            return None

    a = pick("a", max(1, len(versions) - 1))
    b = pick("b", len(versions))
    if a is None or b is None:
        raise Http404("No such version.")
    fields = [
        ("Type", "get_package_type_display"), ("Description", "description"), ("Starts", "starts_on"),
        ("Ends", "ends_on"), ("Applies from", "effective_from"), ("Cost", "amount"), ("Basis", "get_basis_display"),
        ("Weeks a year", "weeks_per_year"), ("Annual cost", "annual_cost"), ("Next review", "next_review_on"),
        ("Why", "reason"), ("Proposed by", "proposed_by"), ("State", "state"),
    ]  # fmt: skip

    def value(v: Any, attr: str) -> Any:
        got = getattr(v, attr)
        return got() if callable(got) else got

    rows = [(label, value(a, attr), value(b, attr)) for label, attr in fields]
    rows = [(label, x, y, x != y) for label, x, y in rows]
    funders = sorted(
        {(s.organisation.name, s.get_funding_stream_display()) for v in (a, b) for s in v.shares.all()}
    )

    def share_of(v: Any, key: tuple[str, str]) -> Any:
        return next(
            (
                s.annual_amount
                for s in v.shares.all()
                if (s.organisation.name, s.get_funding_stream_display()) == key
            ),
            None,
        )

    funder_rows = [(f"{o} – {st}", share_of(a, (o, st)), share_of(b, (o, st))) for o, st in funders]
    return render(
        request, "panels/compare.html",
        _ctx(request, p, case=c, package=package, a=a, b=b, rows=rows, versions=versions,
             funder_rows=[(k, x, y, x != y) for k, x, y in funder_rows]),
    )  # fmt: skip


@require_POST
def confirm_share(request: HttpRequest, slug: str, panel_slug: str, reference: str, pk: int) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    share = get_object_or_404(
        FunderShare.objects.select_related("version__package__case__panel", "organisation"),
        version__package__case=c,
        pk=pk,
    )
    try:
        actions.confirm_share(share, by=request.user)
    except actions.Refused as exc:
        messages.error(request, "; ".join(exc.problems.values()))
        return HttpResponseRedirect(c.get_absolute_url() + "#packages")
    messages.success(request, f"{share.organisation.name}'s share confirmed.")
    return HttpResponseRedirect(c.get_absolute_url() + "#packages")


def decision_record(
    request: HttpRequest, slug: str, panel_slug: str, reference: str, pk: int
) -> HttpResponse:
    from jointly.panels import record

    p, c = _case(request, slug, panel_slug, reference)
    decision = get_object_or_404(Decision.objects.select_related("meeting").filter(case=c), pk=pk)
    data = record.decision_docx(c, decision)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{c.reference}-decision-{decision.pk}.docx"'
    return response


def end(request: HttpRequest, slug: str, panel_slug: str, reference: str) -> HttpResponse:
    p, c = _case(request, slug, panel_slug, reference)
    form = EndForm(request.POST or None, initial={"ended_on": asat.today_for(p.partnership)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_case(
                c, ended_on=form.cleaned_data["ended_on"], close=form.cleaned_data["close"], by=request.user
            )
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, "Case updated.")
            return HttpResponseRedirect(c.get_absolute_url())
    return _form_page(
        request, p, form, f"End {c.reference}", c.get_absolute_url(), 400 if request.method == "POST" else 200
    )


def panel_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Partnership admins set up a panel and name its chair (creating it does not make them a member)."""
    partnership = get_partnership(request, slug, Perm.EDIT_GOVERNANCE)
    form = PanelNewForm(request.POST or None, partnership=partnership)
    cancel = reverse("panels:index", args=[slug])
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        chair_email, chair_org = d.pop("chair_email"), d.pop("chair_organisation")
        try:
            panel = actions.create_panel(
                partnership, d, chair_email=chair_email, chair_organisation=chair_org, by=request.user
            )
        except actions.Refused as exc:
            form.refused(exc)
        else:
            messages.success(request, f"{panel.name} set up; its chair adds the members.")
            return HttpResponseRedirect(cancel)
    ctx = partnership_context(request, partnership, form=form, heading="Set up a panel", cancel_url=cancel)
    return render(request, FORM, ctx, status=400 if request.method == "POST" else 200)


def members(request: HttpRequest, slug: str, panel_slug: str) -> HttpResponse:
    """The chair keeps the panel's members (and who may confirm each organisation's funding) and its need bands."""
    p = _panel(request, slug, panel_slug)
    if not access.is_chair(request.user, p):
        raise PermissionDenied("Only the panel's chair can change its members and need bands.")
    member_form = MemberForm(request.POST if request.POST.get("form") == "member" else None, panel=p)
    band_form = NeedBandForm(request.POST if request.POST.get("form") == "band" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "member" and member_form.is_valid():
                d = member_form.cleaned_data
                actions.add_member(p, email=d["email"], organisation=d["organisation"], role=d["role"],
                                   can_confirm_funding=d["can_confirm_funding"], by=request.user)  # fmt: skip
                messages.success(request, "Member saved.")
                return HttpResponseRedirect(request.path)
            if request.POST.get("form") == "band" and band_form.is_valid():
                p.need_bands.get_or_create(name=band_form.cleaned_data["name"],
                                           defaults={"description": band_form.cleaned_data["description"]})  # fmt: skip
                messages.success(request, "Need band saved.")
                return HttpResponseRedirect(request.path)
            if request.POST.get("form") == "remove":
                member = get_object_or_404(p.members.filter(active=True), pk=request.POST.get("member") or 0)
                actions.remove_member(member, by=request.user)
                messages.success(request, "Member removed.")
                return HttpResponseRedirect(request.path)
        except actions.Refused as exc:
            (member_form if request.POST.get("form") == "member" else band_form).refused(exc)
        except ValueError:
            raise Http404("No such member.") from None
        status = 400
    return render(
        request, "panels/members.html",
        _ctx(request, p, member_form=member_form, band_form=band_form, bands=p.need_bands.all(),
             members=p.members.filter(active=True).select_related("user", "organisation")),
        status=status,
    )  # fmt: skip
