"""What needs attention in contracts (see :mod:`jointly.core.attention`): contracts reaching the
last day notice can be given (or past it while still running), as at each partnership's date,
from the terms after approved variations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse

from jointly.contracts import terms
from jointly.contracts.models import Contract
from jointly.core.attention import DUE, OVERDUE, Context, Item, scoped, with_contracts

NOTICE_WINDOW_DAYS = 183
"""How far ahead a notice date is flagged: about six months, time to decide extend or re-procure."""


def notice_dates(found: Sequence[Context]) -> Iterable[Item]:
    ctx = with_contracts(found)
    if not ctx:
        return
    qs = Contract.objects.filter(scoped(ctx, "partnership", "provider")).prefetch_related("variations")
    for contract in qs.order_by("end_date", "reference"):
        c = ctx[contract.partnership_id]
        current = contract.current_terms()
        if contract.start_date > c.as_at or current.end_date < c.as_at:
            continue  # not started, or ended, as at the partnership's date
        notice_by = terms.notice_by(current.end_date, contract.notice_months)
        if notice_by > c.as_at + dt.timedelta(days=NOTICE_WINDOW_DAYS):
            continue
        passed = notice_by < c.as_at
        url = reverse("contracts:detail", args=[c.partnership.slug, contract.pk])
        detail = (
            f"Notice date {notice_by:%d %b %Y} passed; ends {current.end_date:%d %b %Y}"
            if passed
            else f"Notice must be given by {notice_by:%d %b %Y} (ends {current.end_date:%d %b %Y})"
        )
        yield Item(
            c.partnership, c.as_at, "contract_notice_passed" if passed else "contract_notice_due",
            "Contract notice date passed" if passed else "Contract reaching its notice date",
            f"{contract.reference} {contract.title}", detail, url, OVERDUE if passed else DUE, notice_by,
        )  # fmt: skip
