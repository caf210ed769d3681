"""Public board papers (no sign-in): a partnership's meetings with published papers, each meeting's
public agenda and the public part's PDF of its issued pack (ADR 0030).

Served as the public Local Offer pages are (:mod:`jointly.directory.public`): rendered without the
request (no user, menu or messages reach the page), with the public CSP that allows no script.
"Published" is computed as at the request's date (:mod:`jointly.packs.public`); anything not
published answers the same 404 as an address that never existed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from jointly.directory.public import PUBLIC_CSP, render_public
from jointly.packs import public


def papers_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open to everyone, with the public CSP; a 404 is this section's own page."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render_public("packs/public/404.html", {}, status=404, cache=False)
        response.headers["Content-Security-Policy"] = PUBLIC_CSP
        return response

    return wrapper


def _today() -> Any:
    return timezone.localdate()


@papers_page
@require_safe
def index(request: HttpRequest, slug: str) -> HttpResponse:
    packs = public.meetings(slug, _today())
    if not packs:
        raise Http404("No published papers.")
    partnership = packs[0].meeting.board.partnership
    return render_public("packs/public/index.html", {"partnership": partnership, "packs": packs})


@papers_page
@require_safe
def meeting(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    pack = public.pack_for(slug, board_slug, meeting_id, _today())
    if pack is None:
        raise Http404("No published papers for this meeting.")
    m = pack.meeting
    return render_public(
        "packs/public/meeting.html",
        {"partnership": m.board.partnership, "board": m.board, "meeting": m, "pack": pack},
    )


@papers_page
@require_safe
def pdf(request: HttpRequest, slug: str, board_slug: str, meeting_id: int) -> HttpResponse:
    pack = public.pack_for(slug, board_slug, meeting_id, _today())
    data = public.public_pdf(pack) if pack is not None else b""
    if not data:
        raise Http404("No published papers for this meeting.")
    m = pack.meeting  # type: ignore[union-attr]
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{m.board.slug}-{m.date.isoformat()}-public-papers.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "public, max-age=300"
    return response
