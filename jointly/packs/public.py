"""What a board pack publishes to everyone: the public part of an issued pack of a meeting held in
public, from its publication date (RESOLUTIONS 22: five clear days before the meeting) (ADR 0030).

Everything here is computed as at a date (``on``: the request's date on the public pages) and reads
only issued packs' public fields: the public part's PDF and the public items' numbers, titles and
purposes as the pack printed them (``Pack.public_items``), never the live agenda. A draft pack, a
meeting not held in public, the exempt part and anything before the publication date never appear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet

from jointly.packs import publication
from jointly.packs.models import Pack, PackStatus


def published(on: dt.date) -> QuerySet[Pack]:
    """Issued packs of meetings held in public whose publication date (as issued, and as the meeting's
    date now gives it) is on or before ``on``. Every issue of a meeting, newest first."""
    latest_meeting = on + dt.timedelta(days=publication.CLEAR_DAYS + 1)
    return (
        Pack.objects.filter(
            status=PackStatus.ISSUED,
            publication_date__lte=on,
            meeting__held_in_public=True,
            meeting__date__lte=latest_meeting,
        )
        .select_related("meeting__board__partnership")
        .defer("pdf", "public_pdf", "docx", "snapshot", "changes", "message")
        .order_by("-meeting__date", "meeting__board__name", "-number")
    )


def latest_per_meeting(packs: QuerySet[Pack]) -> list[Pack]:
    """The newest issue of each meeting (two queries whatever the number of meetings)."""
    newest = packs.order_by().values("meeting_id").annotate(top=Max("number"))
    keep = {(row["meeting_id"], row["top"]) for row in newest}
    return [p for p in packs if (p.meeting_id, p.number) in keep]


def meetings(partnership_slug: str, on: dt.date) -> list[Pack]:
    """A partnership's meetings with published papers: the newest issued pack of each."""
    return latest_per_meeting(published(on).filter(meeting__board__partnership__slug=partnership_slug))


def pack_for(partnership_slug: str, board_slug: str, meeting_id: int, on: dt.date) -> Pack | None:
    """The newest published pack of one meeting, or None (unknown, not public, not yet published)."""
    return (
        published(on)
        .filter(
            meeting__board__partnership__slug=partnership_slug,
            meeting__board__slug=board_slug,
            meeting_id=meeting_id,
        )  # fmt: skip
        .first()
    )


def public_pdf(pack: Any) -> bytes:
    """The public part's PDF of a published pack (read only when asked for)."""
    return bytes(Pack.objects.filter(pk=pack.pk).values_list("public_pdf", flat=True).first() or b"")
