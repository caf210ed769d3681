"""Writes of the directory that touch more than one record or need four eyes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jointly.core.approvals import check_four_eyes
from jointly.core.models import StaleEdit, save_versioned
from jointly.directory.models import (
    PROPOSABLE_FIELDS,
    ChangeProposal,
    DirectoryEntry,
    InformationPage,
    ProposalStatus,
)


class ProposalClosed(Exception):
    """The proposal was already decided."""


@transaction.atomic
def propose(entry: DirectoryEntry, changes: dict[str, Any], note: str, *, by: Any) -> ChangeProposal:
    unknown = set(changes) - set(PROPOSABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not proposable: {', '.join(sorted(unknown))}")
    return ChangeProposal.objects.create(
        entry=entry, changes=changes, note=note, proposed_by=by, created_by=by
    )


@transaction.atomic
def decide(proposal: ChangeProposal, *, approve: bool, by: Any, on: Any = None) -> ChangeProposal:
    """Approve (the changes go live on the entry) or reject; never by the proposer."""
    proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ProposalClosed("This proposal has already been decided.")
    check_four_eyes(by, proposal.proposed_by_id, record=proposal, what="change to a directory entry")
    today = on or timezone.localdate()
    if approve:
        entry = DirectoryEntry.objects.get(pk=proposal.entry_id)
        for name, value in proposal.changes.items():
            if name in PROPOSABLE_FIELDS:
                setattr(entry, name, value)
        entry.last_checked = today
        save_versioned(entry, expected_version=entry.version, by=by)
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by = by
    proposal.decided_on = today
    proposal.save()
    return proposal


@transaction.atomic
def set_published(
    page: InformationPage, published: bool, *, expected_version: int, by: Any
) -> InformationPage:
    """Publish or withdraw an information page (a stale version raises ``StaleEdit``, nothing saved)."""
    previous, page.published = page.published, published
    try:
        save_versioned(page, expected_version=expected_version, by=by)
    except StaleEdit:
        page.published = previous
        raise
    return page
