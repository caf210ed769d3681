"""When a pack's public part is published: five clear days before a public meeting (pure Python).

"Clear days" leave out both the day of publication and the day of the meeting (Local Government
Act 1972, s.100B, as the papers of a public meeting follow it): a meeting on Thursday the 10th
needs its papers out by Friday the 4th.
"""

from __future__ import annotations

import datetime as dt

CLEAR_DAYS = 5


def publication_date(meeting: dt.date, clear_days: int = CLEAR_DAYS) -> dt.date:
    """The last day the public papers may be published for a meeting on ``meeting``."""
    return meeting - dt.timedelta(days=clear_days + 1)


def is_published(publication: dt.date, on: dt.date) -> bool:
    return on >= publication


def clear_days_between(published: dt.date, meeting: dt.date) -> int:
    """Whole days strictly between publication and the meeting."""
    return max(0, (meeting - published).days - 1)
