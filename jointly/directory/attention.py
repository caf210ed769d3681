"""What needs attention in the Local Offer (see :mod:`jointly.core.attention`): published information
pages not checked within their Local Offer's freshness window, as at the context's date, shown to
those who keep them current (the people of the keeping partnership who edit directory entries)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse

from jointly.accounts.permissions import Perm
from jointly.core.attention import DUE, Context, Item, with_perm
from jointly.directory import facts
from jointly.directory.models import InformationPage


def stale_pages(found: Sequence[Context]) -> Iterable[Item]:
    """One line per published information page out of date. One query."""
    ctx = with_perm(found, Perm.EDIT_CONTRACTS)
    if not ctx:
        return
    pages = (
        InformationPage.objects.filter(published=True, local_offer__partnership__in=list(ctx))
        .select_related("local_offer", "owner")
        .order_by("local_offer__name", "title", "pk")
    )
    for page in pages:
        offer = page.local_offer
        c = ctx[offer.partnership_id]
        if not facts.is_stale(page.last_checked, offer.freshness_days, c.as_at):
            continue
        checked = f"last checked {page.last_checked:%-d %b %Y}" if page.last_checked else "never checked"
        yield Item(
            c.partnership, c.as_at, "information_page_stale", "Local Offer page out of date", page.title,
            f"{offer.name}: {checked}, shown to the public as possibly out of date (owner: {page.owner.name})",
            reverse("directory:information", args=[c.partnership.slug, offer.slug, page.pk]), DUE, page.last_checked,
        )  # fmt: skip
