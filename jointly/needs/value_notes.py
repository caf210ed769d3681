"""What a publisher's value note says, in one or two words (pure: no Django).

Fingertips publishes a ``Value note`` with some values: "Value suppressed for disclosure control
due to small count", "Value for Cornwall & Isles of Scilly combined", "Aggregated from all known
lower geography values", "Modelled estimate"… A note is not a missing value: a suppressed value is
withheld on purpose, a combined one stands for two areas. Pages show the note's kind as a tag
beside the value and the note in full; exports and the API carry the note as published.
"""

from __future__ import annotations

_KINDS = [
    ("suppress", "suppressed"),
    ("disclosure", "suppressed"),
    ("model", "modelled"),
    ("combined", "combined areas"),
    ("aggregated", "aggregated"),
    ("estimate", "estimated"),
    ("provisional", "provisional"),
    ("not published", "not published"),
    ("not available", "not available"),
    ("data quality", "data quality"),
]


def note_kind(note: str | None) -> str:
    """``"suppressed"``, ``"modelled"``, ``"combined areas"``… for a note; ``""`` for none."""
    text = (note or "").strip().lower()
    if not text:
        return ""
    for word, kind in _KINDS:
        if word in text:
            return kind
    return "note"
