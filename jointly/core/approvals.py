"""Four eyes: whoever proposed something cannot approve it.

One rule for every approval in the product (contract variations, remedial action plans,
accepting a KPI return; fund changes, trust and panels later): the person who decides must
not be the person who proposed, nor whoever last changed the proposal (that person proposed
what is now on the table). Platform administrators (superusers) are not exempt.

Where a record does not say who proposed it (rows from before the proposer was recorded,
or a proposer whose account was deleted), nobody guesses: every person the audit history
shows writing the record counts as a possible proposer, so none of them can approve it.
A record that no person wrote (loaded by a script) can be approved by anyone allowed to.

Pages show :data:`FourEyesError`'s message as a form error (HTTP 403); the API answers
403 with ``{"detail": <the same message>}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

MESSAGE = "Four eyes: you {proposed} this {what}, so another person must {decide} it."


class FourEyesError(Exception):
    """The approver is (or may be) the proposer, or no named person is approving."""

    def __init__(self, what: str = "record", decide: str = "approve", proposed: str = "proposed") -> None:
        self.what = what
        super().__init__(MESSAGE.format(proposed=proposed, what=what, decide=decide))


def history_authors(record: models.Model) -> set[int]:
    """Ids of every person recorded as writing ``record`` (its creator and its audit history)."""
    ids: set[int] = set()
    created_by = getattr(record, "created_by_id", None)
    if created_by is not None:
        ids.add(created_by)
    history = getattr(record, "history", None)
    if history is not None:
        ids.update(
            history.exclude(history_user__isnull=True).values_list("history_user_id", flat=True).distinct()
        )
    return ids


def possible_proposers(
    proposed_by_id: int | None, record: models.Model | None = None, also: Iterable[int | None] = ()
) -> set[int]:
    """The proposer (and ``also``: e.g. whoever last changed the proposal) if the proposer is
    known; otherwise everyone the record's history names (see module notes)."""
    known = {i for i in also if i is not None}
    if proposed_by_id is not None:
        return {proposed_by_id} | known
    return known | (history_authors(record) if record is not None else set())


def check_four_eyes(
    approver: Any,
    proposed_by_id: int | None,
    *,
    record: models.Model | None = None,
    also: Iterable[int | None] = (),
    what: str = "record",
    decide: str = "approve",
    proposed: str = "proposed",
) -> None:
    """Refuse (:class:`FourEyesError`) unless ``approver`` is a named person other than the proposer.

    ``record`` is consulted only when ``proposed_by_id`` is unknown (None); ``also`` names
    other people who wrote the proposal (they cannot decide it either).
    """
    approver_id = getattr(approver, "pk", None)
    if approver_id is None or approver_id in possible_proposers(proposed_by_id, record, also):
        raise FourEyesError(what, decide, proposed)


def may_decide(
    approver: Any,
    proposed_by_id: int | None,
    *,
    record: models.Model | None = None,
    also: Iterable[int | None] = (),
) -> bool:
    """True when :func:`check_four_eyes` would let ``approver`` decide (for showing or hiding forms)."""
    try:
        check_four_eyes(approver, proposed_by_id, record=record, also=also)
    except FourEyesError:
        return False
    return True
