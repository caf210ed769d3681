"""Pure rules of the public directory (no Django): postcodes, ages, opening days, freshness,
small-count suppression.

The pages, the Open Referral UK API and the engagement app call these, so a rule is stated once.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

# iCal day codes, Monday first (the Open Referral UK ``byday`` field uses them).
DAYS: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES: dict[str, str] = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
    "SA": "Saturday", "SU": "Sunday",
}  # fmt: skip

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?$")

# Regulation 56 summaries and engagement counts: fewer people than this are shown as "fewer than 5".
SMALL_COUNT = 5
DEFAULT_FRESHNESS_DAYS = 180


def postcode_district(text: str) -> str:
    """The outward code ("CO1") of a full postcode ("co1 1aa") or of a district given alone;
    "" when the text is not a postcode."""
    match = _POSTCODE.match(" ".join(text.upper().split()))
    return match.group(1) if match else ""


def normalise_postcode(text: str) -> str:
    """ "co11aa" -> "CO1 1AA"; "" when it is not a whole postcode."""
    compact = "".join(text.upper().split())
    match = re.match(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$", compact)
    return f"{match.group(1)} {match.group(2)}" if match else ""


def age_on(born: date, on: date) -> int:
    """Age in whole years on ``on`` of someone born on ``born`` (29 February birthdays fall on 1 March)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return max(years, 0)


def days_list(byday: str) -> list[str]:
    """ "MO,we, FR" -> ["MO", "WE", "FR"], in week order, unknown codes dropped."""
    given = {d.strip().upper() for d in byday.split(",") if d.strip()}
    return [d for d in DAYS if d in given]


def day_code(on: date) -> str:
    return DAYS[on.weekday()]


def open_at(byday: str, opens: time | None, closes: time | None, weekday: str, at: time) -> bool:
    """Whether a weekly schedule is open on ``weekday`` at ``at`` (open all day when no times)."""
    if weekday not in days_list(byday):
        return False
    if opens is None or closes is None:
        return True
    return opens <= at < closes


def is_stale(last_checked: date | None, window_days: int, on: date) -> bool:
    """An entry not checked within the window (or never checked) may be out of date."""
    return last_checked is None or on - last_checked > timedelta(days=window_days)


def suppress(count: int) -> str:
    """A count as published: small counts are never shown exactly (they could identify someone)."""
    return f"fewer than {SMALL_COUNT}" if 0 < count < SMALL_COUNT else str(count)


#: A count hidden only so that a small one cannot be worked out from the published total.
NOT_SHOWN = "not shown (protects a small count)"


def suppress_table(counts: list[int]) -> list[str]:
    """Counts that add up to a published total, as published: each small count hidden
    (:func:`suppress`), and, when what is hidden could be worked out from the total (a single
    hidden count, or hidden counts adding up to fewer than :data:`SMALL_COUNT`), the smallest
    other counts hidden too (:data:`NOT_SHOWN`) until it cannot. Zeros are shown."""
    out = [suppress(n) for n in counts]
    hidden = [i for i, n in enumerate(counts) if 0 < n < SMALL_COUNT]
    if not hidden:
        return out
    visible = sorted((n, i) for i, n in enumerate(counts) if n >= SMALL_COUNT)
    while (len(hidden) == 1 or sum(counts[i] for i in hidden) < SMALL_COUNT) and visible:
        _, i = visible.pop(0)
        hidden.append(i)
        out[i] = NOT_SHOWN
    return out
