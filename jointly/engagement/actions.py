"""Writes of engagement that touch many records."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jointly.engagement.models import Feedback


@transaction.atomic
def purge_expired(on: dt.date) -> int:
    """Delete public comments (and their audit copies) kept past their retention date."""
    expired = Feedback.objects.filter(retain_until__lt=on)
    ids = list(expired.values_list("pk", flat=True))
    deleted = expired.delete()[0]
    Feedback.history.filter(id__in=ids).delete()
    return deleted
